/**
 * A Responses upstream's non-streamed answer as an internal Response: reasoning items become
 * thinking signed with their `encrypted_content` (origin `responses`, so it goes back only to a
 * Responses upstream), message items text, `function_call` items tool calls keyed by `call_id`,
 * `web_search_call` items searches (with the pages the answer's citations name). Other built-in
 * tool items, which the proxy never asks for, are skipped with a warning.
 */
import type { DecodeContext } from "../ir/codec.ts";
import { ProxyError } from "../errors.ts";
import type {
  Converted,
  Response,
  StopReason,
  ToolCallPart,
  WebSearchSource,
} from "../ir/types.ts";
import { emptyUsage } from "../ir/types.ts";
import { idOf } from "../ir/lenient.ts";
import { argumentsOf } from "../openai/decode_response.ts";
import { isObject } from "../json/fields.ts";
import { upstreamFailure } from "./errors.ts";
import { stopReasonOfIncomplete } from "./status.ts";
import type { OutputItemIn, ResponseIn } from "./types.ts";
import { usageOfResponses } from "./usage.ts";
import { addCited, citationsOf, citedSources, searchOfItem } from "./web_search.ts";

/** Decodes `output` and `usage`; a failed response is its own error, a non-object a 502. */
export function decodeResponse(body: unknown, context: DecodeContext): Converted<Response> {
  if (!isObject(body)) throw new ProxyError("bad_gateway", "Upstream answer is not a JSON object");
  const answer = body as ResponseIn;
  if (answer.status === "failed" || isObject(answer.error)) {
    throw upstreamFailure(answer.error, "Upstream response failed");
  }
  if (!Array.isArray(answer.output)) {
    throw new ProxyError("bad_gateway", "Upstream answer has no output");
  }
  const warnings: string[] = [];
  const content: Response["content"] = [];
  let refused = false;
  const cited: WebSearchSource[] = [];
  for (const item of answer.output) {
    if (!isObject(item)) continue;
    refused = decodeItem(item as OutputItemIn, content, context, warnings) || refused;
    if (item.type === "message") cited.push(...citedSources(item as OutputItemIn));
  }
  const searches = content.filter((p) => p.type === "web_search_result");
  // pages only the answer's citations name were found by the searches before it
  if (searches.length > 0) addCited(searches.at(-1)!, cited);
  let stopReason: StopReason = answer.status === "incomplete"
    ? stopReasonOfIncomplete(answer.incomplete_details?.reason)
    : "end_turn";
  if (refused && stopReason === "end_turn") stopReason = "refusal";
  if (stopReason === "end_turn" && content.some((p) => p.type === "tool_call")) {
    stopReason = "tool_use";
  }
  return {
    value: {
      id: idOf(answer.id) ?? context.newId("resp"),
      model: answer.model ?? "",
      content,
      stopReason,
      usage: {
        ...emptyUsage(),
        ...usageOfResponses(isObject(answer.usage) ? answer.usage : {}, (w) => warnings.push(w)),
        ...(searches.length > 0 ? { serverToolUse: { webSearchRequests: searches.length } } : {}),
      },
    },
    warnings,
  };
}

/** Adds one output item's parts; true when it was a refusal. */
function decodeItem(
  item: OutputItemIn,
  content: Response["content"],
  context: DecodeContext,
  warnings: string[],
): boolean {
  switch (item.type) {
    case "reasoning": {
      const text = reasoningText(item);
      const proof = stringOf(item.encrypted_content);
      if (text || proof) {
        content.push({
          type: "thinking",
          text,
          ...(proof ? { signature: { origin: "responses" as const, value: proof } } : {}),
        });
      }
      return false;
    }
    case "message": {
      let refused = false;
      for (const part of item.content ?? []) {
        const text = part?.type === "refusal" ? stringOf(part.refusal) : stringOf(part?.text);
        if (part?.type === "refusal") refused = true;
        if (!text?.trim()) continue;
        const citations = citationsOf(part?.annotations, text.length);
        content.push({ type: "text", text, ...(citations.length ? { citations } : {}) });
      }
      return refused;
    }
    case "function_call":
    case "custom_tool_call":
      content.push(toolCallOf(item, context, warnings));
      return false;
    case "web_search_call": {
      const search = searchOfItem(item, context.newId);
      if (search) {
        content.push(...search);
        return false;
      }
      break;
    }
  }
  warnings.push(`Skipped an output item of type ${JSON.stringify(item.type)}`);
  return false;
}

/** Summary parts as paragraphs; raw reasoning text when there is no summary. */
export function reasoningText(item: OutputItemIn): string {
  const texts = (parts: OutputItemIn["summary"]) =>
    (Array.isArray(parts) ? parts : []).flatMap((p) => stringOf(p?.text) ?? []).join("\n\n");
  return texts(item.summary) || texts(item.content);
}

function toolCallOf(item: OutputItemIn, context: DecodeContext, warnings: string[]): ToolCallPart {
  const name = stringOf(item.name) ?? "";
  const input = item.type === "custom_tool_call"
    ? { input: item.input ?? "" }
    : argumentsOf(item.arguments, name, warnings);
  return {
    type: "tool_call",
    id: idOf(item.call_id) ?? context.newId("call"),
    name: context.toolNames.get(name) ?? name,
    input,
  };
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
