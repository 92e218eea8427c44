/**
 * `thinking_style` and `drop_params` (models.yaml): for each style, the exact fields the upstream
 * receives for what Claude Code sends (adaptive thinking at effort `max`, a fixed budget, thinking
 * off), converted and passed through; then the fields `drop_params` keeps from an upstream.
 */
import assert from "node:assert/strict";
import { HELLO, type Quirk, runQuirks } from "./_quirk.ts";

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
): Quirk[] {
  return Object.entries(CLAUDE_CODE_THINKING).map(([name, thinking], i) => ({
    name: `thinking_style ${style ?? "(default)"}, ${name}`,
    caller: "anthropic",
    upstream,
    body: { max_tokens: 32000, messages: [{ role: "user", content: "Hi" }], ...thinking },
    models: { max_tokens: "64K", ...(style ? { thinking_style: style } : {}) },
    answer: HELLO,
    checkUpstream: (body) => assert.deepEqual(thinkingOf(body), expected[i]),
    check: (got) => assert.equal(got.status, 200, got.text),
  }));
}

const openaiStyles: Quirk[] = [
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

const anthropicStyles: Quirk[] = [
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
  ] as const).map(([caller, thinking, config]): Quirk => ({
    name: `thinking_style adaptive, converted: ${JSON.stringify(thinking)}`,
    caller,
    upstream: "anthropic",
    body: caller === "openai"
      ? { messages: [{ role: "user", content: "Hi" }], ...thinking }
      : { contents: [{ role: "user", parts: [{ text: "Hi" }] }], ...thinking },
    models: { thinking_style: "adaptive" },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.deepEqual(thinkingOf(body), { thinking: { type: "adaptive" }, output_config: config });
    },
    check: (got) => assert.equal(got.status, 200, got.text),
  })),
  {
    name: "thinking_style adaptive, converted: thinking off sends no thinking at all",
    caller: "openai",
    upstream: "anthropic",
    body: { messages: [{ role: "user", content: "Hi" }], reasoning_effort: "none" },
    models: { thinking_style: "adaptive" },
    answer: HELLO,
    checkUpstream: (body) => assert.deepEqual(thinkingOf(body), {}),
    check: (got) => assert.equal(got.status, 200, got.text),
  },
];

const SAMPLING = ["temperature", "top_p", "top_k"];

const dropParams: Quirk[] = [
  {
    name: "drop_params takes temperature, top_p and top_k out of a pass-through body",
    caller: "anthropic",
    upstream: "anthropic",
    body: {
      max_tokens: 1000,
      messages: [{ role: "user", content: "Hi" }],
      temperature: 1,
      top_p: 0.95,
      top_k: 40,
      thinking: { type: "adaptive" },
    },
    models: { thinking_style: "adaptive", drop_params: SAMPLING },
    answer: HELLO,
    checkUpstream: (body) => {
      for (const key of SAMPLING) assert.equal(body[key], undefined, key);
      assert.deepEqual(body.thinking, { type: "adaptive" });
      assert.equal(body.max_tokens, 1000);
    },
    check: (got) => {
      assert.equal(got.status, 200);
      assert.match(got.warnings, /Dropped "temperature"/);
    },
  },
  {
    name: "drop_params applies to a converted body and to extra_body alike",
    caller: "openai",
    upstream: "anthropic",
    body: { messages: [{ role: "user", content: "Hi" }], temperature: 0.5 },
    models: { drop_params: ["temperature", "top_k"], extra_body: { top_k: 5 } },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.equal(body.temperature, undefined);
      assert.equal(body.top_k, undefined);
    },
    check: (got) => assert.equal(got.status, 200, got.text),
  },
  {
    name: "without drop_params the same fields go upstream",
    caller: "openai",
    upstream: "anthropic",
    body: { messages: [{ role: "user", content: "Hi" }], temperature: 0.5 },
    answer: HELLO,
    checkUpstream: (body) => assert.equal(body.temperature, 0.5),
    check: (got) => assert.equal(got.status, 200, got.text),
  },
];

Deno.test("conformance: thinking_style on OpenAI-dialect upstreams", async (t) => {
  await runQuirks(t, openaiStyles);
});

Deno.test("conformance: thinking_style on Anthropic upstreams, converted and passed through", async (t) => {
  await runQuirks(t, anthropicStyles);
});

Deno.test("conformance: drop_params", async (t) => {
  await runQuirks(t, dropParams);
});
