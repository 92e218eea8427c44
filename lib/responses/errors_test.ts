import assert from "node:assert/strict";
import { contextOverflow, ProxyError } from "../errors.ts";
import { answerError, errorBody, errorMessage, failureOf, upstreamFailure } from "./errors.ts";

Deno.test("errorBody() is the OpenAI envelope, with the codes Responses clients read", () => {
  const stored = new ProxyError("invalid_request", "No stored responses");
  stored.code = "previous_response_not_found";
  assert.deepEqual(errorBody(stored), {
    error: {
      message: "No stored responses",
      type: "invalid_request_error",
      param: null,
      code: "previous_response_not_found",
    },
  });
  const code = (kind: ConstructorParameters<typeof ProxyError>[0], message: string) =>
    (errorBody(new ProxyError(kind, message)).error as { code: unknown }).code;
  assert.equal(
    code("invalid_request", "This model's maximum context length is 128000"),
    "context_length_exceeded",
  );
  assert.equal(code("rate_limit", "Too many requests"), "rate_limit_exceeded");
  assert.equal(code("rate_limit", "You exceeded your current quota"), "insufficient_quota");
  assert.equal(code("not_found", `Unknown model "x"`), "model_not_found");
  assert.equal(code("bad_gateway", "Upstream down"), null);
  assert.equal(
    (errorBody(new ProxyError("overloaded", "busy")).error as { type: string }).type,
    "server_error",
  );
});

Deno.test("failureOf() gives response.failed a code Codex acts on", () => {
  const failure = (kind: ConstructorParameters<typeof ProxyError>[0], message: string) =>
    failureOf(new ProxyError(kind, message));
  assert.deepEqual(failure("invalid_request", "prompt is too long: 9 tokens > 8 maximum"), {
    code: "context_length_exceeded",
    message: "prompt is too long: 9 tokens > 8 maximum",
  });
  assert.equal(failure("bad_gateway", "Insufficient balance").code, "insufficient_quota");
  assert.deepEqual(failure("rate_limit", "Please try again in 3s."), {
    code: "rate_limit_exceeded",
    message: "Please try again in 3s.",
  });
  assert.equal(failure("timeout", "Upstream timed out").code, "server_error");
  assert.equal(failure("invalid_request", "Bad image").code, "server_error");
  const quota = new ProxyError("rate_limit", "No credits");
  quota.code = "insufficient_quota";
  assert.equal(failureOf(quota).code, "insufficient_quota");
});

Deno.test("A context overflow reaches a Responses caller as context_length_exceeded, in OpenAI's words", () => {
  const overflow = contextOverflow({ tokens: 140000, limit: 128000 });
  const words = "This model's maximum context length is 128000 tokens. " +
    "However, your messages resulted in 140000 tokens.";
  assert.deepEqual(errorBody(overflow), {
    error: {
      message: words,
      type: "invalid_request_error",
      param: "messages",
      code: "context_length_exceeded",
    },
  });
  assert.deepEqual(failureOf(overflow), { code: "context_length_exceeded", message: words });
  const unknown = contextOverflow({});
  assert.equal(failureOf(unknown).code, "context_length_exceeded");
  assert.equal((errorBody(unknown).error as { code: string }).code, "context_length_exceeded");
});

/** How Codex 0.171 reads the wait of a rate_limit_exceeded failure, and how older releases did. */
const CODEX_READS = [
  /try again in\s*(\d+(?:\.\d+)?)\s*(s|ms|seconds?)/i,
  /Please try again in (\d+(?:\.\d+)?)(s|ms)/,
];

Deno.test("failureOf() names a rate limit's wait in the words Codex reads it from", () => {
  const limited = (message: string, retryAfter?: string) => {
    const error = new ProxyError("rate_limit", message);
    if (retryAfter !== undefined) error.retryAfter = retryAfter;
    return failureOf(error);
  };
  const waited = (message: string) => CODEX_READS.map((re) => re.exec(message)?.[1]);
  const header = limited("Too many requests", "7");
  assert.deepEqual(header, {
    code: "rate_limit_exceeded",
    message: "Too many requests Please try again in 7s.",
  });
  assert.deepEqual(waited(header.message), ["7", "7"]);
  // Gemini words a per-minute limit as a quota, with the wait its own way
  const gemini = limited(
    "You exceeded your current quota, please check your plan. Please retry in 41.2s.",
  );
  assert.equal(gemini.code, "rate_limit_exceeded");
  assert.deepEqual(waited(gemini.message), ["41.2", "41.2"]);
  assert.deepEqual(waited(limited("Slow down: retry after 250 ms").message), ["0.25", "0.25"]);
  // a wait Codex can read already is left alone; a Retry-After date is no number of seconds
  assert.equal(
    limited("Rate limited. Try again in 20 seconds.", "20").message,
    "Rate limited. Try again in 20 seconds.",
  );
  assert.equal(limited("Busy", "Wed, 21 Oct 2026 07:28:00 GMT").message, "Busy");
  assert.equal(limited("Busy").message, "Busy");
  // a quota with no wait is a quota, which Codex does not retry
  assert.equal(limited("You exceeded your current quota").code, "insufficient_quota");
  assert.equal(
    (errorBody(new ProxyError("rate_limit", "Please retry in 3s. Quota exceeded: credit balance"))
      .error as { code: string }).code,
    "rate_limit_exceeded",
  );
});

Deno.test("upstreamFailure() keeps a Responses upstream's code and kind", () => {
  const error = upstreamFailure({ code: "server_error", message: "Oops" }, "fallback");
  assert.equal(error.kind, "bad_gateway");
  assert.equal(error.code, "server_error");
  assert.equal(upstreamFailure(undefined, "fallback").message, "fallback");
  assert.equal(errorMessage({ error: { message: "Invalid key" } }), "Invalid key");
});

Deno.test("answerError() reads an error envelope or a failed response in a 200 answer", () => {
  const overloaded = answerError({ error: { message: "Busy", type: "server_error" } });
  assert.ok(overloaded instanceof ProxyError);
  assert.equal(overloaded.message, "Busy");
  const failed = answerError({
    object: "response",
    status: "failed",
    error: { code: "rate_limit_exceeded", message: "Slow down" },
  });
  assert.equal(failed?.message, "Slow down");
  assert.equal(failed?.code, "rate_limit_exceeded");
  assert.equal(answerError({ object: "response", status: "completed", output: [] }), undefined);
  assert.equal(answerError({ object: "response", status: "incomplete", error: null }), undefined);
});
