/**
 * The one state machine for content, tool-call and thinking blocks. Upstream stream decoders
 * call it with loose facts as they arrive ("some text", "a piece of call 2's arguments", "the
 * finish reason"); it turns them into the strict block stream every caller encoder consumes:
 * one block open at a time, indices in order, no delta outside its block, a signature at the end
 * of every thinking block, each tool call as exactly one block whose argument deltas join to its
 * full JSON.
 */
import { ProxyError } from "../errors.ts";
import { argsClosing, type CallState, newCall, unsentArgs } from "./call_state.ts";
import type {
  BlockStart,
  Signature,
  StopReason,
  StreamEvent,
  Usage,
  WebSearchSource,
} from "./types.ts";
import { emptyUsage } from "./types.ts";
import { WarningTally } from "./warning_tally.ts";

type OpenBlock =
  | { kind: "text"; index: number }
  | { kind: "thinking"; index: number; signature?: Signature }
  | { kind: "tool_call"; index: number; call: CallState };

export interface AssemblerOptions {
  /** Used when the upstream gives no message id. */
  id: string;
  /** The model name shown to the caller. */
  model: string;
  /** Makes ids for tool calls that arrive without one. */
  newCallId: () => string;
  /**
   * The most characters of tool-call arguments one answer may hold (they are kept until the
   * call is complete, and a caller may keep them whole to parse): beyond it the stream fails.
   */
  maxArgumentChars?: number;
}

/** Turns loose upstream facts into the strict `StreamEvent` sequence. */
export class Assembler {
  #opts: AssemblerOptions;
  #out: StreamEvent[] = [];
  #started = false;
  #done = false;
  #nextIndex = 0;
  #open: OpenBlock | undefined;
  #calls = new Map<string, CallState>();
  #sawCall = false;
  #stop: { reason: StopReason; sequence?: string } | undefined;
  #usage: Usage = emptyUsage();
  /** Counted by kind: an upstream can send a warning's cause in every chunk. */
  #warnings = new WarningTally();
  /** Characters of tool-call arguments received, against `maxArgumentChars`. */
  #argChars = 0;
  #maxArgChars: number;
  /** Whitespace-only text waiting for text that is not blank (see `text`). */
  #blank = "";

  constructor(opts: AssemblerOptions) {
    this.#opts = opts;
    this.#maxArgChars = opts.maxArgumentChars ?? Infinity;
  }

