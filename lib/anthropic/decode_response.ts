/**
 * Reads an Anthropic upstream's whole answer into the internal Response. Lenient: every field
 * may be missing; web searches are kept, other server-tool blocks, which no other dialect can
 * show, are dropped with a warning.
 */
import type { DecodeContext } from "../ir/codec.ts";
import type { Citation, Converted, Response } from "../ir/types.ts";
import { emptyUsage } from "../ir/types.ts";
import { idOf, stringOf } from "../ir/lenient.ts";
import { stopReasonFromWire } from "./stop_reason.ts";
import { usageFromWire } from "./usage.ts";
import { isObject, type JsonObject } from "../json/fields.ts";
import { searchCallOf, searchResultOf } from "./web_search.ts";
import type { InboundBlock, InboundMessage } from "./types.ts";

/** Decodes an upstream message; tool names come back to the caller's spelling. */
export function decodeResponse(body: unknown, context: DecodeContext): Converted<Response> {
  const message: InboundMessage = isObject(body) ? body : {};
  const warnings: string[] = [];
  const content: Response["content"] = [];
  for (const block of Array.isArray(message.content) ? message.content : []) {
    const part = decodeBlock(block, context, warnings);
    if (part) content.push(part);
  }
  const response: Response = {
    id: idOf(message.id) ?? context.newId("msg_"),
    model: message.model ?? "",
    content,
    stopReason: stopReasonFromWire(message.stop_reason),
    ...(message.stop_sequence ? { stopSequence: message.stop_sequence } : {}),
    usage: { ...emptyUsage(), ...usageFromWire(message.usage, (w) => warnings.push(w)) },
  };
  return { value: response, warnings };
}

function decodeBlock(
  block: InboundBlock,
  context: DecodeContext,
  warnings: string[],
): Response["content"][number] | undefined {
  switch (block?.type) {
    case "text": {
      const text = stringOf(block.text);
      if (!text) return undefined;
      const citations = citationsOf(block.citations, text.length);
      return { type: "text", text, ...(citations.length ? { citations } : {}) };
    }
    case "thinking": {
      const value = stringOf(block.signature);
      const signature = value ? { signature: { origin: "anthropic" as const, value } } : {};
      return { type: "thinking", text: stringOf(block.thinking) ?? "", ...signature };
    }
    case "redacted_thinking":
      return { type: "redacted_thinking", data: stringOf(block.data) ?? "" };
    case "tool_use": {
      const name = stringOf(block.name) ?? "";
      return {
        type: "tool_call",
        id: idOf(block.id) ?? context.newId("toolu_"),
        name: context.toolNames.get(name) ?? name,
        input: isObject(block.input) ? block.input : {},
      };
    }
    case "server_tool_use":
    case "web_search_tool_result": {
      const part = block.type === "server_tool_use"
        ? searchCallOf(block as JsonObject)
        : searchResultOf(block as JsonObject);
      if (part) return part;
      break;
    }
  }
  warnings.push(
    `Dropped a "${block?.type}" block from Anthropic's answer: the caller cannot show it`,
  );
  return undefined;
}

/** The pages a text block cites: Anthropic cites a block whole, from the page's `cited_text`. */
function citationsOf(value: unknown, length: number): Citation[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((c) =>
    isObject(c) && c.type === "web_search_result_location" && typeof c.url === "string"
      ? [{ url: c.url, title: typeof c.title === "string" ? c.title : "", start: 0, end: length }]
      : []
  );
}
