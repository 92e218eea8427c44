/**
 * OpenAI's error envelope both ways: the body an OpenAI caller receives, and the
 * message and kind inside an error an OpenAI-dialect upstream sent.
 */
import { type ContextOverflow, type ErrorKind, kindOfStatus, ProxyError } from "../errors.ts";
import type { OverflowWording } from "../ir/endpoint.ts";
import { unreachable } from "../ir/types.ts";
import { isObject } from "../json/fields.ts";

/** `{"error": {message, type, param, code}}` for a caller. */
export function errorBody(error: ProxyError): Record<string, unknown> {
  if (error.overflow) return overflowBody(error.overflow);
  return {
    error: {
      message: error.message,
      type: errorTypeOf(error.kind),
      param: null,
      code: error.kind === "not_found" && /\bmodel\b/i.test(error.message)
        ? "model_not_found"
        : null,
    },
  };
}

/** OpenAI's own words and code for a request longer than the context window. */
function overflowBody({ tokens, limit }: ContextOverflow): Record<string, unknown> {
  const window = limit === undefined
    ? "This model's maximum context length was exceeded."
    : `This model's maximum context length is ${limit} tokens.`;
  const asked = tokens === undefined ? "" : ` However, your messages resulted in ${tokens} tokens.`;
  return {
    error: {
      message: window + asked,
      type: "invalid_request_error",
      param: "messages",
      code: "context_length_exceeded",
    },
  };
}

/** The OpenAI error `type` for a kind. */
export function errorTypeOf(kind: ErrorKind): string {
  switch (kind) {
    case "invalid_request":
    case "not_found":
    case "method_not_allowed":
    case "request_too_large":
      return "invalid_request_error";
    case "authentication":
      return "authentication_error";
    case "permission":
      return "permission_error";
    case "rate_limit":
      return "rate_limit_error";
    case "api_error":
    case "bad_gateway":
    case "unavailable":
    case "timeout":
    case "overloaded":
      return "server_error";
    default:
      return unreachable(kind);
  }
}

/**
 * The message in an upstream's error body: `error.message`, an `error` string, a top-level
 * `message`, or a FastAPI-style `detail` string (some self-hosted servers).
 */
export function errorMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const error = body.error;
  if (typeof error === "string" && error) return error;
  if (isObject(error) && typeof error.message === "string" && error.message) return error.message;
  if (typeof body.message === "string" && body.message) return body.message;
  if (typeof body.detail === "string" && body.detail) return body.detail;
  return undefined;
}

/**
 * The kind of an error object an upstream sent inside a 200 answer or a stream: from a numeric
 * `code` (an HTTP status), else from its `type`/`code` name; anything else is an upstream failure.
 */
export function errorKindOf(error: unknown): ErrorKind {
  if (!isObject(error)) return "bad_gateway";
  const status = typeof error.code === "number" ? error.code : Number(error.status);
  if (Number.isInteger(status) && status >= 400 && status < 600) return kindOfStatus(status);
  const name = `${error.type ?? ""} ${error.code ?? ""}`;
  if (/rate_limit|insufficient_quota/.test(name)) return "rate_limit";
  if (/overloaded/.test(name)) return "overloaded";
  if (/context_length|invalid_request/.test(name)) return "invalid_request";
  if (/authentication|invalid_api_key/.test(name)) return "authentication";
  if (/permission/.test(name)) return "permission";
  return "bad_gateway";
}

/**
 * The error a 2xx body holds instead of a completion (`{"error": …}` and no choices), with the
 * status its `code` names, else the one its type implies.
 */
export function answerError(body: unknown): ProxyError | undefined {
  if (!isObject(body) || body.error === undefined || body.error === null) return undefined;
  if (Array.isArray(body.choices) && body.choices.length > 0) return undefined;
  const kind = errorKindOf(body.error);
  const code = isObject(body.error) ? body.error.code : undefined;
  const message = errorMessage(body) ?? "Upstream reported an error";
  return typeof code === "number" && Number.isInteger(code) && code >= 400 && code <= 599
    ? new ProxyError(kind, message, code)
    : new ProxyError(kind, message);
}

const N = "(\\d[\\d,]*)";

/** OpenAI-compatible upstreams' words for a request over the context window. */
export const overflowWordings: readonly OverflowWording[] = [
  // OpenAI, DeepSeek, vLLM: "This model's maximum context length is 131072 tokens. However, you
  // requested 140000 tokens (…)" / "your messages resulted in …" / "your request has … input tokens"
  {
    sign: /maximum context length|context_length_exceeded/i,
    tokens: new RegExp(`(?:requested|resulted in|has)\\s+${N}\\s+(?:input\\s+)?tokens`, "i"),
    limit: new RegExp(`maximum context length is\\s+${N}`, "i"),
  },
  // Kimi: "Your request exceeded model token limit: 262144 (requested: 269030)"
  {
    sign: /exceeded model token limit/i,
    tokens: new RegExp(`requested:\\s*${N}`, "i"),
    limit: new RegExp(`token limit:\\s*${N}`, "i"),
  },
];
