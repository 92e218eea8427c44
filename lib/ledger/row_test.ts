import assert from "node:assert/strict";
import type { RequestRecord } from "../server/stats.ts";
import { rowIds, rowOf } from "./row.ts";

const PRICE = { input: 0.27, output: 1.1, cacheRead: 0.07, cacheWrite: 0.5 };

function record(over: Partial<RequestRecord> = {}): RequestRecord {
  return {
    callerDialect: "anthropic",
    method: "POST",
    path: "/anthropic/v1/messages",
    requestedModel: "claude-sonnet-4",
    modelId: "deepseek-chat",
    upstreamDialect: "openai",
    stream: true,
    status: 200,
    ttfbMs: 120.04,
    totalMs: 850.26,
    usage: {
      inputTokens: 1000,
      outputTokens: 500,
      cacheReadTokens: 20_000,
      cacheWriteTokens: 300,
      reasoningTokens: 100,
    },
    warnings: ["Dropped cache_control", "echo sk-abcdefghijklmnopqrstuv"],
    keyTail: "…wxyz",
    error: undefined,
    ...over,
  };
}

Deno.test("rowOf() keeps the usage the upstream reported and prices it per million tokens", () => {
  const row = rowOf(record(), "id-1", 1_000_000, PRICE);
  assert.equal(row.model, "claude-sonnet-4");
  assert.equal(row.served_by, "deepseek-chat");
  assert.equal(row.upstream, "openai");
  assert.equal(row.caller, "anthropic");
  assert.equal(row.time, 1_000_000 - 850, "the arrival time, from when it finished");
  assert.equal(row.ttfb_ms, 120);
  assert.equal(row.total_ms, 850.3);
  assert.deepEqual(
    [row.input_tokens, row.cache_read_input_tokens, row.cache_creation_input_tokens],
    [1000, 20_000, 300],
  );
  assert.deepEqual([row.output_tokens, row.reasoning_tokens], [500, 100]);
  // Reasoning is inside the output tokens: charged once.
  const expected = (1000 * 0.27 + 500 * 1.1 + 20_000 * 0.07 + 300 * 0.5) / 1e6;
  assert.ok(Math.abs(row.cost_usd! - expected) < 1e-12, `${row.cost_usd} vs ${expected}`);
  assert.equal(row.error_type, null);
});

Deno.test("rowOf() has no cost without a price, and a zero cost for a priced failure", () => {
  assert.equal(rowOf(record(), "a", 0, undefined).cost_usd, null);
  const failed = rowOf(record({ status: 429, usage: undefined }), "b", 0, PRICE);
  assert.equal(failed.cost_usd, 0);
  assert.equal(failed.input_tokens, 0);
  assert.equal(failed.error_type, "rate_limit");
});

Deno.test("rowOf() names the error by the status, and a stream the caller left as cancelled", () => {
  const type = (over: Partial<RequestRecord>) => rowOf(record(over), "x", 0, undefined).error_type;
  assert.equal(type({ status: 401 }), "authentication");
  assert.equal(type({ status: 404 }), "not_found");
  assert.equal(type({ status: 502 }), "bad_gateway");
  assert.equal(type({ status: 499 }), "cancelled");
  assert.equal(type({ status: 200, error: "Caller went away" }), "cancelled");
});

Deno.test("rowOf() keeps no key: only its tail, and warnings with key-shaped text cut", () => {
  const row = rowOf(record(), "id", 0, undefined);
  const text = JSON.stringify(row);
  assert.ok(!text.includes("abcdefghijklmnop"), text);
  assert.equal(row.key_tail, "…wxyz");
  assert.deepEqual(row.warnings, ["Dropped cache_control", "echo …stuv"]);
  assert.ok(!("error" in row), "no error message is kept");
});

Deno.test("rowIds() are unique within a worker and between workers", () => {
  const a = rowIds();
  const b = rowIds();
  const ids = new Set([a(), a(), a(), b(), b()]);
  assert.equal(ids.size, 5);
});

Deno.test("rowOf() counts the web searches the upstream ran, none when it ran none", () => {
  assert.equal(rowOf(record(), "id-1", 1_000_000, PRICE).web_search_requests, 0);
  const searched = record({
    usage: { ...record().usage!, serverToolUse: { webSearchRequests: 2 } },
  });
  assert.equal(rowOf(searched, "id-2", 1_000_000, PRICE).web_search_requests, 2);
});
