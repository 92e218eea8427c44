/**
 * The output items a Responses caller receives, whole or streamed: `message` for answer text,
 * `reasoning` for thinking (its proof in `encrypted_content`), `function_call` (with its
 * `namespace` for a namespaced tool), for the caller's freeform tools `custom_tool_call` with the
 * raw `input`, for Codex's client-run search `tool_search_call` with its arguments as an
 * object, and `web_search_call` for a search the upstream ran. Item ids are made from the
 * response id and the item's position; they are never sent upstream.
 */
import type { StreamEncoderOptions } from "../ir/codec.ts";
import { callerCallId } from "../ir/ids.ts";
import type { Signature, WebSearchResultPart } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { isObject } from "../json/fields.ts";
import { encryptedContentOf } from "./reasoning_proof.ts";
import { routeOf, type ToolRoute } from "./tool_routes.ts";
import type { ItemStatus, OutputItemOut, SummaryTextOut, UrlCitationOut } from "./types.ts";

/** `resp_<upstream id>`, so the caller's id still leads back to the upstream's. */
export function responseIdOf(id: string, options: StreamEncoderOptions): string {
  // an upstream's id may have come as a number (an Anthropic-compatible server's)
  const text = String(id ?? "");
  if (text.startsWith("resp_")) return text;
  return text ? `resp_${text}` : options.newId("resp_");
}

/** The id of the output item at `index`: `msg_…`, `rs_…`, `fc_…` or `ctc_…`. */
export function itemIdOf(prefix: string, responseId: string, index: number): string {
  return `${prefix}_${responseId.slice(responseId.startsWith("resp_") ? 5 : 0)}_${index}`;
}

export function messageItem(
  id: string,
  text: string,
  status: ItemStatus,
  annotations: UrlCitationOut[] = [],
): OutputItemOut {
  return {
    id,
    type: "message",
    status,
    role: "assistant",
    content: status === "in_progress" ? [] : [{ type: "output_text", text, annotations }],
  };
}

/** A reasoning item; `proof` is its encrypted_content (final only once the item is done). */
export function reasoningItem(id: string, text: string, proof?: string): OutputItemOut {
  const summary: SummaryTextOut[] = text ? [{ type: "summary_text", text }] : [];
  return { id, type: "reasoning", summary, ...(proof ? { encrypted_content: proof } : {}) };
}

/**
 * A search the upstream ran, as OpenAI writes one: an action `search` with its query and, once
 * known, the pages it found (OpenAI lists them when asked to; a client that did not ask skips
 * them). A search that failed is `failed`.
 */
export function webSearchItem(
  id: string,
  query: string,
  result?: Pick<WebSearchResultPart, "sources" | "errorCode">,
): OutputItemOut {
  const status = !result ? "in_progress" : result.errorCode !== undefined ? "failed" : "completed";
  const sources = result?.sources.map((s) => ({ type: "url" as const, url: s.url }));
  return {
    id,
    type: "web_search_call",
    status,
    action: { type: "search", query, ...(sources?.length ? { sources } : {}) },
  };
}

/** The `encrypted_content` for a thinking signature, if there is one. */
export function proofOf(signature: Signature | undefined): string | undefined {
  return signature ? encryptedContentOf(signature) : undefined;
}

/** What a tool call is, in the caller's terms, whatever it was called upstream. */
export interface CallFacts {
  /** The call id, with a Gemini signature folded in when it carries one. */
  callId: string;
  route: ToolRoute;
  /** The arguments' JSON text (for a freeform tool, `{"input": "<raw>"}`). */
  args: string;
}

export function callFacts(
  routes: Map<string, ToolRoute>,
  id: string,
  name: string,
  args: string,
  signature?: Signature,
): CallFacts {
  return { callId: callerCallId(id, signature), route: routeOf(routes, name), args };
}

/** Item id prefix of a call: `fc`, `ctc` for `custom_tool_call`, `tsc` for `tool_search_call`. */
export function callPrefix(route: ToolRoute): string {
  switch (route.kind) {
    case "function":
      return "fc";
    case "custom":
      return "ctc";
    case "tool_search":
      return "tsc";
    default:
      return unreachable(route.kind);
  }
}

export function callItem(id: string, call: CallFacts, status: ItemStatus): OutputItemOut {
  const { route } = call;
  const namespace = route.namespace !== undefined ? { namespace: route.namespace } : {};
  const done = status !== "in_progress";
  if (route.kind === "tool_search") {
    return {
      id,
      type: "tool_search_call",
      status,
      call_id: call.callId,
      execution: "client",
      arguments: done ? argumentsValueOf(call.args) : {},
    };
  }
  if (route.kind === "custom") {
    return {
      id,
      type: "custom_tool_call",
      status,
      call_id: call.callId,
      name: route.name,
      input: done ? customInputOf(call.args) : "",
      ...namespace,
    };
  }
  return {
    id,
    type: "function_call",
    status,
    arguments: done ? call.args : "",
    call_id: call.callId,
    name: route.name,
    ...namespace,
  };
}

/** A call's arguments as a JSON value (text that does not parse is passed on as it came). */
function argumentsValueOf(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/**
 * The raw input of a freeform tool's call, from the `{"input": "<raw>"}` it was asked to
 * produce; arguments of another shape are passed on as they came.
 */
export function customInputOf(args: string): string {
  try {
    const value: unknown = JSON.parse(args);
    if (isObject(value) && typeof value.input === "string") return value.input;
  } catch {
    // passed on raw below
  }
  return args;
}
