/**
 * A Responses upstream's SSE stream, fed to the Assembler as loose facts. Each output item is a
 * block of its own; reasoning summary parts become paragraphs of one thinking block whose
 * signature is the item's final `encrypted_content` (only `output_item.done` carries it);
 * function-call arguments arrive as deltas, or (some compatible servers) only whole in `.done`;
 * a `web_search_call` is a search with its result when it is done (pages only the answer's
 * citations name follow the answer's text, which is never held back for them).
 * `response.completed` / `.incomplete` give the stop reason and usage; `response.failed` and
 * `error` events end the stream as an error. Unknown events are skipped.
 */
import { ProxyError } from "../errors.ts";
import { idOf } from "../ir/lenient.ts";
import type { Assembler } from "../ir/assembler.ts";
import type { DecodeContext, StreamDecoder } from "../ir/codec.ts";
import type { SseEvent } from "../sse/parser.ts";
import { isObject } from "../json/fields.ts";
import { reasoningText } from "./decode_response.ts";
import { upstreamFailure } from "./errors.ts";
import { stopReasonOfIncomplete } from "./status.ts";
import type { OutputItemIn, ResponseIn, StreamEventIn } from "./types.ts";
import { usageOfResponses } from "./usage.ts";
import { addCited, citedSources, searchesIn, searchOfItem } from "./web_search.ts";
import type { WebSearchResultPart } from "../ir/types.ts";

/** Makes the decoder for one upstream stream. */
export function createStreamDecoder(assembler: Assembler, context: DecodeContext): StreamDecoder {
  return new ResponsesStreamDecoder(assembler, context);
}

/** What the decoder knows of one output item, by its `output_index`. */
interface ItemState {
  type: string;
  /** Text (or arguments) passed on so far, to fill in from `.done` what no delta carried. */
  sent: string;
  /** Reasoning: which kind of text was streamed (summary parts win over raw text). */
  textKind?: "summary" | "raw";
}

class ResponsesStreamDecoder implements StreamDecoder {
  #assembler: Assembler;
  #context: DecodeContext;
  #items = new Map<string, ItemState>();
  #refused = false;
  #ended = false;
  /** The result of the latest search, which pages cited later join; how many searches ran. */
  #search: WebSearchResultPart | undefined;
  #searches = 0;

  constructor(assembler: Assembler, context: DecodeContext) {
    this.#assembler = assembler;
    this.#context = context;
  }

  /** `response.completed`, `.incomplete` or `.failed` (or an `error` event) has arrived. */
  get ended(): boolean {
    return this.#ended;
  }

