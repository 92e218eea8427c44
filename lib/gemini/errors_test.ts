import assert from "node:assert/strict";
import { contextOverflow, ProxyError } from "../errors.ts";
import { answerError, errorBody, errorMessage } from "./errors.ts";
import { modelList } from "./models.ts";

Deno.test("errorBody() renders Gemini's envelope with the status name for each HTTP status", () => {
  const cases: Array<[ProxyError, string]> = [
    [new ProxyError("invalid_request", "bad"), "INVALID_ARGUMENT"],
    [new ProxyError("authentication", "bad"), "UNAUTHENTICATED"],
    [new ProxyError("permission", "bad"), "PERMISSION_DENIED"],
    [new ProxyError("not_found", "bad"), "NOT_FOUND"],
    [new ProxyError("method_not_allowed", "bad"), "INVALID_ARGUMENT"],
    [new ProxyError("request_too_large", "bad"), "INVALID_ARGUMENT"],
    [new ProxyError("rate_limit", "bad"), "RESOURCE_EXHAUSTED"],
    [new ProxyError("api_error", "bad"), "INTERNAL"],
    [new ProxyError("bad_gateway", "bad"), "INTERNAL"],
    [new ProxyError("unavailable", "bad"), "UNAVAILABLE"],
    [new ProxyError("overloaded", "bad"), "UNAVAILABLE"],
    [new ProxyError("timeout", "bad"), "DEADLINE_EXCEEDED"],
  ];
  for (const [error, status] of cases) {
    assert.deepEqual(errorBody(error), { error: { code: error.status, message: "bad", status } });
  }
  assert.deepEqual(errorBody(new ProxyError("invalid_request", "Unknown model", 422)), {
    error: { code: 422, message: "Unknown model", status: "INVALID_ARGUMENT" },
  });
});

Deno.test("errorMessage() reads Gemini error bodies, also inside a one-item array", () => {
  const detail = { code: 400, message: "Invalid JSON payload", status: "INVALID_ARGUMENT" };
  assert.equal(errorMessage({ error: detail }), "Invalid JSON payload");
  assert.equal(errorMessage([{ error: detail }]), "Invalid JSON payload");
  assert.equal(errorMessage(JSON.stringify({ error: detail })), "Invalid JSON payload");
  assert.equal(errorMessage({ message: "not gemini" }), undefined);
  assert.equal(errorMessage("<html>"), undefined);
});

Deno.test("modelList() lists models in Gemini's shape", () => {
  assert.deepEqual(
    modelList([
      {
        id: "sonnet",
        displayName: "Sonnet",
        contextTokens: 200000,
        maxOutputTokens: 64000,
        created: 0,
      },
      { id: "small", displayName: "Small", maxOutputTokens: 8192, created: 0 },
    ]),
    {
      models: [
        {
          name: "models/sonnet",
          version: "001",
          displayName: "Sonnet",
          inputTokenLimit: 200000,
          outputTokenLimit: 64000,
          supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
        },
        {
          name: "models/small",
          version: "001",
          displayName: "Small",
          outputTokenLimit: 8192,
          supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
        },
      ],
    },
  );
});

Deno.test("answerError() reads a 200 body that is Gemini's error envelope, also in an array", () => {
  const body = { error: { code: 503, message: "Overloaded", status: "UNAVAILABLE" } };
  assert.equal(answerError(body)?.status, 503);
  assert.equal(answerError([body])?.message, "Overloaded");
  assert.equal(answerError({ candidates: [] }), undefined);
});

Deno.test("errorBody() words a context overflow as Gemini does, INVALID_ARGUMENT", () => {
  assert.deepEqual(errorBody(contextOverflow({ tokens: 1200000, limit: 1048576 })), {
    error: {
      code: 400,
      message:
        "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
      status: "INVALID_ARGUMENT",
    },
  });
});
