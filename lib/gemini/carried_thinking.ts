/**
 * Gemini CLI drops thought parts from the history it sends back but keeps each call part's
 * `thoughtSignature`, verbatim. Thinking that the proxy signed (from an upstream that signs
 * none, such as DeepSeek's `reasoning_content`) therefore rides to a Gemini caller inside the
 * `thoughtSignature` of the call that follows it (lib/ir/signature.ts), and the request decoder
 * restores it from there on the next turn: no state is kept on the server.
 */
import { MAX_CARRIED_THINKING_BYTES, signatureCarryingThinking } from "../ir/signature.ts";
import type { Signature } from "../ir/types.ts";

/** The proxy-signed thinking of one answer, kept until the next call part. */
export class ThinkingCarrier {
  /** Closed blocks the proxy signed, waiting for a call. */
  #closed: string[] = [];
  /** The open block's pieces. */
  #open: string[] = [];
  /** Characters kept in both; each is at least one UTF-8 byte, so past the cap more is cut. */
  #chars = 0;

  /** A piece of the open thinking block. */
  add(text: string): void {
    if (this.#chars >= MAX_CARRIED_THINKING_BYTES) return;
    this.#open.push(text);
    this.#chars += text.length;
  }

  /** The open block ended with `signature`: kept only when the proxy made it. */
  close(signature: Signature | undefined): void {
    const text = this.#open.join("");
    this.#open = [];
    if (signature === undefined || signature.origin === "proxy") {
      if (text) this.#closed.push(text);
    } else this.#chars -= text.length;
  }

  /**
   * The `thoughtSignature` for a call part: the thinking closed since the last call, joined as
   * an OpenAI-dialect upstream gets several blocks of one message; undefined when there is none.
   */
  take(): string | undefined {
    if (this.#closed.length === 0) return undefined;
    const text = this.#closed.join("\n\n");
    this.clear();
    return signatureCarryingThinking(text);
  }

  /** Forgets the thinking kept so far (it belonged to a call that carries its own signature). */
  clear(): void {
    this.#closed = [];
    this.#open = []; // no block is open when a call comes: the call closed the one before it
    this.#chars = 0;
  }
}
