import assert from "node:assert/strict";
import type { ModelEntry } from "../config/models.ts";
import { upstreamHeaders, upstreamUrl } from "./url.ts";

function model(format: ModelEntry["format"], apiBase: string, modelName = "m"): ModelEntry {
  return {
    modelId: "id",
    modelName,
    apiBase,
    format,
    aliases: [],
    maxTokens: 1,
    canStream: true,
    extraHeaders: { "X-Extra": "1" },
    extraBody: {},
    maxRetries: 0,
    fallbacks: [],
    allowParams: [],
    vision: true,
    dropParams: [],
    promptCache: false,
  };
}

Deno.test("upstreamUrl() builds each format's URL on the api_base alone", () => {
  assert.equal(
    upstreamUrl(model("openai", "https://o.example/v1"), "generate", true),
    "https://o.example/v1/chat/completions",
  );
  assert.equal(
    upstreamUrl(model("anthropic", "https://a.example"), "generate", false),
    "https://a.example/v1/messages",
  );
  assert.equal(
    upstreamUrl(model("anthropic", "https://a.example/v1"), "count_tokens", false),
    "https://a.example/v1/messages/count_tokens",
  );
  assert.equal(
    upstreamUrl(model("gemini", "https://g.example/v1beta", "g-1"), "generate", true),
    "https://g.example/v1beta/models/g-1:streamGenerateContent?alt=sse",
  );
  // A model_name with path characters cannot leave the models/ segment.
  const odd = upstreamUrl(
    model("gemini", "https://g.example/v1beta", "../../x?y"),
    "generate",
    false,
  );
  assert.equal(new URL(odd).host, "g.example");
  assert.ok(new URL(odd).pathname.startsWith("/v1beta/models/"), odd);
});

Deno.test("upstreamHeaders() sends the key in the format's own header and passes Anthropic version and beta", () => {
  const caller = new Headers({ "anthropic-version": "2026-10-21", "anthropic-beta": "b1" });
  const a = upstreamHeaders(model("anthropic", "https://a"), "k", "anthropic", caller);
  assert.equal(a.get("x-api-key"), "k");
  assert.equal(a.get("anthropic-version"), "2026-10-21");
  assert.equal(a.get("anthropic-beta"), "b1");
  assert.equal(a.get("x-extra"), "1");
  const fromOpenai = upstreamHeaders(model("anthropic", "https://a"), "k", "openai", caller);
  assert.equal(fromOpenai.get("anthropic-version"), "2023-06-01");
  assert.equal(fromOpenai.get("anthropic-beta"), null);
  assert.equal(
    upstreamHeaders(model("openai", "https://o"), "k", "openai", caller).get("authorization"),
    "Bearer k",
  );
  assert.equal(
    upstreamHeaders(model("gemini", "https://g"), "k", "openai", caller).get("x-goog-api-key"),
    "k",
  );
});
