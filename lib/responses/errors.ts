/**
 * Errors both ways: the OpenAI envelope a Responses caller receives before its stream starts,
 * the `error` of a `response.failed` after it has started (with a code Codex acts on), and the
 * kind of an error a Responses upstream reports by code.
 */
import { ProxyError } from "../errors.ts";
import { isObject } from "../json/fields.ts";
import {
  answerError as openaiAnswerError,
  errorBody as openaiErrorBody,
  errorKindOf,
} from "../openai/errors.ts";
import type { FailureCode } from "./types.ts";

export { errorMessage } from "../openai/errors.ts";

/** An upstream's own words for a prompt longer than its context window. */
const CONTEXT_OVERFLOW =
  /context_length_exceeded|maximum context length|context window|prompt is too long|exceeds the maximum number of tokens/i;
const QUOTA = /insufficient_quota|exceeded your current quota|insufficient balance|credit balance/i;
/** The wait Codex reads from a `rate_limit_exceeded` message (its own pattern). */
const CODEX_WAIT = /try again in\s*\d+(?:\.\d+)?\s*(?:s|ms|seconds?)\b/i;
/** A wait as upstreams word it: "try again in 1.5s", Gemini's "Please retry in 41.2s"… */
const NAMED_WAIT =
  /(?:retry|try again)\s+(?:in|after)\s*(\d+(?:\.\d+)?)\s*(ms|s|secs?|seconds?)\b/i;

/** `{"error": {message, type, param, code}}`, the code filled in where one is known. */
export function errorBody(error: ProxyError): Record<string, unknown> {
  const body = openaiErrorBody(error) as { error: Record<string, unknown> };
  const code = error.code ?? envelopeCode(error);
  if (code) body.error.code = code;
  return body;
}

function envelopeCode(error: ProxyError): string | undefined {
  if (isOverflow(error)) return "context_length_exceeded";
  if (error.kind === "rate_limit") {
    return isQuota(error) ? "insufficient_quota" : "rate_limit_exceeded";
  }
  return undefined;
}

/**
 * The `error` of `response.failed`. Codex stops on `context_length_exceeded` (and compacts) and
 * on `insufficient_quota`; on `rate_limit_exceeded` it waits what the message names in its own
 * words ("try again in 1.5s"), so a wait known another way is added in them; anything else is
 * `server_error`, which it retries.
 */
export function failureOf(error: ProxyError): { code: FailureCode; message: string } {
  if (isOverflow(error)) {
    // an overflow the proxy words Anthropic's way reads here in OpenAI's words
    const message = error.overflow
      ? (openaiErrorBody(error) as { error: { message: string } }).error.message
      : error.message;
    return { code: "context_length_exceeded", message };
  }
  if (isQuota(error)) return { code: "insufficient_quota", message: error.message };
  if (error.kind === "rate_limit" || error.code === "rate_limit_exceeded") {
    const wait = CODEX_WAIT.test(error.message) ? undefined : waitOf(error);
    const hint = wait === undefined ? "" : ` Please try again in ${wait}s.`;
    return { code: "rate_limit_exceeded", message: error.message + hint };
  }
  return { code: "server_error", message: error.message };
}

function isOverflow(error: ProxyError): boolean {
  if (error.overflow || error.code === "context_length_exceeded") return true;
  return error.code === undefined && CONTEXT_OVERFLOW.test(error.message);
}

/**
 * Out of quota or credit, which waiting does not cure; a quota message that names a wait (Gemini
 * words its per-minute limits "You exceeded your current quota… Please retry in 41s") is a rate
 * limit.
 */
function isQuota(error: ProxyError): boolean {
  if (error.code === "insufficient_quota") return true;
  return error.code === undefined && QUOTA.test(error.message) && waitOf(error) === undefined;
}

/** Seconds to wait, from the upstream's `Retry-After` (seconds) or the words of its message. */
function waitOf(error: ProxyError): number | undefined {
  const header = error.retryAfter === undefined ? NaN : Number(error.retryAfter);
  if (Number.isFinite(header) && header >= 0) return header;
  const named = NAMED_WAIT.exec(error.message);
  if (!named) return undefined;
  const value = Number(named[1]);
  return named[2].toLowerCase() === "ms" ? Math.round(value) / 1000 : value;
}

/**
 * An error a Responses upstream reported in `response.failed` or an `error` event, its code kept
 * (a Responses caller then sees the same code).
 */
export function upstreamFailure(error: unknown, fallback: string): ProxyError {
  const fields = isObject(error) ? error : {};
  const message = typeof fields.message === "string" && fields.message ? fields.message : fallback;
  const failure = new ProxyError(errorKindOf(fields), message);
  if (typeof fields.code === "string" && fields.code) failure.code = fields.code;
  return failure;
}

/**
 * The error a 2xx body holds instead of a response: an OpenAI error envelope, or a response whose
 * `status` is `failed` with its `error` (its code kept, so a Responses caller sees the same).
 */
export function answerError(body: unknown): ProxyError | undefined {
  if (!isObject(body)) return undefined;
  if (body.object === "response" || body.status !== undefined) {
    if (body.status !== "failed") return undefined;
    return upstreamFailure(body.error, "Upstream response failed");
  }
  return openaiAnswerError(body);
}
