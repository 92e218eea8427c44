/**
 * The strict event stream as a Responses caller's SSE: `event: <type>` lines, `sequence_number`
 * from 0, `response.created` and `response.in_progress`, then per item `output_item.added` → its
 * deltas → `output_item.done` carrying the whole item (one item open at a time, as the blocks
 * come), and `response.completed` or `response.incomplete` with the whole response. A failure
 * after the first byte, or an upstream that stopped early (the Assembler reports it as an
 * error), is `response.failed` with a code Codex acts on: never `completed`.
 *
 * A search is a `web_search_call` item, done with the pages of the result that follows it.
 *
 * Codex keeps every item it sees done and runs every call among them even when the response then
 * fails (its retry carries on from them), so a call is reported done only once the next event
 * shows the upstream went on: a call the failure cut short, whose arguments the Assembler closed
 * into JSON, is never run (a shell command cut mid-word would be).
 */
import type { StreamEncoder, StreamEncoderOptions } from "../ir/codec.ts";
import type { ProxyError } from "../errors.ts";
import type {
  BlockDelta,
  BlockStart,
  Request,
  StopReason,
  StreamEvent,
  Usage,
} from "../ir/types.ts";
import { emptyUsage, unreachable } from "../ir/types.ts";
import { encodeSse } from "../sse/encoder.ts";
import { failureOf } from "./errors.ts";
import {
  type CallFacts,
  callFacts,
  callItem,
  callPrefix,
  customInputOf,
  itemIdOf,
  messageItem,
  reasoningItem,
  responseIdOf,
  webSearchItem,
} from "./output_items.ts";
import { encryptedContentOf, encryptedContentOfRedacted } from "./reasoning_proof.ts";
import { type ResponseHead, responseJson } from "./response_object.ts";
import { incompleteReasonOf } from "./status.ts";
import { type ToolRoute, toolRoutes } from "./tool_routes.ts";
import type { OutputItemOut } from "./types.ts";

/** Makes the encoder for one caller stream. */
export function createStreamEncoder(
  request: Request,
  options: StreamEncoderOptions,
): StreamEncoder {
  return new ResponsesStreamEncoder(request, options);
}

type WebSearchResultBlock = Extract<BlockStart, { type: "web_search_result" }>;

type OpenItem =
  | { kind: "message"; id: string; index: number; text: string }
  | { kind: "reasoning"; id: string; index: number; text: string; proof?: string }
  | { kind: "call"; id: string; index: number; call: CallFacts }
  | { kind: "search"; id: string; index: number; callId: string; query: string };

class ResponsesStreamEncoder implements StreamEncoder {
  readonly contentType = "text/event-stream";
  #options: StreamEncoderOptions;
  #routes: Map<string, ToolRoute>;
  /** The echoed settings, serialised once for every lifecycle event. */
  #settingsJson: string;
  #head: ResponseHead | undefined;
  #sequence = 0;
  #output: OutputItemOut[] = [];
  #open: OpenItem | undefined;
  /** A call whose block has closed, reported done when the next event is not a failure. */
  #held: Extract<OpenItem, { kind: "call" }> | undefined;
  /** A search whose block has closed, reported done with the result that follows it. */
  #heldSearch: Extract<OpenItem, { kind: "search" }> | undefined;
  #stop: { reason: StopReason; usage: Usage } | undefined;
  #ended = false;
  /** The caller's model name, for a failure before `message_start`. */
  #model: string;

  constructor(request: Request, options: StreamEncoderOptions) {
    this.#options = options;
    this.#routes = toolRoutes(request.callerSettings?.tools);
    this.#settingsJson = JSON.stringify(request.callerSettings ?? {});
    this.#model = request.model;
  }

  /**
   * An SSE comment while the upstream thinks aloud in its own keep-alives: Codex and the OpenAI
   * SDKs skip comment lines, and the Responses API has no ping event of its own.
   */
  keepAlive(): string {
    return ": keep-alive\n\n";
  }