  push(event: SseEvent): void {
    if (this.#ended) return;
    const data = event.data.trim();
    if (data === "" || data === "[DONE]") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      this.#assembler.fail(
        new ProxyError(
          "bad_gateway",
          `Upstream sent a stream event that is not JSON: ${clip(data)}`,
        ),
      );
      return;
    }
    if (isObject(parsed)) this.#event(parsed as StreamEventIn, event.event);
  }

  end(): void {}

  #event(data: StreamEventIn, name: string | undefined): void {
    const a = this.#assembler;
    switch (data.type ?? name) {
      case "response.created":
        a.start({ id: idOf(data.response?.id) });
        return;
      case "response.output_item.added":
        return this.#added(data);
      case "response.output_text.delta":
      case "response.refusal.delta":
        if (data.type === "response.refusal.delta") this.#refused = true;
        return this.#text(data, "text");
      case "response.reasoning_summary_part.added":
        // summary parts are paragraphs of one thinking block
        if ((data.summary_index ?? 0) > 0) this.#text(data, "summary", "\n\n");
        return;
      case "response.reasoning_summary_text.delta":
        return this.#text(data, "summary");
      case "response.reasoning_text.delta":
        return this.#text(data, "raw");
      case "response.function_call_arguments.delta":
        return this.#args(data, data.delta);
      case "response.function_call_arguments.done":
        return this.#argsDone(data, data.arguments);
      case "response.output_item.done":
        return this.#done(data);
      case "response.completed":
      case "response.incomplete":
        this.#ended = true;
        return this.#finish(data.response ?? {});
      case "response.failed":
        this.#ended = true;
        a.fail(upstreamFailure(data.response?.error, "Upstream response failed"));
        return;
      case "error":
        this.#ended = true;
        a.fail(upstreamFailure(data.error ?? data, "Upstream stream failed"));
        return;
    }
  }

  #added(data: StreamEventIn): void {
    const item = data.item ?? {};
    const key = keyOf(data);
    const type = item.type ?? "";
    this.#items.set(key, { type, sent: "" });
    const a = this.#assembler;
    if (type === "function_call") {
      a.toolCall(key, { id: idOf(item.call_id), name: this.#name(item) });
      this.#args(data, item.arguments);
    } else if (type === "reasoning" || type === "message") {
      a.breakBlock(); // each item is a block of its own, with its own signature
    }
  }

  #text(data: StreamEventIn, kind: "text" | "summary" | "raw", text = data.delta): void {
    if (!text) return;
    const state = this.#items.get(keyOf(data));
    if (kind === "text") {
      this.#assembler.text(text);
    } else {
      if (state) {
        state.textKind ??= kind;
        if (state.textKind !== kind) return;
      }
      this.#assembler.thinking(text);
    }
    if (state) state.sent += text;
  }

  #args(data: StreamEventIn, piece: string | null | undefined): void {
    if (!piece) return;
    const key = keyOf(data);
    const state = this.#items.get(key);
    if (state) state.sent += piece;
    this.#assembler.toolCall(key, { args: piece });
  }

  /** Whole arguments: only what no delta carried is passed on. */
  #argsDone(data: StreamEventIn, whole: string | null | undefined): void {
    const state = this.#items.get(keyOf(data));
    if (!whole || !state) return;
    if (state.sent === "") this.#args(data, whole);
    else if (whole.startsWith(state.sent) && whole.length > state.sent.length) {
      this.#args(data, whole.slice(state.sent.length));
    }
  }

  #done(data: StreamEventIn): void {
    const item = data.item ?? {};
    const key = keyOf(data);
    const state = this.#items.get(key);
    const a = this.#assembler;
    switch (item.type) {
      case "reasoning": {
        if (!state?.sent) a.thinking(reasoningText(item));
        if (item.encrypted_content) {
          a.thinkingSignature({ origin: "responses", value: item.encrypted_content });
        }
        return;
      }
      case "message":
        if (!state?.sent) {
          for (const part of item.content ?? []) {
            if (part?.type === "refusal") this.#refused = true;
            a.text(part?.text ?? part?.refusal ?? "");
          }
        }
        return this.#cited(item);
      case "web_search_call":
        return this.#webSearch(item);
      case "function_call":
        if (!state) {
          this.#items.set(key, { type: "function_call", sent: "" });
          a.toolCall(key, { id: idOf(item.call_id), name: this.#name(item) });
        }
        return this.#argsDone(data, item.arguments);
      case "custom_tool_call":
        a.toolCall(key, {
          id: idOf(item.call_id),
          name: this.#name(item),
          args: JSON.stringify({ input: item.input ?? "" }),
        });
        return;
    }
  }

  #webSearch(item: OutputItemIn): void {
    const search = searchOfItem(item, this.#context.newId);
    if (!search) return;
    const [call, result] = search;
    const a = this.#assembler;
    a.webSearchCall(call.id, call.query);
    a.webSearchResult(result.callId, result.sources, result.errorCode);
    // a copy: the pages told are the caller's now, and later citations must not change them
    this.#search = { ...result, sources: result.sources.map((source) => ({ ...source })) };
    a.addUsage({ serverToolUse: { webSearchRequests: ++this.#searches } });
  }

  /** Pages a message cites that its search did not list: a result of their own, after it. */
  #cited(item: OutputItemIn): void {
    if (!this.#search) return;
    const added = addCited(this.#search, citedSources(item));
    if (added.length > 0) this.#assembler.webSearchResult(this.#search.callId, added);
  }

  #finish(response: ResponseIn): void {
    const a = this.#assembler;
    if (isObject(response.usage)) {
      a.addUsage(usageOfResponses(response.usage, (message) => a.warn(message)));
    }
    // A relayed stream is read from its end alone: its searches are those the answer lists.
    const listed = searchesIn(response.output);
    if (listed > this.#searches) {
      this.#searches = listed;
      a.addUsage({ serverToolUse: { webSearchRequests: listed } });
    }
    const reason = response.status === "incomplete"
      ? stopReasonOfIncomplete(response.incomplete_details?.reason)
      : this.#refused
      ? "refusal"
      : "end_turn";
    a.finish(reason);
  }

  #name(item: OutputItemIn): string | undefined {
    const name = item.name ?? undefined;
    return name ? this.#context.toolNames.get(name) ?? name : undefined;
  }
}

/** Items are told apart by `output_index`, else by item id. */
function keyOf(data: StreamEventIn): string {
  return typeof data.output_index === "number"
    ? String(data.output_index)
    : `id:${data.item_id ?? data.item?.id ?? ""}`;
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
