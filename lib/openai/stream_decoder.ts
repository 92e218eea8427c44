/**
 * An OpenAI-dialect upstream's `chat.completion.chunk` stream, fed to the Assembler as loose
 * facts. Copes with what providers really send: `reasoning_content` or `reasoning` deltas,
 * tool-call pieces with or without `index` (several calls interleaved, arguments split anywhere),
 * and usage in a trailing chunk with empty `choices` after the `finish_reason` chunk (the
 * Assembler drops the whitespace-only text GLM, Qwen and Kimi send before a tool call);
 * `[DONE]` without a `finish_reason` still ends the message normally.
 */
import { ProxyError } from "../errors.ts";
import type { Assembler } from "../ir/assembler.ts";
import type { DecodeContext, StreamDecoder } from "../ir/codec.ts";
import type { SseEvent } from "../sse/parser.ts";
import { idOf } from "../ir/lenient.ts";
import { isObject } from "../json/fields.ts";
import { callSignatureOf, reasoningOf } from "./decode_response.ts";
import { errorKindOf, errorMessage } from "./errors.ts";
import { stopReasonOf } from "./finish_reason.ts";
import type { ChatCompletionChunkIn, ChatToolCallIn } from "./types.ts";
import { usageOfChat } from "./usage.ts";

/** Makes the decoder for one upstream stream. */
export function createStreamDecoder(assembler: Assembler, context: DecodeContext): StreamDecoder {
  return new ChatStreamDecoder(assembler, context);
}

class ChatStreamDecoder implements StreamDecoder {
  #assembler: Assembler;
  #context: DecodeContext;
  #calls = new CallKeys();
  /** Whether the text passed on last is still the open block (no call or reasoning since). */
  #finished = false;
  #sawCall = false;
  #ended = false;

  constructor(assembler: Assembler, context: DecodeContext) {
    this.#assembler = assembler;
    this.#context = context;
  }

  /** `[DONE]`, or usage at or after the finish reason (the proxy always asks for usage). */
  get ended(): boolean {
    return this.#ended;
  }

  push(event: SseEvent): void {
    if (this.#ended) return;
    const data = event.data.trim();
    if (data === "") return;
    if (data === "[DONE]") {
      // the upstream closed the message properly; some providers never send a finish_reason
      if (!this.#finished && !this.#assembler.done) this.#finish("stop");
      this.#ended = true;
      return; // the server calls assembler.end()
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      this.#assembler.fail(
        new ProxyError(
          "bad_gateway",
          `Upstream sent a stream event that is not JSON: ${clip(data)}`,
        ),
      );
      return;
    }
    if (!isObject(chunk)) return;
    this.#chunk(chunk as ChatCompletionChunkIn);
  }

  end(): void {}

  #chunk(chunk: ChatCompletionChunkIn): void {
    const assembler = this.#assembler;
    if (chunk.error) {
      assembler.fail(
        new ProxyError(errorKindOf(chunk.error), errorMessage(chunk) ?? "Upstream error"),
      );
      return;
    }
    assembler.start({ id: idOf(chunk.id) });
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    const delta = choice?.delta;
    if (delta) {
      const reasoning = reasoningOf(delta);
      assembler.thinking(reasoning);
      if (typeof delta.content === "string") this.#text(delta.content);
      if (typeof delta.refusal === "string") this.#text(delta.refusal);
      if (Array.isArray(delta.tool_calls)) {
        delta.tool_calls.forEach((call, position) => this.#toolCall(call, position));
      }
    }
    if (choice?.finish_reason) {
      this.#finish(delta?.refusal ? "refusal" : choice.finish_reason);
    }
    if (isObject(chunk.usage)) {
      assembler.addUsage(usageOfChat(chunk.usage, (message) => assembler.warn(message)));
      if (this.#finished) this.#ended = true;
    }
  }

  /** `tool_calls` with no call seen is a provider glitch: read it as a normal end. */
  #finish(finishReason: string): void {
    this.#finished = true;
    const reason = finishReason === "refusal" ? "refusal" : stopReasonOf(finishReason);
    this.#assembler.finish(reason === "tool_use" && !this.#sawCall ? "end_turn" : reason);
  }

  #text(text: string): void {
    this.#assembler.text(text);
  }

  #toolCall(raw: unknown, position: number): void {
    if (!isObject(raw)) return;
    const call = raw as ChatToolCallIn;
    const fn: Record<string, unknown> = isObject(call.function) ? call.function : {};
    const name = stringOf(fn.name);
    const signature = callSignatureOf(call);
    this.#sawCall = true;
    this.#assembler.toolCall(this.#calls.keyOf(call, position, name !== undefined), {
      id: stringOf(call.id),
      name: name ? this.#context.toolNames.get(name) ?? name : undefined,
      args: isObject(fn.arguments) ? JSON.stringify(fn.arguments) : stringOf(fn.arguments),
      ...(signature ? { signature } : {}),
    });
  }
}

/**
 * Tells tool calls apart: by `index` when present, else by `id`, else by position in the
 * `tool_calls` array. A piece without an id belongs to the call last seen at its index (or
 * position). A new id at a known index is a new call when it names its function (some providers
 * give every call index 0), else another label for the same call.
 */
class CallKeys {
  #byId = new Map<string, string>();
  #latestAt = new Map<string, string>();
  #ownerOf = new Map<string, string>();

  keyOf(call: ChatToolCallIn, position: number, named: boolean): string {
    const hasIndex = typeof call.index === "number";
    const slot = hasIndex ? `index:${call.index}` : `position:${position}`;
    const id = stringOf(call.id);
    if (!id) return this.#latestAt.get(slot) ?? slot;
    const known = this.#byId.get(id);
    if (known) return known;
    let key = hasIndex ? this.#latestAt.get(slot) ?? slot : `id:${id}`;
    const owner = this.#ownerOf.get(key);
    if (owner !== undefined && owner !== id && named) key = `id:${id}`;
    if (!this.#ownerOf.has(key)) this.#ownerOf.set(key, id);
    this.#byId.set(id, key);
    this.#latestAt.set(slot, key);
    this.#latestAt.set(`position:${position}`, key);
    return key;
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