  encode(event: StreamEvent): string {
    if (this.#ended) return "";
    if (event.type === "error") return this.#fail(event.error);
    if (event.type === "block_start" && event.block.type === "web_search_result") {
      return this.#releaseHeld(event.block); // its pages go on the search's item
    }
    return this.#releaseHeld() + this.#encodeEvent(event);
  }

  #encodeEvent(event: Exclude<StreamEvent, { type: "error" }>): string {
    switch (event.type) {
      case "message_start":
        return this.#start(event.id, event.model);
      case "block_start":
        return this.#openItem(event.block);
      case "block_delta":
        return this.#delta(event.delta);
      case "block_stop":
        return this.#closeItem();
      case "message_delta":
        this.#stop = { reason: event.stopReason, usage: event.usage };
        return "";
      case "message_stop":
        return this.#finish();
      default:
        return unreachable(event);
    }
  }

  #start(id: string, model: string): string {
    if (this.#head) return "";
    this.#head = {
      id: responseIdOf(id, this.#options),
      createdAt: Math.floor(this.#options.now() / 1000),
      model: model || this.#model,
      status: "in_progress",
    };
    return this.#lifecycle("response.created", this.#head) +
      this.#lifecycle("response.in_progress", this.#head);
  }

  #openItem(block: BlockStart): string {
    const responseId = this.#head?.id ?? "";
    const index = this.#output.length;
    switch (block.type) {
      case "text": {
        const id = itemIdOf("msg", responseId, index);
        this.#open = { kind: "message", id, index, text: "" };
        return this.#event("response.output_item.added", {
          output_index: index,
          item: messageItem(id, "", "in_progress"),
        }) + this.#event("response.content_part.added", {
          item_id: id,
          output_index: index,
          content_index: 0,
          part: { type: "output_text", text: "", annotations: [] },
        });
      }
      case "thinking":
      case "redacted_thinking": {
        const id = itemIdOf("rs", responseId, index);
        const proof = block.type === "redacted_thinking"
          ? encryptedContentOfRedacted(block.data)
          : undefined;
        this.#open = { kind: "reasoning", id, index, text: "", proof };
        return this.#event("response.output_item.added", {
          output_index: index,
          item: reasoningItem(id, ""),
        });
      }
      case "tool_call": {
        const call = callFacts(this.#routes, block.id, block.name, "", block.signature);
        const id = itemIdOf(callPrefix(call.route), responseId, index);
        this.#open = { kind: "call", id, index, call };
        return this.#event("response.output_item.added", {
          output_index: index,
          item: callItem(id, call, "in_progress"),
        });
      }
      case "web_search_call": {
        const id = itemIdOf("ws", responseId, index);
        this.#open = { kind: "search", id, index, callId: block.id, query: block.query };
        const at = { output_index: index, item_id: id };
        return this.#event("response.output_item.added", {
          output_index: index,
          item: webSearchItem(id, block.query),
        }) + this.#event("response.web_search_call.in_progress", at) +
          this.#event("response.web_search_call.searching", at);
      }
      case "web_search_result":
        return ""; // told on the search's item (see encode)
      default:
        return unreachable(block);
    }
  }

  #delta(delta: BlockDelta): string {
    const open = this.#open;
    if (!open) return "";
    const at = { item_id: open.id, output_index: open.index };
    switch (delta.type) {
      case "text":
        if (open.kind !== "message") return "";
        open.text += delta.text;
        return this.#event("response.output_text.delta", {
          ...at,
          content_index: 0,
          delta: delta.text,
          logprobs: [],
        });
      case "thinking": {
        if (open.kind !== "reasoning") return "";
        const first = open.text === "";
        open.text += delta.text;
        return (first ? this.#summaryPart("added", open, "") : "") +
          this.#event("response.reasoning_summary_text.delta", {
            ...at,
            summary_index: 0,
            delta: delta.text,
          });
      }
      case "signature":
        if (open.kind === "reasoning") open.proof = encryptedContentOf(delta.signature);
        return "";
      case "tool_args":
        if (open.kind !== "call") return "";
        open.call.args += delta.json;
        // a freeform tool's input is raw text, sent once whole when the call is done; a search's
        // arguments are an object, whole in output_item.done
        if (open.call.route.kind !== "function") return "";
        return this.#event("response.function_call_arguments.delta", { ...at, delta: delta.json });
      default:
        return unreachable(delta);
    }
  }

  #closeItem(): string {
    const open = this.#open;
    if (!open) return "";
    this.#open = undefined;
    if (open.kind === "call") {
      this.#held = open;
      return "";
    }
    if (open.kind === "search") {
      this.#heldSearch = open;
      return "";
    }
    const at = { item_id: open.id, output_index: open.index };
    let out = "";
    let item: OutputItemOut;
    switch (open.kind) {
      case "message": {
        const part = { type: "output_text", text: open.text, annotations: [] };
        out += this.#event("response.output_text.done", {
          ...at,
          content_index: 0,
          text: open.text,
          logprobs: [],
        }) + this.#event("response.content_part.done", { ...at, content_index: 0, part });
        item = messageItem(open.id, open.text, "completed");
        break;
      }
      case "reasoning":
        if (open.text) {
          out += this.#event("response.reasoning_summary_text.done", {
            ...at,
            summary_index: 0,
            text: open.text,
          }) + this.#summaryPart("done", open, open.text);
        }
        item = reasoningItem(open.id, open.text, open.proof);
        break;
      default:
        return unreachable(open);
    }
    return out + this.#itemDone(open.index, item);
  }

  /**
   * The held call's or search's closing events, now that the stream has gone on past it; a
   * search's pages when `result` answers it.
   */
  #releaseHeld(result?: WebSearchResultBlock): string {
    const search = this.#heldSearch;
    if (search) {
      this.#heldSearch = undefined;
      const found: Pick<WebSearchResultBlock, "sources" | "errorCode"> =
        result?.callId === search.callId ? result : { sources: [] };
      const item = webSearchItem(search.id, search.query, found);
      const at = { output_index: search.index, item_id: search.id };
      return (found.errorCode === undefined
        ? this.#event("response.web_search_call.completed", at)
        : "") + this.#itemDone(search.index, item);
    }
    const held = this.#held;
    if (!held) return "";
    this.#held = undefined;
    return this.#callDone(held) +
      this.#itemDone(held.index, callItem(held.id, held.call, "completed"));
  }

  #itemDone(index: number, item: OutputItemOut): string {
    this.#output.push(item);
    return this.#event("response.output_item.done", { output_index: index, item });
  }

  #callDone(open: Extract<OpenItem, { kind: "call" }>): string {
    const at = { item_id: open.id, output_index: open.index };
    switch (open.call.route.kind) {
      case "function":
        return this.#event("response.function_call_arguments.done", {
          ...at,
          arguments: open.call.args,
        });
      case "custom": {
        const input = customInputOf(open.call.args);
        return (input
          ? this.#event("response.custom_tool_call_input.delta", { ...at, delta: input })
          : "") +
          this.#event("response.custom_tool_call_input.done", { ...at, input });
      }
      case "tool_search":
        return "";
      default:
        return unreachable(open.call.route.kind);
    }
  }

  #summaryPart(when: "added" | "done", open: OpenItem, text: string): string {
    return this.#event(`response.reasoning_summary_part.${when}`, {
      item_id: open.id,
      output_index: open.index,
      summary_index: 0,
      part: { type: "summary_text", text },
    });
  }

  #finish(): string {
    const out = this.#closeItem() + this.#releaseHeld();
    this.#ended = true;
    const head = this.#head!;
    const stop = this.#stop ?? { reason: "end_turn", usage: emptyUsage() };
    const incompleteReason = incompleteReasonOf(stop.reason);
    const final: ResponseHead = incompleteReason
      ? { ...head, status: "incomplete", incompleteReason }
      : { ...head, status: "completed" };
    const type = incompleteReason ? "response.incomplete" : "response.completed";
    return out + this.#lifecycle(type, final, stop.usage);
  }

  #fail(error: ProxyError): string {
    const start = this.#head ? "" : this.#start("", this.#model);
    this.#ended = true;
    this.#held = undefined; // cut short, or at least never confirmed: Codex must not run it
    this.#heldSearch = undefined;
    const failed: ResponseHead = { ...this.#head!, status: "failed", error: failureOf(error) };
    return start + this.#lifecycle("response.failed", failed);
  }

  #lifecycle(type: string, head: ResponseHead, usage?: Usage): string {
    const response = responseJson(head, this.#output, usage, this.#settingsJson);
    return encodeSse(
      `{"type":"${type}","sequence_number":${this.#sequence++},"response":${response}}`,
      type,
    );
  }

  #event(type: string, fields: Record<string, unknown>): string {
    return encodeSse(
      JSON.stringify({ type, sequence_number: this.#sequence++, ...fields }),
      type,
    );
  }
}
