/** The shape check of a generateContent body (see lib/ir/shape_check.ts). */
import { checkOutputCap, checkTopLevel, expectKind, type Kind } from "../ir/shape_check.ts";
import { isObject } from "../json/fields.ts";

const TOP_LEVEL: Readonly<Record<string, Kind>> = {
  systemInstruction: "object",
  system_instruction: "object",
  generationConfig: "object",
  tools: "array",
  toolConfig: "object",
  safetySettings: "array",
  cachedContent: "string",
};

/** Throws a 400 naming the first field of a known name whose type is wrong. */
export function checkShape(json: Record<string, unknown>): void {
  const contents = checkTopLevel(json, "contents", TOP_LEVEL);
  const config = json.generationConfig as Record<string, unknown> | undefined;
  checkOutputCap(config?.maxOutputTokens, "generationConfig.maxOutputTokens");
  for (let i = 0; i < contents.length; i++) checkContent(contents[i], `contents[${i}]`);
}

/** `{role?, parts: [...]}`, with what Gemini itself refuses: a non-object function response. */
function checkContent(content: unknown, at: string): void {
  const c = expectKind(content, "object", at) as Record<string, unknown>;
  if (c.role !== undefined) expectKind(c.role, "string", `${at}.role`);
  const parts = expectKind(c.parts, "array", `${at}.parts`) as unknown[];
  for (let j = 0; j < parts.length; j++) {
    const part = expectKind(parts[j], "object", `${at}.parts[${j}]`) as Record<string, unknown>;
    if (part.text !== undefined) expectKind(part.text, "string", `${at}.parts[${j}].text`);
    const response = part.functionResponse ?? part.function_response;
    const answer = isObject(response) ? response.response : undefined;
    if (answer !== undefined && answer !== null) {
      expectKind(answer, "object", `${at}.parts[${j}].functionResponse.response`);
    }
  }
}
