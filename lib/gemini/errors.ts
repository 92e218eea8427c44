/**
 * Gemini's error envelope, `{"error": {"code", "message", "status"}}`, both ways: rendered for
 * Gemini callers, read from Gemini upstreams (which sometimes wrap it in a one-item array).
 */
import { type ContextOverflow, kindOfStatus, ProxyError } from "../errors.ts";
import type { OverflowWording } from "../ir/endpoint.ts";
import { isObject } from "../json/fields.ts";
import type { GeminiErrorBody } from "./types.ts";

/** The google.rpc status name Gemini pairs with an HTTP status. */
export function statusName(status: number): string {
  switch (status) {
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
    case 529:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
  }
  // 400, 405, 413, 422 and other client errors; 500, 502 and other server errors.
  return status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
}

/** The error body a Gemini caller receives. */
export function errorBody(error: ProxyError): GeminiErrorBody {
  const message = error.overflow ? overflowMessage(error.overflow) : error.message;
  return { error: { code: error.status, message, status: statusName(error.status) } };
}

/** Gemini's own words for a request longer than the context window. */
function overflowMessage({ tokens, limit }: ContextOverflow): string {
  const count = tokens === undefined ? "" : ` (${tokens})`;
  const most = limit === undefined ? "" : ` (${limit})`;
  return `The input token count${count} exceeds the maximum number of tokens allowed${most}.`;
}

/** The message inside a Gemini error body, if it has one. */
export function errorMessage(body: unknown): string | undefined {
  const detail = errorDetail(body);
  return typeof detail?.message === "string" ? detail.message : undefined;
}

/** A Gemini `error` object (inside a body or a stream chunk) as a ProxyError. */
export function errorFromGemini(detail: unknown, fallbackStatus = 502): ProxyError {
  const fields = isObject(detail) ? detail : {};
  const code = typeof fields.code === "number" && fields.code >= 400 ? fields.code : fallbackStatus;
  const message = typeof fields.message === "string" && fields.message
    ? fields.message
    : "Upstream reported an error";
  return new ProxyError(kindOfStatus(code), message, code);
}

/** The error a 2xx body holds when it is Gemini's error envelope (also inside a one-item array). */
export function answerError(body: unknown): ProxyError | undefined {
  const detail = errorDetail(body);
  return detail ? errorFromGemini(detail) : undefined;
}

function errorDetail(body: unknown): Record<string, unknown> | undefined {
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(body)) body = body[0];
  return isObject(body) && isObject(body.error) ? body.error : undefined;
}

/**
 * Gemini's words for a request over the context window: "The input token count (1200000)
 * exceeds the maximum number of tokens allowed (1048576)."
 */
export const overflowWordings: readonly OverflowWording[] = [{
  sign: /exceeds the maximum number of tokens/i,
  tokens: /input token count\s*\(?(\d[\d,]*)/i,
  limit: /tokens allowed\s*\(?(\d[\d,]*)/i,
}];
