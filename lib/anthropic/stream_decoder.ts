/**
 * Reads an Anthropic upstream's SSE stream and tells the Assembler what arrives. Lenient: unknown
 * events and block types are skipped (server-tool blocks other than a web search too, with their
 * deltas), `ping` is ignored, and an `error` event or unparsable data ends the stream as an error
 * for the caller. A web search is told once its block ends, when its query is whole.
 */
import { ProxyError } from "../errors.ts";
import type { Assembler } from "../ir/assembler.ts";
import type { DecodeContext, StreamDecoder } from "../ir/codec.ts";
import type { SseEvent } from "../sse/parser.ts";
import { idOf, stringOf } from "../ir/lenient.ts";
import { kindOfErrorType } from "./errors.ts";
import { stopReasonFromWire } from "./stop_reason.ts";
import { usageFromWire } from "./usage.ts";
import { isObject, type JsonObject } from "../json/fields.ts";
import { searchCallOf, searchResultOf } from "./web_search.ts";
import type { InboundBlock, InboundDelta, InboundStreamEvent } from "./types.ts";

/** A decoder for one upstream stream, driving `assembler`. */
export function createStreamDecoder(assembler: Assembler, context: DecodeContext): StreamDecoder {
  return new AnthropicStreamDecoder(assembler, context);
}

/** Block kinds the decoder passes on; others (server tools) are skipped with their deltas. */
type Kind = "text" | "thinking" | "tool_use" | "web_search" | "skipped";

class AnthropicStreamDecoder implements StreamDecoder {
  #assembler: Assembler;
  #context: DecodeContext;
  /** What each upstream block index holds, so its deltas go to the right place. */
  #kinds = new Map<number, Kind>();
  /** The search whose block is open: its query arrives as input deltas. */
  #search: { index: number; id: string; json: string } | undefined;
  #ended = false;

  constructor(assembler: Assembler, context: DecodeContext) {
    this.#assembler = assembler;
    this.#context = context;
  }

  /** `message_stop` has arrived. */
  get ended(): boolean {
    return this.#ended;
  }

  push(event: SseEvent): void {
    if (this.#ended) return;
    let data: InboundStreamEvent;
    try {
      const parsed = JSON.parse(event.data);
      data = isObject(parsed) ? parsed : {};
    } catch {
      this.#assembler.fail(
        new ProxyError("bad_gateway", "Upstream sent a stream event that is not JSON"),
      );
      return;
    }
    const a = this.#assembler;
    switch (data.type ?? event.event) {
      case "message_start":
        a.start({
          id: idOf(data.message?.id),
          usage: usageFromWire(data.message?.usage, (w) => a.warn(w)),
        });
        return;
      case "content_block_start":
        this.#blockStart(data.index ?? 0, data.content_block ?? {});
        return;
      case "content_block_delta":
        this.#blockDelta(data.index ?? 0, data.delta ?? {});
        return;
      case "content_block_stop":
        if (this.#search && this.#search.index === (data.index ?? 0)) this.#searchDone();
        return;
      case "message_delta":
        if (data.delta) {
          a.finish(
            stopReasonFromWire(data.delta.stop_reason),
            data.delta.stop_sequence ?? undefined,
          );
        }
        a.addUsage(usageFromWire(data.usage, (w) => a.warn(w)));
        return;
      case "message_stop":
        this.#ended = true;
        return;
      case "error":
        a.fail(
          new ProxyError(
            kindOfErrorType(data.error?.type),
            data.error?.message || "Upstream stream failed",
          ),
        );
        return;
    }
    // ping and unknown events carry nothing to pass on
  }

  end(): void {}

  #blockStart(index: number, block: InboundBlock): void {
    const a = this.#assembler;
    switch (block.type) {
      case "text":
        this.#kinds.set(index, "text");
        a.breakBlock(); // Anthropic's blocks are real boundaries: keep them apart
        a.text(stringOf(block.text) ?? "");
        return;
      case "thinking": {
        this.#kinds.set(index, "thinking");
        a.breakBlock(); // each thinking block keeps its own signature
        a.thinking(stringOf(block.thinking) ?? "");
        const signature = stringOf(block.signature);
        if (signature) a.thinkingSignature({ origin: "anthropic", value: signature });
        return;
      }
      case "redacted_thinking":
        this.#kinds.set(index, "skipped");
        a.redactedThinking(stringOf(block.data) ?? "");
        return;
      case "tool_use": {
        this.#kinds.set(index, "tool_use");
        const name = stringOf(block.name) ?? "";
        a.toolCall(String(index), {
          id: idOf(block.id),
          name: this.#context.toolNames.get(name) ?? name,
        });
        if (isObject(block.input) && Object.keys(block.input).length > 0) {
          a.toolCall(String(index), { args: JSON.stringify(block.input) });
        }
        return;
      }
      case "server_tool_use":
      case "web_search_tool_result":
        this.#kinds.set(index, "skipped");
        this.#serverBlock(index, block as JsonObject);
        return;
      default:
        this.#kinds.set(index, "skipped");
    }
  }

  #serverBlock(index: number, block: JsonObject): void {
    if (block.type === "web_search_tool_result") {
      const result = searchResultOf(block);
      if (result) this.#assembler.webSearchResult(result.callId, result.sources, result.errorCode);
      return;
    }
    const call = searchCallOf(block);
    if (!call) return;
    this.#kinds.set(index, "web_search");
    const input = isObject(block.input) && Object.keys(block.input).length > 0
      ? JSON.stringify(block.input)
      : "";
    this.#search = { index, id: call.id, json: input };
  }

  #searchDone(): void {
    const search = this.#search!;
    this.#search = undefined;
    let query = "";
    try {
      const input: unknown = JSON.parse(search.json || "{}");
      if (isObject(input) && typeof input.query === "string") query = input.query;
    } catch {
      this.#assembler.warn("A web search's query was not JSON: it went without one");
    }
    this.#assembler.webSearchCall(search.id, query);
  }

  #blockDelta(index: number, delta: InboundDelta): void {
    const kind = this.#kinds.get(index);
    if (kind === "skipped") return;
    const a = this.#assembler;
    switch (delta.type) {
      case "text_delta":
        a.text(stringOf(delta.text) ?? "");
        return;
      case "thinking_delta":
        a.thinking(stringOf(delta.thinking) ?? "");
        return;
      case "signature_delta": {
        const signature = stringOf(delta.signature);
        if (signature) a.thinkingSignature({ origin: "anthropic", value: signature });
        return;
      }
      case "input_json_delta": {
        const json = stringOf(delta.partial_json);
        if (kind === "tool_use" && json) a.toolCall(String(index), { args: json });
        if (kind === "web_search" && json && this.#search) this.#search.json += json;
        return;
      }
    }
  }
}
