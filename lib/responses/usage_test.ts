import assert from "node:assert/strict";
import { responsesUsageOf, usageOfResponses } from "./usage.ts";

Deno.test("usageOfResponses() takes cached tokens out of input_tokens, reasoning stays in output", () => {
  assert.deepEqual(
    usageOfResponses({
      input_tokens: 120,
      input_tokens_details: { cached_tokens: 100 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 150,
    }),
    { inputTokens: 20, cacheReadTokens: 100, outputTokens: 30, reasoningTokens: 12 },
  );
  assert.deepEqual(usageOfResponses({ output_tokens: 3 }), { outputTokens: 3 });
});

Deno.test("usageOfResponses() drops a figure that is no token count, with a warning", () => {
  const warnings: string[] = [];
  const usage = usageOfResponses(
    { input_tokens: -500, output_tokens: 1, output_tokens_details: { reasoning_tokens: 2.5 } },
    (w) => warnings.push(w),
  );
  assert.deepEqual(usage, { outputTokens: 1 });
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /"input_tokens": -500 is not a token count/);
});

Deno.test("responsesUsageOf() always writes total_tokens", () => {
  const usage = responsesUsageOf({
    inputTokens: 20,
    cacheReadTokens: 100,
    cacheWriteTokens: 5,
    outputTokens: 30,
    reasoningTokens: 12,
  });
  assert.equal(usage.input_tokens, 125);
  assert.equal(usage.total_tokens, 155);
});
