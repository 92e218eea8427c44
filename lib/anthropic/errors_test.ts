import assert from "node:assert/strict";
import { contextOverflow, type ErrorKind, ProxyError } from "../errors.ts";
import { answerError, errorBody, errorMessage, kindOfErrorType } from "./errors.ts";

Deno.test("errorBody() writes Anthropic's error envelope for every kind", () => {
  const expected: Record<ErrorKind, string> = {
    invalid_request: "invalid_request_error",
    authentication: "authentication_error",
    permission: "permission_error",
    not_found: "not_found_error",
    method_not_allowed: "invalid_request_error",
    request_too_large: "request_too_large",
    rate_limit: "rate_limit_error",
    api_error: "api_error",
    bad_gateway: "api_error",
    unavailable: "overloaded_error",
    timeout: "timeout_error",
    overloaded: "overloaded_error",
  };
  for (const [kind, type] of Object.entries(expected)) {
    assert.deepEqual(errorBody(new ProxyError(kind as ErrorKind, "Nope")), {
      type: "error",
      error: { type, message: "Nope" },
    });
  }
});

Deno.test("kindOfErrorType() reads an upstream's error type back", () => {
  assert.equal(kindOfErrorType("invalid_request_error"), "invalid_request");
  assert.equal(kindOfErrorType("rate_limit_error"), "rate_limit");
  assert.equal(kindOfErrorType("overloaded_error"), "overloaded");
  assert.equal(kindOfErrorType("billing_error"), "permission");
  assert.equal(kindOfErrorType("something_new"), "api_error");
  assert.equal(kindOfErrorType(undefined), "api_error");
});

Deno.test("errorMessage() reads error.message from Anthropic's envelope only", () => {
  const body = {
    type: "error",
    error: { type: "invalid_request_error", message: "max_tokens: too big" },
  };
  assert.equal(errorMessage(body), "max_tokens: too big");
  assert.equal(errorMessage({ error: "flat" }), undefined);
  assert.equal(errorMessage({ error: { message: 5 } }), undefined);
  assert.equal(errorMessage("<html>502</html>"), undefined);
});

Deno.test("answerError() reads a 200 body that is Anthropic's error envelope, with its type's status", () => {
  const error = answerError({
    type: "error",
    error: { type: "overloaded_error", message: "Busy" },
  });
  assert.equal(error?.status, 529);
  assert.equal(error?.message, "Busy");
  assert.equal(answerError({ type: "message", content: [] }), undefined);
  assert.equal(answerError({ error: { type: "overloaded_error" } }), undefined, "not the envelope");
});

Deno.test("errorBody() words a context overflow as Anthropic does: prompt is too long", () => {
  assert.deepEqual(errorBody(contextOverflow({ tokens: 210000, limit: 200000 })), {
    type: "error",
    error: {
      type: "invalid_request_error",
      message: "prompt is too long: 210000 tokens > 200000 maximum",
    },
  });
  assert.equal(contextOverflow({ tokens: 5 }).message, "prompt is too long: 5 tokens");
  assert.equal(contextOverflow({}).message, "prompt is too long");
  assert.equal(contextOverflow({}).status, 400);
});
