import assert from "node:assert/strict";
import { contextOverflow, ProxyError } from "../errors.ts";
import { answerError, errorBody, errorKindOf, errorMessage } from "./errors.ts";
import { modelList } from "./models.ts";

Deno.test("errorBody() renders OpenAI's envelope with the type for each status", () => {
  const typeOf = (error: ProxyError) =>
    (errorBody(error) as { error: { type: string } }).error.type;
  assert.deepEqual(errorBody(new ProxyError("invalid_request", `"n" must be 1`)), {
    error: { message: `"n" must be 1`, type: "invalid_request_error", param: null, code: null },
  });
  assert.equal(typeOf(new ProxyError("request_too_large", "x")), "invalid_request_error");
  assert.equal(typeOf(new ProxyError("method_not_allowed", "x")), "invalid_request_error");
  assert.equal(typeOf(new ProxyError("authentication", "x")), "authentication_error");
  assert.equal(typeOf(new ProxyError("permission", "x")), "permission_error");
  assert.equal(typeOf(new ProxyError("rate_limit", "x")), "rate_limit_error");
  assert.equal(typeOf(new ProxyError("bad_gateway", "x")), "server_error");
  assert.equal(typeOf(new ProxyError("timeout", "x")), "server_error");
  assert.equal(typeOf(new ProxyError("overloaded", "x")), "server_error");
});

Deno.test("errorBody() marks a 404 about a model with code model_not_found", () => {
  assert.deepEqual(errorBody(new ProxyError("not_found", 'Unknown model "x"; configured: a, b')), {
    error: {
      message: 'Unknown model "x"; configured: a, b',
      type: "invalid_request_error",
      param: null,
      code: "model_not_found",
    },
  });
  const path = errorBody(new ProxyError("not_found", "No route for /v2/x")) as {
    error: { code: unknown };
  };
  assert.equal(path.error.code, null);
});

Deno.test("errorMessage() finds the message in the shapes OpenAI-compatible servers send", () => {
  assert.equal(
    errorMessage({ error: { message: "bad key", type: "invalid_request_error" } }),
    "bad key",
  );
  assert.equal(errorMessage({ error: "model overloaded" }), "model overloaded");
  assert.equal(errorMessage({ message: "top-level" }), "top-level");
  assert.equal(errorMessage({ detail: "Not Found" }), "Not Found");
  assert.equal(errorMessage({ detail: [{ msg: "x" }] }), undefined);
  assert.equal(errorMessage("oops"), undefined);
});

Deno.test("errorKindOf() reads an error object's numeric code or type name", () => {
  assert.equal(errorKindOf({ code: 429, message: "x" }), "rate_limit");
  assert.equal(errorKindOf({ code: 503 }), "unavailable");
  assert.equal(
    errorKindOf({ type: "invalid_request_error", code: "context_length_exceeded" }),
    "invalid_request",
  );
  assert.equal(errorKindOf({ type: "server_error" }), "bad_gateway");
  assert.equal(errorKindOf("x"), "bad_gateway");
});

Deno.test("modelList() lists models in OpenAI's shape", () => {
  assert.deepEqual(
    modelList([{
      id: "deepseek",
      displayName: "DeepSeek",
      maxOutputTokens: 8192,
      created: 1700000000,
    }]),
    {
      object: "list",
      data: [{ id: "deepseek", object: "model", created: 1700000000, owned_by: "llm-proxy" }],
    },
  );
});

Deno.test("answerError() reads a 200 body holding an error instead of choices", () => {
  const limited = answerError({ error: { message: "Slow down", code: 429 } });
  assert.equal(limited?.status, 429);
  assert.equal(limited?.message, "Slow down");
  assert.equal(answerError({ error: { message: "Busy", type: "overloaded_error" } })?.status, 529);
  assert.equal(answerError({ error: "Insufficient balance" })?.status, 502);
  assert.equal(answerError({ choices: [{ message: {} }], error: null }), undefined);
  assert.equal(answerError({ choices: [{ message: {} }], error: { message: "x" } }), undefined);
});

Deno.test("errorBody() words a context overflow as OpenAI does, with code context_length_exceeded", () => {
  assert.deepEqual(errorBody(contextOverflow({ tokens: 140000, limit: 131072 })), {
    error: {
      message:
        "This model's maximum context length is 131072 tokens. However, your messages resulted in 140000 tokens.",
      type: "invalid_request_error",
      param: "messages",
      code: "context_length_exceeded",
    },
  });
  const bare = errorBody(contextOverflow({})) as { error: { message: string; code: string } };
  assert.equal(bare.error.message, "This model's maximum context length was exceeded.");
  assert.equal(bare.error.code, "context_length_exceeded");
});
