/**
 * Writes the strict StreamEvent sequence as Anthropic's SSE (`event: <type>` + `data: <json>`),
 * the stream @anthropic-ai/sdk's MessageStream and Claude Code assemble. Stateless: the
 * Assembler already guarantees the block order Anthropic's stream promises.
 */
import type { StreamEncoder } from "../ir/codec.ts";
import { signatureToString } from "../ir/signature.ts";
import type { BlockDelta, BlockStart, StreamEvent } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { encodeSse } from "../sse/encoder.ts";
import { errorTypeOfKind } from "./errors.ts";
import { callerCallId } from "../ir/ids.ts";
import { messageId } from "./encode_response.ts";
import { serverToolUse, usageToWire } from "./usage.ts";
import { serverToolUseBlock, webSearchResultBlock } from "./web_search.ts";

/** The Anthropic SSE text for each event. */
export function createStreamEncoder(): StreamEncoder {
  return { contentType: "text/event-stream", encode: encodeEvent, keepAlive: () => PING };
}

/** Anthropic's own keep-alive event, which its SDKs skip. */
const PING = encodeSse(JSON.stringify({ type: "ping" }), "ping");

function sse(type: string, data: Record<string, unknown>): string {
  return encodeSse(JSON.stringify({ type, ...data }), type);
}

/** One event as `event: …\ndata: …\n\n`. */
export function encodeEvent(event: StreamEvent): string {
  switch (event.type) {
    case "message_start":
      return sse("message_start", {
        message: {
          id: messageId(event.id),
          type: "message",
          role: "assistant",
          model: event.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: usageToWire(event.usage),
        },
      });
    case "block_start":
      if (event.block.type === "web_search_call") return searchStart(event.index, event.block);
      return sse("content_block_start", {
        index: event.index,
        content_block: startBlock(event.block),
      });
    case "block_delta":
      return sse("content_block_delta", { index: event.index, delta: delta(event.delta) });
    case "block_stop":
      return sse("content_block_stop", { index: event.index });
    case "message_delta":
      return sse("message_delta", {
        delta: { stop_reason: event.stopReason, stop_sequence: event.stopSequence ?? null },
        usage: {
          input_tokens: event.usage.inputTokens,
          output_tokens: event.usage.outputTokens,
          cache_read_input_tokens: event.usage.cacheReadTokens,
          cache_creation_input_tokens: event.usage.cacheWriteTokens,
          ...serverToolUse(event.usage),
        },
      });
    case "message_stop":
      return sse("message_stop", {});
    case "error":
      return sse("error", {
        error: { type: errorTypeOfKind(event.error.kind), message: event.error.message },
      });
    default:
      return unreachable(event);
  }
}

/**
 * A search starts as Anthropic starts one: a `server_tool_use` with an empty input, then the
 * query as one `input_json_delta` (the SDK's stream helper assembles the input from it).
 */
function searchStart(index: number, block: { id: string; query: string }): string {
  const { input, ...start } = serverToolUseBlock(block.id, block.query);
  return sse("content_block_start", { index, content_block: { ...start, input: {} } }) +
    sse("content_block_delta", {
      index,
      delta: { type: "input_json_delta", partial_json: JSON.stringify(input) },
    });
}

function startBlock(
  block: Exclude<BlockStart, { type: "web_search_call" }>,
): Record<string, unknown> {
  switch (block.type) {
    case "text":
      return { type: "text", text: "" };
    case "thinking":
      return { type: "thinking", thinking: "", signature: "" };
    case "redacted_thinking":
      return { type: "redacted_thinking", data: block.data };
    case "tool_call":
      return {
        type: "tool_use",
        id: callerCallId(block.id, block.signature),
        name: block.name,
        input: {},
      };
    case "web_search_result":
      return { ...webSearchResultBlock(block) };
    default:
      return unreachable(block);
  }
}

function delta(delta: BlockDelta): Record<string, unknown> {
  switch (delta.type) {
    case "text":
      return { type: "text_delta", text: delta.text };
    case "thinking":
      return { type: "thinking_delta", thinking: delta.text };
    case "signature":
      return { type: "signature_delta", signature: signatureToString(delta.signature) };
    case "tool_args":
      return { type: "input_json_delta", partial_json: delta.json };
    default:
      return unreachable(delta);
  }
}
