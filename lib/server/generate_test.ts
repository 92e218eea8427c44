import assert from "node:assert/strict";
import type { ModelEntry } from "../config/models.ts";
import { backoffMs, fallbackKey, requestedModel } from "./generate.ts";
import type { Exchange } from "./exchange.ts";

Deno.test("backoffMs() grows exponentially with jitter between half and all of its ceiling", () => {
  for (const [attempt, ceiling] of [[0, 500], [1, 1000], [2, 2000], [5, 8000], [9, 8000]]) {
    for (let i = 0; i < 50; i++) {
      const ms = backoffMs(attempt);
      assert.ok(ms >= ceiling / 2 && ms <= ceiling, `attempt ${attempt}: ${ms}`);
    }
  }
});

Deno.test("backoffMs() honours Retry-After in seconds and as an HTTP date, uncapped", () => {
  assert.equal(backoffMs(0, "3"), 3000);
  assert.equal(backoffMs(4, "0"), 0);
  assert.equal(backoffMs(0, "120"), 120_000, "the caller decides whether to wait that long");
  const date = new Date(Date.now() + 5000).toUTCString();
  const ms = backoffMs(0, date);
  assert.ok(ms > 3000 && ms <= 5000, String(ms));
  assert.equal(backoffMs(0, new Date(Date.now() - 5000).toUTCString()), 0);
  const garbage = backoffMs(0, "soon");
  assert.ok(garbage >= 250 && garbage <= 500);
});

Deno.test("backoffMs() waits its own backoff for Retry-After forms RFC 9110 does not allow", () => {
  for (const value of ["0x10", "-30", "NaN", "1e3", "1.5"]) {
    const ms = backoffMs(0, value);
    assert.ok(ms >= 250 && ms <= 500, `${value}: ${ms}`);
  }
});

function entry(id: string, apiBase: string, apiKey?: string): ModelEntry {
  return {
    modelId: id,
    modelName: id,
    apiBase,
    dialect: "openai",
    aliases: [],
    apiKey,
    maxTokens: 8192,
    canStream: true,
    extraHeaders: {},
    extraBody: {},
    maxRetries: 0,
    fallbacks: [],
    allowParams: [],
    vision: true,
    dropParams: [],
    promptCache: false,
  };
}

Deno.test("fallbackKey() gives the caller's key only to a fallback on the same api_base", () => {
  const ex = { key: "sk-caller" } as Exchange;
  const primary = entry("p", "https://a.example/v1");
  assert.equal(fallbackKey(ex, primary, entry("f", "https://a.example/v1")), "sk-caller");
  assert.equal(fallbackKey(ex, primary, entry("f", "https://b.example/v1")), undefined);
  assert.equal(fallbackKey(ex, primary, entry("f", "https://a.example/v2")), undefined);
  assert.equal(fallbackKey(ex, primary, entry("f", "https://b.example/v1", "sk-own")), "sk-own");
  const keyless = { key: undefined } as Exchange;
  assert.equal(
    fallbackKey(
      keyless,
      entry("p", "https://a.example/v1", "sk-p"),
      entry("f", "https://a.example/v1"),
    ),
    undefined,
  );
});

Deno.test("requestedModel() refuses missing, non-string and overlong model names with a 400", () => {
  assert.equal(requestedModel({ model: "gpt" }), "gpt");
  assert.equal(requestedModel({}, "models/gemini-x"), "gemini-x");
  for (const json of [{}, { model: 5 }, { model: "" }, { model: "m".repeat(257) }]) {
    assert.throws(() => requestedModel(json), { status: 400 });
  }
  assert.throws(() => requestedModel({}, ""), { status: 400 });
});
