import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
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
