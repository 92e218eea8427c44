/**
 * Token counting in this dialect: a caller's `POST /v1/responses/input_tokens` takes the same
 * body as a response request (read it with `decodeRequest`) and is answered with
 * `{object: "response.input_tokens", input_tokens}`; a Responses upstream's own counter
 * (`POST {api_base}/responses/input_tokens`) takes the request's fields that shape its input.
 */
import type { UpstreamTarget } from "../ir/codec.ts";
import type { Converted, Request } from "../ir/types.ts";
import { isObject } from "../json/fields.ts";
import { encodeRequest } from "./encode_request.ts";

/** The answer a Responses caller receives for a count. */
export function inputTokensAnswer(tokens: number): Record<string, unknown> {
  return { object: "response.input_tokens", input_tokens: tokens };
}

/** The fields of a request body that `/responses/input_tokens` accepts. */
const COUNTED_FIELDS = [
  "model",
  "instructions",
  "input",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "reasoning",
  "text",
] as const;

/** The body to send to a Responses upstream's counter for `request`. */
export function inputTokensBody(
  request: Request,
  target: Omit<UpstreamTarget, "stream">,
): Converted<Record<string, unknown>> {
  const encoded = encodeRequest(request, { ...target, stream: false });
  const body: Record<string, unknown> = {};
  for (const field of COUNTED_FIELDS) {
    const value = encoded.value.body[field];
    if (value !== undefined) body[field] = value;
  }
  return { value: body, warnings: encoded.warnings };
}

/** The count in an upstream counter's answer, or undefined when it has none. */
export function readInputTokens(answer: unknown): number | undefined {
  if (!isObject(answer)) return undefined;
  const tokens = answer.input_tokens;
  return typeof tokens === "number" && Number.isFinite(tokens) && tokens >= 0 ? tokens : undefined;
}
