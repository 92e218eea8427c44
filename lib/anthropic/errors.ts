/** Anthropic's error envelope, both ways: rendering ours, and reading an upstream's. */
import { type ErrorKind, ProxyError } from "../errors.ts";
import type { OverflowWording } from "../ir/endpoint.ts";
import { unreachable } from "../ir/types.ts";
import { isObject } from "../json/fields.ts";
import type { AnthropicErrorType } from "./types.ts";

/** The `error.type` an Anthropic caller expects for each kind. */
export function errorTypeOfKind(kind: ErrorKind): AnthropicErrorType {
  switch (kind) {
    case "invalid_request":
    case "method_not_allowed":
      return "invalid_request_error";
    case "authentication":
      return "authentication_error";
    case "permission":
      return "permission_error";
    case "not_found":
      return "not_found_error";
    case "request_too_large":
      return "request_too_large";
    case "rate_limit":
      return "rate_limit_error";
    case "api_error":
    case "bad_gateway":
      return "api_error";
    case "unavailable":
    case "overloaded":
      return "overloaded_error";
    case "timeout":
      return "timeout_error";
    default:
      return unreachable(kind);
  }
}

/** The kind behind an upstream's `error.type` (unknown types are upstream failures). */
export function kindOfErrorType(type: string | null | undefined): ErrorKind {
  switch (type) {
    case "invalid_request_error":
      return "invalid_request";
    case "authentication_error":
      return "authentication";
    case "permission_error":
    case "billing_error":
      return "permission";
    case "not_found_error":
      return "not_found";
    case "request_too_large":
      return "request_too_large";
    case "rate_limit_error":
      return "rate_limit";
    case "timeout_error":
      return "timeout";
    case "overloaded_error":
      return "overloaded";
    default:
      return "api_error";
  }
}

/** `{"type":"error","error":{"type":…,"message":…}}` for a ProxyError. */
export function errorBody(error: ProxyError): Record<string, unknown> {
  return { type: "error", error: { type: errorTypeOfKind(error.kind), message: error.message } };
}

/** The `error.message` of an upstream's Anthropic envelope, if the body has one. */
export function errorMessage(body: unknown): string | undefined {
  if (!isObject(body) || !isObject(body.error)) return undefined;
  const message = body.error.message;
  return typeof message === "string" ? message : undefined;
}

/** The error a 2xx body holds when it is Anthropic's error envelope (`overloaded_error`: 529). */
export function answerError(body: unknown): ProxyError | undefined {
  if (!isObject(body) || body.type !== "error" || !isObject(body.error)) return undefined;
  const type = typeof body.error.type === "string" ? body.error.type : undefined;
  return new ProxyError(kindOfErrorType(type), errorMessage(body) || "Upstream reported an error");
}

/**
 * Anthropic's words for a request over the context window, and where its numbers are:
 * "prompt is too long: 210000 tokens > 200000 maximum".
 */
export const overflowWordings: readonly OverflowWording[] = [{
  sign: /prompt is too long/i,
  tokens: /too long:\s*(\d[\d,]*)\s*tokens/i,
  limit: />\s*(\d[\d,]*)\s*maximum/i,
}];
