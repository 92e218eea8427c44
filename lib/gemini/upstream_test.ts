import assert from "node:assert/strict";
import { upstream } from "./upstream.ts";

Deno.test("upstream.url() names the model in the path: SSE stream, JSON-array stream, count", () => {
  const address = { apiBase: "https://g.example/v1beta", modelName: "g-1" };
  const models = "https://g.example/v1beta/models/g-1";
  assert.equal(upstream.url(address, "generate", false), `${models}:generateContent`);
  assert.equal(upstream.url(address, "generate", true), `${models}:streamGenerateContent?alt=sse`);
  assert.equal(upstream.url(address, "generate", true, true), `${models}:streamGenerateContent`);
  assert.equal(upstream.url(address, "count_tokens", false), `${models}:countTokens`);
});

Deno.test("upstream.url(): a model_name with path characters cannot leave the models/ segment", () => {
  const odd = upstream.url(
    { apiBase: "https://g.example/v1beta", modelName: "../../x?y" },
    "generate",
    false,
  );
  assert.equal(new URL(odd).host, "g.example");
  assert.ok(new URL(odd).pathname.startsWith("/v1beta/models/"), odd);
});

Deno.test("upstream.authorize() sends the key as x-goog-api-key", () => {
  const headers = new Headers();
  upstream.authorize(headers, "k", undefined);
  assert.equal(headers.get("x-goog-api-key"), "k");
});
