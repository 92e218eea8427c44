/**
 * `thinking_style` and `drop_params` (models.yaml): for each style, the exact fields the upstream
 * receives for what Claude Code sends (adaptive thinking at effort `max`, a fixed budget, thinking
 * off), converted and passed through; then the fields `drop_params` keeps from an upstream.
 */
import assert from "node:assert/strict";
import { TEXT_ANSWERS } from "./_answers.ts";
import type { Case } from "./_runner.ts";
import { runCases } from "./_runner.ts";

/** What Claude Code sends about thinking, by name. */
const CLAUDE_CODE_THINKING: Record<string, Record<string, unknown>> = {
  "adaptive + effort max": { thinking: { type: "adaptive" }, output_config: { effort: "max" } },
  "enabled, budget 31999": { thinking: { type: "enabled", budget_tokens: 31999 } },
  "disabled": { thinking: { type: "disabled" } },
};

const THINKING_FIELDS = [
  "reasoning_effort",
  "thinking",
  "enable_thinking",
  "thinking_budget",
  "reasoning",
  "output_config",
];

/** The thinking-related fields of an upstream body, exactly. */
function thinkingOf(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(THINKING_FIELDS.flatMap((k) => k in body ? [[k, body[k]]] : []));
}

/** Claude Code's three thinking settings against one style, with the fields each must send. */
function rows(
  upstream: "openai" | "anthropic",
  style: string | undefined,
  expected: Array<Record<string, unknown>>,
): Case[] {
  return Object.entries(CLAUDE_CODE_THINKING).map(([name, thinking], i) => ({
    name: `thinking_style ${style ?? "(default)"}, ${name}`,
    caller: "anthropic",
    upstream,
    request: { max_tokens: 32000, messages: [{ role: "user", content: "Hi" }], ...thinking },
    model: { max_tokens: "64K", ...(style ? { thinking_style: style } : {}) },
    answer: upstream === "openai" ? TEXT_ANSWERS.openai : TEXT_ANSWERS.anthropic,
    checkUpstream: (body) => assert.deepEqual(thinkingOf(body), expected[i]),
    check: (result) => assert.equal(result.status, 200, result.text),
  }));
}

const openaiStyles: Case[] = [
  ...rows("openai", undefined, [{ reasoning_effort: "high" }, { reasoning_effort: "high" }, {}]),
  ...rows("openai", "deepseek", [
    { thinking: { type: "enabled" }, reasoning_effort: "max" },
    { thinking: { type: "enabled" }, reasoning_effort: "high" },
    { thinking: { type: "disabled" } },
  ]),
  ...rows("openai", "qwen", [
    { enable_thinking: true },
    { enable_thinking: true, thinking_budget: 31999 },
    { enable_thinking: false },
  ]),
  ...rows("openai", "openrouter", [
    { reasoning: { effort: "xhigh" } },
    { reasoning: { max_tokens: 31999 } },
    { reasoning: { enabled: false } },
  ]),
  ...rows("openai", "none", [{}, {}, {}]),
];

const anthropicStyles: Case[] = [
  // Claude Code on Claude is a pass-through: the default style sends what Claude Code sent.
  ...rows("anthropic", undefined, [
    { thinking: { type: "adaptive" }, output_config: { effort: "max" } },
    { thinking: { type: "enabled", budget_tokens: 31999 } },
    { thinking: { type: "disabled" } },
  ]),
  ...rows("anthropic", "adaptive", [
    { thinking: { type: "adaptive" }, output_config: { effort: "max" } },
    { thinking: { type: "adaptive" }, output_config: { effort: "high" } },
    {},
  ]),
  ...rows("anthropic", "none", [{}, {}, {}]),
  ...([
    ["openai", { reasoning_effort: "xhigh" }, { effort: "xhigh" }],
    ["openai", { reasoning_effort: "low" }, { effort: "low" }],
    ["gemini", { generationConfig: { thinkingConfig: { thinkingBudget: 31999 } } }, {
      effort: "high",
    }],
  ] as const).map(([caller, thinking, config]): Case => ({
    name: `thinking_style adaptive, converted: ${JSON.stringify(thinking)}`,
    caller,
    upstream: "anthropic",
    request: caller === "openai"
      ? { messages: [{ role: "user", content: "Hi" }], ...thinking }
      : { contents: [{ role: "user", parts: [{ text: "Hi" }] }], ...thinking },
    model: { thinking_style: "adaptive" },
    answer: TEXT_ANSWERS.anthropic,
    checkUpstream: (body) => {
      assert.deepEqual(thinkingOf(body), { thinking: { type: "adaptive" }, output_config: config });
    },
    check: (result) => assert.equal(result.status, 200, result.text),
  })),
  {
    name: "thinking_style adaptive, converted: thinking off sends no thinking at all",
    caller: "openai",
    upstream: "anthropic",
    request: { messages: [{ role: "user", content: "Hi" }], reasoning_effort: "none" },
    model: { thinking_style: "adaptive" },
    answer: TEXT_ANSWERS.anthropic,
    checkUpstream: (body) => assert.deepEqual(thinkingOf(body), {}),
    check: (result) => assert.equal(result.status, 200, result.text),
  },
];

const SAMPLING = ["temperature", "top_p", "top_k"];

const dropParams: Case[] = [
  {
    name: "drop_params takes temperature, top_p and top_k out of a pass-through body",
    caller: "anthropic",
    upstream: "anthropic",
    request: {
      max_tokens: 1000,
      messages: [{ role: "user", content: "Hi" }],
      temperature: 1,
      top_p: 0.95,
      top_k: 40,
      thinking: { type: "adaptive" },
    },
    model: { thinking_style: "adaptive", drop_params: SAMPLING },
    answer: TEXT_ANSWERS.anthropic,
    checkUpstream: (body) => {
      for (const key of SAMPLING) assert.equal(body[key], undefined, key);
      assert.deepEqual(body.thinking, { type: "adaptive" });
      assert.equal(body.max_tokens, 1000);
    },
    check: (result) => {
      assert.equal(result.status, 200);
      assert.match(result.headers.get("x-proxy-warnings") ?? "", /Dropped "temperature"/);
    },
  },
  {
    name: "drop_params applies to a converted body and to extra_body alike",
    caller: "openai",
    upstream: "anthropic",
    request: { messages: [{ role: "user", content: "Hi" }], temperature: 0.5 },
    model: { drop_params: ["temperature", "top_k"], extra_body: { top_k: 5 } },
    answer: TEXT_ANSWERS.anthropic,
    checkUpstream: (body) => {
      assert.equal(body.temperature, undefined);
      assert.equal(body.top_k, undefined);
    },
    check: (result) => assert.equal(result.status, 200, result.text),
  },
  {
    name: "without drop_params the same fields go upstream",
    caller: "openai",
    upstream: "anthropic",
    request: { messages: [{ role: "user", content: "Hi" }], temperature: 0.5 },
    answer: TEXT_ANSWERS.anthropic,
    checkUpstream: (body) => assert.equal(body.temperature, 0.5),
    check: (result) => assert.equal(result.status, 200, result.text),
  },
];

Deno.test("conformance: thinking_style on OpenAI-dialect upstreams", async (t) => {
  await runCases(t, openaiStyles);
});

Deno.test("conformance: thinking_style on Anthropic upstreams, converted and passed through", async (t) => {
  await runCases(t, anthropicStyles);
});

Deno.test("conformance: drop_params", async (t) => {
  await runCases(t, dropParams);
});
