/**
 * Thinking budgets and efforts, pair by pair: the exact values one dialect's thinking fields
 * become in another's, beyond the shared suite's "low" and "high".
 */
import assert from "node:assert/strict";
import { HELLO, ok, type Quirk, runQuirks, USER_HI } from "./_quirk.ts";

/** An Anthropic caller's thinking fields → the `reasoning_effort` an OpenAI upstream gets. */
const anthropicEffort: Quirk[] = ([
  [{ thinking: { type: "enabled", budget_tokens: 5000 } }, "medium"],
  [{ thinking: { type: "adaptive" } }, undefined],
  [{ thinking: { type: "adaptive" }, output_config: { effort: "medium" } }, "medium"],
  [{ output_config: { effort: "low" } }, "low"],
  [{ thinking: { type: "disabled" }, output_config: { effort: "high" } }, undefined],
] as const).map(([fields, effort]) => ({
  name: `${JSON.stringify(fields)} → reasoning_effort ${effort ?? "absent"}`,
  caller: "anthropic",
  upstream: "openai",
  body: { max_tokens: 32000, ...fields, messages: USER_HI },
  answer: HELLO,
  checkUpstream: (body) => {
    assert.equal(body.reasoning_effort, effort);
    assert.equal(body.thinking, undefined);
    assert.equal(body.output_config, undefined);
  },
  check: ok,
}));

/** An OpenAI caller's effort and limits → the thinking an Anthropic upstream gets. */
const openaiEffort: Quirk[] = ([
  ["minimal", { max_tokens: 4000 }, { type: "enabled", budget_tokens: 1024 }],
  ["low", {}, { type: "enabled", budget_tokens: 1024 }],
  ["medium", {}, { type: "enabled", budget_tokens: 8192 }],
  ["high", {}, { type: "enabled", budget_tokens: 15999 }],
  ["high", { max_tokens: 8192 }, { type: "enabled", budget_tokens: 8191 }],
  ["high", { max_completion_tokens: 1024 }, undefined],
  ["none", {}, undefined],
] as const).map(([effort, limits, thinking]) => ({
  name: `reasoning_effort ${effort} with ${JSON.stringify(limits)} → thinking ${
    JSON.stringify(thinking) ?? "absent"
  }`,
  caller: "openai",
  upstream: "anthropic",
  body: { reasoning_effort: effort, ...limits, messages: USER_HI },
  answer: HELLO,
  checkUpstream: (body) => {
    assert.deepEqual(body.thinking, thinking);
    assert.equal(body.reasoning_effort, undefined);
  },
  check: ok,
}));

/** A Gemini caller's thinkingConfig → OpenAI's effort and Anthropic's thinking. */
const geminiThinking: Quirk[] = ([
  [{ includeThoughts: true, thinkingBudget: 4096 }, "medium", {
    type: "enabled",
    budget_tokens: 4096,
  }],
  [{ thinkingBudget: 0 }, undefined, undefined],
  [{ includeThoughts: true }, undefined, { type: "adaptive" }],
] as const).flatMap(([thinkingConfig, effort, thinking]) =>
  (["openai", "anthropic"] as const).map((upstream): Quirk => ({
    name: `thinkingConfig ${JSON.stringify(thinkingConfig)}`,
    caller: "gemini",
    upstream,
    body: {
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      generationConfig: { thinkingConfig },
    },
    answer: HELLO,
    checkUpstream: (body) => {
      if (upstream === "openai") assert.equal(body.reasoning_effort, effort);
      else if (thinking === undefined) {
        assert.ok(body.thinking === undefined || body.thinking.type === "disabled");
      } else assert.deepEqual(body.thinking, thinking);
    },
    check: ok,
  }))
);

/** Anthropic's and OpenAI's thinking fields → Gemini 3's thinkingConfig (which cannot turn it off). */
const toGemini: Quirk[] = [
  ...([
    [{ thinking: { type: "adaptive" } }, { includeThoughts: true }],
    [{ thinking: { type: "disabled" } }, { thinkingLevel: "LOW" }],
  ] as const).map(([fields, config]): Quirk => ({
    name: `${JSON.stringify(fields)} → thinkingConfig ${JSON.stringify(config)}`,
    caller: "anthropic",
    upstream: "gemini",
    body: { max_tokens: 16000, ...fields, messages: USER_HI },
    answer: HELLO,
    checkUpstream: (body) => assert.deepEqual(body.generationConfig.thinkingConfig, config),
    check: ok,
  })),
  {
    name: "no reasoning_effort → no thinkingConfig",
    caller: "openai",
    upstream: "gemini",
    body: { messages: USER_HI },
    answer: HELLO,
    checkUpstream: (body) => assert.equal(body.generationConfig?.thinkingConfig, undefined),
    check: ok,
  },
];
Deno.test("requests: thinking budgets and efforts, pair by pair", async (t) => {
  await runQuirks(t, [...anthropicEffort, ...openaiEffort, ...geminiThinking, ...toGemini]);
});
