import assert from "node:assert/strict";
import type { ModelEntry } from "../config/models.ts";
import { parseModels } from "../config/models.ts";
import { contextOverflow, ProxyError } from "../errors.ts";
import type { Request } from "../ir/types.ts";
import { CODECS } from "../dialects.ts";
import { estimateRequestTokens } from "../tokens/estimate.ts";
import { MIN_OUTPUT_TOKENS, outputCap, withOverflowNumbers } from "./context_window.ts";

function model(keys: string): ModelEntry {
  return parseModels(`- {model_id: m, api_base: "https://x", ${keys}}`, "models.yaml", () => "")
    .get("m")!;
}

/** A request of about `words` tokens. */
function request(words: number, maxTokens?: number): Request {
  return {
    model: "m",
    stream: false,
    system: [],
    messages: [{ role: "user", content: [{ type: "text", text: "hello ".repeat(words) }] }],
    tools: [],
    ...(maxTokens !== undefined ? { maxTokens } : {}),
  };
}

Deno.test("outputCap() keeps the cap when input and output fit the window", () => {
  assert.equal(outputCap(request(100), model("max_tokens: 8192")), 8192);
  assert.equal(outputCap(request(100), model("max_tokens: 8192, context: 128K")), 8192);
});

Deno.test("outputCap() lowers the cap to what the window leaves after the estimated input", () => {
  const r = request(5000);
  const input = estimateRequestTokens(r, CODECS.openai.imageTokens);
  assert.equal(outputCap(r, model("max_tokens: 8192, context: 10000")), 10000 - input);
  // …but leaves at least 1,024 when the cap allows that much.
  const tight = model(`max_tokens: 8192, context: ${input + 10}`);
  assert.equal(outputCap(r, tight), MIN_OUTPUT_TOKENS);
  assert.equal(outputCap(r, model(`max_tokens: 500, context: ${input + 10}`)), 500);
});

Deno.test("outputCap() refuses with an overflow when the input alone exceeds the window", () => {
  const r = request(5000);
  const input = estimateRequestTokens(r, CODECS.openai.imageTokens);
  assert.throws(() => outputCap(r, model("context: 1000")), (error: ProxyError) => {
    assert.equal(error.status, 400);
    assert.deepEqual(error.overflow, { tokens: input, limit: 1000 });
    assert.equal(error.message, `prompt is too long: ${input} tokens > 1000 maximum`);
    return true;
  });
});

Deno.test("withOverflowNumbers() fills what the upstream's message left out", () => {
  const m = model("context: 64K");
  const filled = withOverflowNumbers(contextOverflow({}), m, () => 70000) as ProxyError;
  assert.deepEqual(filled.overflow, { tokens: 70000, limit: 64000 });
  const told = contextOverflow({ tokens: 9, limit: 8 });
  assert.equal(withOverflowNumbers(told, m, () => 1), told);
  const other = new ProxyError("rate_limit", "slow down");
  assert.equal(withOverflowNumbers(other, m, () => 1), other);
});

Deno.test("outputCap() prices images as the model's provider does", () => {
  // A 4000 × 4000 PNG: ~1,600 tokens at Anthropic, 16 tiles of 258 at Gemini.
  const png = new Uint8Array(32);
  png.set([0x89, 0x50, 0x4e, 0x47]);
  new DataView(png.buffer).setUint32(16, 4000);
  new DataView(png.buffer).setUint32(20, 4000);
  const data = btoa(String.fromCharCode(...png));
  const r: Request = {
    ...request(10),
    messages: [{
      role: "user",
      content: [{ type: "image", source: { kind: "base64", mediaType: "image/png", data } }],
    }],
  };
  const anthropic = estimateRequestTokens(r, CODECS.anthropic.imageTokens);
  const gemini = estimateRequestTokens(r, CODECS.gemini.imageTokens);
  assert.ok(gemini > anthropic + 2000, `${gemini} vs ${anthropic}`);
  const context = anthropic + 1500;
  const keys = `max_tokens: 1024, context: ${context}`;
  assert.equal(outputCap(r, model(`${keys}, format: anthropic`)), 1024);
  assert.throws(
    () => outputCap(r, model(`${keys}, format: gemini`)),
    (error: ProxyError) => error.overflow?.tokens === gemini,
  );
});
