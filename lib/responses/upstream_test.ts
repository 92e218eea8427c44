import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import { upstream } from "./upstream.ts";

const ADDRESS = { apiBase: "https://api.openai.com/v1", modelName: "gpt-5-codex" };

Deno.test("upstream.url() is {api_base}/responses, and /responses/input_tokens to count", () => {
  assert.equal(upstream.url(ADDRESS, "generate", true), "https://api.openai.com/v1/responses");
  assert.equal(upstream.url(ADDRESS, "generate", false), "https://api.openai.com/v1/responses");
  assert.equal(
    upstream.url(ADDRESS, "count_tokens", false),
    "https://api.openai.com/v1/responses/input_tokens",
  );
  const headers = new Headers();
  upstream.authorize(headers, "sk-up", undefined);
  assert.equal(headers.get("authorization"), "Bearer sk-up");
});

const BODY = {
  model: "gpt-5-codex",
  input: [
    { role: "user", content: "Hi" },
    { type: "reasoning", summary: [], encrypted_content: "gAAAA-old-account" },
    { type: "function_call", call_id: "c1", name: "shell", arguments: "{}" },
  ],
};

Deno.test("upstream.retry() sends the body again without reasoning on invalid_encrypted_content", () => {
  const refused = new ProxyError(
    "invalid_request",
    "The encrypted content for item rs_1 could not be verified. Reason: Encrypted content " +
      "organization_id did not match the target organization_id.",
  );
  const again = upstream.retry!(refused, BODY);
  assert.ok(again);
  assert.deepEqual(again.body.input, [BODY.input[0], BODY.input[2]]);
  assert.match(again.warning, /invalid_encrypted_content/);
  assert.equal(BODY.input.length, 3, "the first body is left as it was");
});

Deno.test("upstream.retry() lets other refusals, and bodies without reasoning, stand", () => {
  const other = new ProxyError("invalid_request", "Invalid 'input[0].content'");
  assert.equal(upstream.retry!(other, BODY), undefined);
  const overloaded = new ProxyError("overloaded", "encrypted content could not be verified");
  assert.equal(upstream.retry!(overloaded, BODY), undefined, "only a 400");
  const verified = new ProxyError("invalid_request", "encrypted content could not be verified");
  assert.equal(upstream.retry!(verified, { input: [BODY.input[0]] }), undefined);
});
