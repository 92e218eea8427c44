/**
 * The shape check of a Responses body (see lib/ir/shape_check.ts): the types of its known
 * top-level fields, and of each `input` item's envelope. `input` may be one string; items need
 * not say their `type` when they have a `role` (a message, as the SDKs write it).
 */
import { invalidRequest } from "../errors.ts";
import { checkOutputCap, expectKind, type Kind } from "../ir/shape_check.ts";

const TOP_LEVEL: Readonly<Record<string, Kind>> = {
  input: "string|array",
  instructions: "string",
  max_output_tokens: "number",
  tools: "array",
  tool_choice: "string|object",
  parallel_tool_calls: "boolean",
  temperature: "number",
  top_p: "number",
  reasoning: "object",
  text: "object",
  store: "boolean",
  include: "array",
  metadata: "object",
  previous_response_id: "string",
  prompt_cache_key: "string",
  user: "string",
  stream_options: "object",
};

/** Throws a 400 naming the first field of a known name whose type is wrong. */
export function checkShape(json: Record<string, unknown>): void {
  if (json.stream !== undefined && typeof json.stream !== "boolean") {
    throw invalidRequest('"stream" must be a boolean');
  }
  for (const field in TOP_LEVEL) {
    const value = json[field];
    if (value !== undefined && value !== null) expectKind(value, TOP_LEVEL[field], field);
  }
  checkOutputCap(json.max_output_tokens, "max_output_tokens");
  if (Array.isArray(json.input)) checkItems(json.input);
}

/** Each item an object with a string `type` or `role`; a message's content a string or parts. */
function checkItems(items: unknown[]): void {
  for (let i = 0; i < items.length; i++) {
    const at = `input[${i}]`;
    const item = expectKind(items[i], "object", at) as Record<string, unknown>;
    if (item.type === undefined || item.type === null) {
      expectKind(item.role, "string", `${at}.role`);
    } else expectKind(item.type, "string", `${at}.type`);
    if (item.role === undefined || item.content === undefined || item.content === null) continue;
    const content = expectKind(item.content, "string|array", `${at}.content`);
    if (!Array.isArray(content)) continue;
    for (let j = 0; j < content.length; j++) {
      const part = expectKind(content[j], "object", `${at}.content[${j}]`) as Record<
        string,
        unknown
      >;
      expectKind(part.type, "string", `${at}.content[${j}].type`);
    }
  }
}
