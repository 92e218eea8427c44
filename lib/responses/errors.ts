/**
 * Errors both ways: the OpenAI envelope a Responses caller receives before its stream starts,
 * the `error` of a `response.failed` after it has started (with a code Codex acts on), and the
 * kind of an error a Responses upstream reports by code.
 */
import { ProxyError } from "../errors.ts";
import { isObject } from "./_fields.ts";
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

/** `{"error": {message, type, param, code}}`, the code filled in where one is known. */
export function errorBody(error: ProxyError): Record<string, unknown> {
  const body = openaiErrorBody(error) as { error: Record<string, unknown> };
  const code = error.code ?? envelopeCode(error);
  if (code) body.error.code = code;
  return body;
}

function envelopeCode(error: ProxyError): string | undefined {
  if (error.kind === "invalid_request" && CONTEXT_OVERFLOW.test(error.message)) {
    return "context_length_exceeded";
  }
  if (error.kind === "rate_limit") {
    return QUOTA.test(error.message) ? "insufficient_quota" : "rate_limit_exceeded";
  }
  return undefined;
}

/**
 * The `error` of `response.failed`. Codex stops on `context_length_exceeded` and
 * `insufficient_quota`, waits as told on `rate_limit_exceeded` ("try again in Ns"), and retries
 * anything else (`server_error`).
 */
export function failureOf(error: ProxyError): { code: FailureCode; message: string } {
  const known = error.code as FailureCode | undefined;
  if (known === "context_length_exceeded" || known === "insufficient_quota") {
    return { code: known, message: error.message };
  }
  if (CONTEXT_OVERFLOW.test(error.message)) {
    return { code: "context_length_exceeded", message: error.message };
  }
  if (QUOTA.test(error.message)) return { code: "insufficient_quota", message: error.message };
  if (error.kind === "rate_limit") {
    const wait = error.retryAfter && !/try again in/i.test(error.message)
      ? ` Please try again in ${error.retryAfter}s.`
      : "";
    return { code: "rate_limit_exceeded", message: error.message + wait };
  }
  return { code: "server_error", message: error.message };
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