  /** Events produced since the last call. */
  drain(): StreamEvent[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  /** What had to be dropped on the way (logged and sent as `x-proxy-warnings` where possible). */
  get warnings(): readonly string[] {
    return this.#warnings.list();
  }

  /** Notes something dropped on the way (counted by kind, however often the upstream repeats it). */
  warn(message: string): void {
    this.#warnings.add(message);
  }

  /** True once the stream has closed or failed. */
  get done(): boolean {
    return this.#done;
  }

  /** The usage known so far. */
  get usage(): Usage {
    return this.#usage;
  }

  /** The message begins; sends `message_start` with whatever is known now. */
  start(info: { id?: string; usage?: Partial<Usage> } = {}): void {
    if (this.#started || this.#done) return;
    if (info.usage) this.addUsage(info.usage);
    this.#started = true;
    this.#out.push({
      type: "message_start",
      id: info.id || this.#opts.id,
      model: this.#opts.model,
      usage: { ...this.#usage },
    });
  }

  /**
   * Answer text. Whitespace that does not follow text already open is held back until text that
   * is not blank follows it, and dropped if a thinking, tool-call block or the end comes first:
   * upstreams (GLM, Qwen, Kimi, Gemini) send `"\n\n"` before a tool call, and Anthropic rejects
   * the whitespace-only text block that a client such as Claude Code would replay from then on.
   */
  text(text: string): void {
    if (!text || this.#done) return;
    if (this.#open?.kind !== "text") {
      // Only the new text is tested: what is held is blank already (testing all of it again
      // made a model printing newlines in small deltas cost quadratic time).
      if (text.trim() === "") {
        this.#blank += text;
        return;
      }
      text = this.#blank + text;
      this.#blank = "";
    }
    const index = this.#ensureBlock("text");
    this.#out.push({ type: "block_delta", index, delta: { type: "text", text } });
  }

  thinking(text: string): void {
    if (!text || this.#done) return;
    const index = this.#ensureBlock("thinking");
    this.#out.push({ type: "block_delta", index, delta: { type: "thinking", text } });
  }

  /** A signature for the open thinking block, or for an empty one when none is open. */
  thinkingSignature(signature: Signature): void {
    if (this.#done) return;
    if (this.#open?.kind !== "thinking") this.#ensureBlock("thinking");
    (this.#open as { signature?: Signature }).signature = signature;
  }

  redactedThinking(data: string): void {
    this.#wholeBlock({ type: "redacted_thinking", data });
  }

  /** A web search the upstream ran: a block of its own, after whatever came before it. */
  webSearchCall(id: string, query: string): void {
    this.#wholeBlock({ type: "web_search_call", id, query });
  }

  /** What the search `callId` found (or the error code it failed with). */
  webSearchResult(callId: string, sources: WebSearchSource[], errorCode?: string): void {
    this.#wholeBlock({
      type: "web_search_result",
      callId,
      sources,
      ...(errorCode !== undefined ? { errorCode } : {}),
    });
  }

  /**
   * A piece of a tool call. `key` tells calls apart (the upstream's index, else its id, else
   * its position); `id` and `name` may come once or with every piece, `args` in fragments split
   * anywhere, and several calls may interleave.
   */
  toolCall(
    key: string,
    piece: { id?: string; name?: string; args?: string; signature?: Signature },
  ): void {
    if (this.#done) return;
    this.#startMessage();
    this.#sawCall = true;
    let call = this.#calls.get(key);
    if (!call) {
      call = newCall(key);
      this.#calls.set(key, call);
    }
    if (piece.id && !call.id) call.id = piece.id;
    if (piece.name && !call.name) call.name = piece.name;
    if (piece.signature) call.signature = piece.signature;
    if (piece.args) {
      if (call.state === "closed") {
        this.#warnings.add(`Arguments for tool call "${call.name}" arrived after its block closed`);
        return;
      }
      this.#argChars += piece.args.length;
      if (this.#argChars > this.#maxArgChars) {
        this.fail(
          new ProxyError(
            "bad_gateway",
            `Upstream tool call arguments are longer than ${this.#maxArgChars} characters`,
          ),
        );
        return;
      }
      call.args += piece.args;
      call.prefix.push(piece.args);
    }
    const open = this.#open;
    if (open?.kind === "tool_call" && open.call === call) {
      this.#flushArgs(call, open.index);
      return;
    }
    if (call.state !== "waiting" || !call.name) return;
    // Interleaved: wait until the open call's arguments close their object (the scanner that
    // decides what may be sent already knows, without reading them again).
    if (open?.kind === "tool_call" && !open.call.prefix.complete) return;
    this.#closeOpenBlock();
    this.#openCall(call);
  }

  /** Ends the open block, so the next text or thinking starts a block of its own. */
  breakBlock(): void {
    if (!this.#done) this.#closeOpenBlock();
  }

  /** The upstream's finish reason; closing events wait for `end()` (usage may still come). */
  finish(reason: StopReason, stopSequence?: string): void {
    this.#stop = { reason, sequence: stopSequence };
  }

  /** Usage figures as they arrive; later figures replace earlier ones field by field. */
  addUsage(usage: Partial<Usage>): void {
    for (const [k, v] of Object.entries(usage)) {
      if (k === "serverToolUse") {
        const searches = (v as Usage["serverToolUse"])?.webSearchRequests;
        if (typeof searches === "number" && Number.isFinite(searches)) {
          this.#usage.serverToolUse = { webSearchRequests: searches };
        }
      } else if (typeof v === "number" && Number.isFinite(v)) {
        this.#usage[k as Exclude<keyof Usage, "serverToolUse">] = v;
      }
    }
  }

  /** The upstream failed mid-stream: one error event, and nothing after it. */
  fail(error: ProxyError): void {
    if (this.#done) return;
    this.#done = true;
    this.#out.push({ type: "error", error });
  }

  /** The upstream stream is over: close what is open and send the closing events. */
  end(): void {
    if (this.#done) return;
    this.#startMessage();
    this.#closeOpenBlock();
    for (const call of this.#calls.values()) {
      if (call.state !== "waiting") continue;
      if (!call.name) {
        this.#warnings.add("Dropped a tool call that arrived without a name");
        continue;
      }
      this.#openCall(call);
      this.#closeOpenBlock();
    }
    if (!this.#stop) {
      this.fail(new ProxyError("bad_gateway", "Upstream stream ended before it finished"));
      return;
    }
    let reason = this.#stop.reason;
    if (this.#sawCall && reason === "end_turn") reason = "tool_use";
    this.#out.push({
      type: "message_delta",
      stopReason: reason,
      ...(this.#stop.sequence !== undefined ? { stopSequence: this.#stop.sequence } : {}),
      usage: { ...this.#usage },
    });
    this.#out.push({ type: "message_stop" });
    this.#done = true;
  }

  #startMessage(): void {
    if (!this.#started) this.start();
  }

  /** A block that arrives whole: it opens and closes at once, after the open block closes. */
  #wholeBlock(block: BlockStart): void {
    if (this.#done) return;
    this.#startMessage();
    this.#closeOpenBlock();
    this.#blank = "";
    const index = this.#nextIndex++;
    this.#out.push({ type: "block_start", index, block });
    this.#out.push({ type: "block_stop", index });
  }

  #ensureBlock(kind: "text" | "thinking"): number {
    this.#startMessage();
    if (this.#open?.kind === kind) return this.#open.index;
    if (kind !== "text") this.#blank = "";
    this.#closeOpenBlock();
    const index = this.#nextIndex++;
    this.#open = { kind, index };
    this.#out.push({ type: "block_start", index, block: { type: kind } });
    return index;
  }

  #openCall(call: CallState): void {
    this.#blank = "";
    const index = this.#nextIndex++;
    call.id ??= this.#opts.newCallId();
    call.state = "open";
    this.#open = { kind: "tool_call", index, call };
    this.#out.push({
      type: "block_start",
      index,
      block: {
        type: "tool_call",
        id: call.id,
        name: call.name!,
        ...signatureField(call.signature),
      },
    });
    this.#flushArgs(call, index);
  }

  /** Sends the arguments received so far, as far as they still read as a JSON object. */
  #flushArgs(call: CallState, index: number): void {
    const json = unsentArgs(call);
    if (json) this.#out.push({ type: "block_delta", index, delta: { type: "tool_args", json } });
  }

  /** The end of a call's arguments: none are `{}`; what is held back goes out, then closed. */
  #finishArgs(call: CallState, index: number): void {
    if (call.args.trim() === "") {
      this.#out.push({ type: "block_delta", index, delta: { type: "tool_args", json: "{}" } });
      return;
    }
    this.#flushArgs(call, index);
    const json = argsClosing(call);
    if (json === undefined) return;
    if (json) this.#out.push({ type: "block_delta", index, delta: { type: "tool_args", json } });
    this.warn(`Tool call "${call.name}" had arguments that are not a JSON object`);
  }

  #closeOpenBlock(): void {
    const open = this.#open;
    if (!open) return;
    this.#open = undefined;
    if (open.kind === "thinking") {
      const signature = open.signature ?? { origin: "proxy", value: "" };
      this.#out.push({
        type: "block_delta",
        index: open.index,
        delta: { type: "signature", signature },
      });
    } else if (open.kind === "tool_call") {
      this.#finishArgs(open.call, open.index);
      open.call.state = "closed";
    }
    this.#out.push({ type: "block_stop", index: open.index });
  }
}

function signatureField(signature: Signature | undefined): { signature?: Signature } {
  return signature ? { signature } : {};
}
