/**
 * The structural check every generate body gets, pass-through included: the types of the fields
 * each dialect defines at the top level and of each message's envelope. Pass-through bodies do
 * not go through the codecs (so that block types the proxy does not know still reach an upstream
 * of the same dialect), but a wrong type in a known field is still the proxy's own 400, named by
 * its path, rather than whatever the upstream makes of it. Kept as lenient as the codecs' decoders
 * (SPEC §6): `content: null` beside tool calls, string or part-list contents.
 */
import { invalidRequest } from "../errors.ts";
import type { Dialect } from "../ir/types.ts";
import { isObject } from "../json_fields.ts";

type Kind = "string" | "number" | "boolean" | "object" | "array" | "string|array" | "string|object";

const TOP_LEVEL: Record<Dialect, Record<string, Kind>> = {
  anthropic: {
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
  },
  openai: {
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
  },
  gemini: {
    systemInstruction: "object",
    system_instruction: "object",
    generationConfig: "object",
    tools: "array",
    toolConfig: "object",
    safetySettings: "array",
    cachedContent: "string",
  },
};

/** Throws a 400 naming the first field of a known name whose type is wrong. */
export function validateShape(dialect: Dialect, json: Record<string, unknown>): void {
  const list = dialect === "gemini" ? "contents" : "messages";
  if (json[list] === undefined) throw invalidRequest(`"${list}" is required`);
  if (!Array.isArray(json[list])) throw invalidRequest(`"${list}" must be an array`);
  if (json.stream !== undefined && typeof json.stream !== "boolean") {
    throw invalidRequest('"stream" must be a boolean');
  }
  for (const [field, kind] of Object.entries(TOP_LEVEL[dialect])) {
    const value = json[field];
    if (value !== undefined && value !== null) expect(value, kind, field);
  }
  const max = dialect === "gemini"
    ? (json.generationConfig as Record<string, unknown> | undefined)?.maxOutputTokens
    : json.max_tokens ?? json.max_completion_tokens;
  if (max !== undefined && max !== null && (typeof max !== "number" || !(max >= 1))) {
    throw invalidRequest(
      `"${
        dialect === "gemini" ? "generationConfig.maxOutputTokens" : "max_tokens"
      }" must be a positive number`,
    );
  }
  const items = json[list] as unknown[];
  for (let i = 0; i < items.length; i++) {
    const at = `${list}[${i}]`;
    if (dialect === "gemini") checkGeminiContent(items[i], at);
    else checkMessage(dialect, items[i], at);
  }
}

function checkMessage(dialect: Dialect, message: unknown, at: string): void {
  const m = expect(message, "object", at) as Record<string, unknown>;
  expect(m.role, "string", `${at}.role`);
  const content = m.content;
  if (content === undefined || content === null) {
    if (dialect === "anthropic") throw invalidRequest(`${at}.content is required`);
    return;
  }
  expect(content, "string|array", `${at}.content`);
  if (!Array.isArray(content)) return;
  for (let j = 0; j < content.length; j++) {
    const block = expect(content[j], "object", `${at}.content[${j}]`) as Record<string, unknown>;
    expect(block.type, "string", `${at}.content[${j}].type`);
  }
}

function checkGeminiContent(content: unknown, at: string): void {
  const c = expect(content, "object", at) as Record<string, unknown>;
  if (c.role !== undefined) expect(c.role, "string", `${at}.role`);
  const parts = expect(c.parts, "array", `${at}.parts`) as unknown[];
  for (let j = 0; j < parts.length; j++) {
    const part = expect(parts[j], "object", `${at}.parts[${j}]`) as Record<string, unknown>;
    if (part.text !== undefined) expect(part.text, "string", `${at}.parts[${j}].text`);
    const response = part.functionResponse ?? part.function_response;
    const answer = isObject(response) ? response.response : undefined;
    if (answer !== undefined && answer !== null) {
      expect(answer, "object", `${at}.parts[${j}].functionResponse.response`);
    }
  }
}

function expect(value: unknown, kind: Kind, at: string): unknown {
  const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  if (!kind.split("|").includes(type)) {
    throw invalidRequest(`${at}: must be ${kind.replace("|", " or ")}, not ${type}`);
  }
  return value;
}
