import assert from "node:assert/strict";
import { upstream } from "./upstream.ts";

Deno.test("upstream.url() adds /v1 to an api_base without it, for messages and count_tokens", () => {
  const address = { apiBase: "https://a.example", modelName: "m" };
  assert.equal(upstream.url(address, "generate", false), "https://a.example/v1/messages");
  assert.equal(
    upstream.url({ ...address, apiBase: "https://a.example/v1" }, "count_tokens", false),
    "https://a.example/v1/messages/count_tokens",
  );
});

Deno.test("upstream.authorize() sends x-api-key and keeps an Anthropic caller's version and beta", () => {
  const caller = new Headers({ "anthropic-version": "2026-10-21", "anthropic-beta": "b1" });
  const own = new Headers();
  upstream.authorize(own, "k", caller);
  assert.equal(own.get("x-api-key"), "k");
  assert.equal(own.get("anthropic-version"), "2026-10-21");
  assert.equal(own.get("anthropic-beta"), "b1");
  // A caller of another dialect: the default version, no beta.
  const other = new Headers();
  upstream.authorize(other, "k", undefined);
  assert.equal(other.get("anthropic-version"), "2023-06-01");
  assert.equal(other.get("anthropic-beta"), null);
});
