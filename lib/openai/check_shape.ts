/** The shape check of a Chat Completions body (see lib/ir/shape_check.ts). */
import { checkMessages, checkOutputCap, checkTopLevel, type Kind } from "../ir/shape_check.ts";

const TOP_LEVEL: Readonly<Record<string, Kind>> = {
  max_tokens: "number",
  max_completion_tokens: "number",
  tools: "array",
  tool_choice: "string|object",
  temperature: "number",
  top_p: "number",
  n: "number",
  stop: "string|array",
  stream_options: "object",
  response_format: "object",
  frequency_penalty: "number",
  presence_penalty: "number",
  seed: "number",
  reasoning_effort: "string",
  parallel_tool_calls: "boolean",
};

/** Throws a 400 naming the first field of a known name whose type is wrong. */
export function checkShape(json: Record<string, unknown>): void {
  const messages = checkTopLevel(json, "messages", TOP_LEVEL);
  checkOutputCap(json.max_tokens ?? json.max_completion_tokens, "max_tokens");
  // An assistant message with tool calls may have no content.
  checkMessages(messages, "messages", false);
}
