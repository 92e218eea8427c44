import assert from "node:assert/strict";
import { upstream } from "./upstream.ts";

Deno.test("upstream.url() is {api_base}/chat/completions; the key goes as a bearer token", () => {
  const address = { apiBase: "https://o.example/v1", modelName: "m" };
  assert.equal(upstream.url(address, "generate", true), "https://o.example/v1/chat/completions");
  const headers = new Headers();
  upstream.authorize(headers, "k", new Headers({ "anthropic-version": "x" }));
  assert.equal(headers.get("authorization"), "Bearer k");
  assert.equal(headers.get("anthropic-version"), null);
});
