/** The shape check of a Messages body (see lib/ir/shape_check.ts). */
import { checkMessages, checkOutputCap, checkTopLevel, type Kind } from "../ir/shape_check.ts";

const TOP_LEVEL: Readonly<Record<string, Kind>> = {
  max_tokens: "number",
  system: "string|array",
  tools: "array",
  tool_choice: "object",
  temperature: "number",
  top_p: "number",
  top_k: "number",
  stop_sequences: "array",
  thinking: "object",
  metadata: "object",
  output_config: "object",
};

/** Throws a 400 naming the first field of a known name whose type is wrong. */
export function checkShape(json: Record<string, unknown>): void {
  const messages = checkTopLevel(json, "messages", TOP_LEVEL);
  checkOutputCap(json.max_tokens, "max_tokens");
  checkMessages(messages, "messages", true);
}
