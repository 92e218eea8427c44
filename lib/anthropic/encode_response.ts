/**
 * Writes the internal Response as the Anthropic message an Anthropic caller receives. Thinking
 * signatures are written with their origin (lib/ir/signature.ts), and a Gemini signature on a
 * tool call rides inside the call's id, the one thing every client replays verbatim.
 */
import { callerCallId } from "../ir/ids.ts";
import { signatureToString } from "../ir/signature.ts";
import type { Response, Signature } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { usageToWire } from "./usage.ts";
import type { AnthropicMessageResponse, AnthropicResponseBlock } from "./types.ts";
import { serverToolUseBlock, webSearchResultBlock } from "./web_search.ts";

/** The signature a thinking block gets when its upstream gave none (proxy-made). */
export const PROXY_SIGNATURE: Signature = { origin: "proxy", value: "" };

/** Encodes a whole answer; empty and whitespace-only text blocks are left out. */
export function encodeResponse(response: Response): AnthropicMessageResponse {
  const content: AnthropicResponseBlock[] = [];
  for (const part of response.content) {
    switch (part.type) {
      case "text":
        // Anthropic rejects blank text blocks, and Claude Code replays every block it receives
        if (part.text.trim()) content.push({ type: "text", text: part.text });
        break;
      case "thinking":
        content.push({
          type: "thinking",
          thinking: part.text,
          signature: signatureToString(part.signature ?? PROXY_SIGNATURE),
        });
        break;
      case "redacted_thinking":
        content.push({ type: "redacted_thinking", data: part.data });
        break;
      case "tool_call":
        content.push({
          type: "tool_use",
          id: callerCallId(part.id, part.signature),
          name: part.name,
          input: part.input,
        });
        break;
      case "web_search_call":
        content.push(serverToolUseBlock(part.id, part.query));
        break;
      case "web_search_result":
        content.push(webSearchResultBlock(part));
        break;
      default:
        unreachable(part);
    }
  }
  return {
    id: messageId(response.id),
    type: "message",
    role: "assistant",
    model: response.model,
    content,
    stop_reason: response.stopReason,
    stop_sequence: response.stopSequence ?? null,
    usage: usageToWire(response.usage),
  };
}

/** Anthropic message ids start with `msg_`; other upstreams' ids get the prefix. */
export function messageId(id: string): string {
  return id.startsWith("msg_") ? id : `msg_${id}`;
}
