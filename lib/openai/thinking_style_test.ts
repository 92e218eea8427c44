import assert from "node:assert/strict";
import type { ThinkingStyle } from "../ir/codec.ts";
import type { ThinkingConfig } from "../ir/types.ts";
import { thinkingFields } from "./thinking_style.ts";

/** What Claude Code sends: adaptive at effort max, a fixed budget, and thinking off. */
const ADAPTIVE_MAX: ThinkingConfig = { mode: "adaptive", effort: "max" };
const BUDGET: ThinkingConfig = { mode: "enabled", budgetTokens: 31999 };
const DISABLED: ThinkingConfig = { mode: "disabled" };

function fields(style: ThinkingStyle | undefined) {
  return [ADAPTIVE_MAX, BUDGET, DISABLED].map((t) => thinkingFields(t, style, undefined));
}

Deno.test("thinkingFields() default style: reasoning_effort up to high, nothing when disabled", () => {
  assert.deepEqual(fields(undefined), [
    { reasoning_effort: "high" },
    { reasoning_effort: "high" },
    {},
  ]);
  assert.deepEqual(fields("reasoning_effort"), fields(undefined));
});

Deno.test("thinkingFields() deepseek: the thinking switch and DeepSeek's effort scale", () => {
  assert.deepEqual(fields("deepseek"), [
    { thinking: { type: "enabled" }, reasoning_effort: "max" },
    { thinking: { type: "enabled" }, reasoning_effort: "high" },
    { thinking: { type: "disabled" } },
  ]);
  const effort = (e: ThinkingConfig["effort"]) =>
    thinkingFields({ mode: "enabled", effort: e }, "deepseek", undefined).reasoning_effort;
  assert.deepEqual(
    (["minimal", "low", "medium", "high", "xhigh", "max"] as const).map(effort),
    ["low", "low", "high", "high", "high", "max"],
  );
  assert.deepEqual(thinkingFields({ mode: "adaptive" }, "deepseek", undefined), {
    thinking: { type: "enabled" },
  });
});

Deno.test("thinkingFields() qwen: enable_thinking, with the budget when one is given", () => {
  assert.deepEqual(fields("qwen"), [
    { enable_thinking: true },
    { enable_thinking: true, thinking_budget: 31999 },
    { enable_thinking: false },
  ]);
});

Deno.test("thinkingFields() openrouter: reasoning effort (max as xhigh), max_tokens or off", () => {
  assert.deepEqual(fields("openrouter"), [
    { reasoning: { effort: "xhigh" } },
    { reasoning: { max_tokens: 31999 } },
    { reasoning: { enabled: false } },
  ]);
  assert.deepEqual(thinkingFields({ mode: "adaptive" }, "openrouter", undefined), {
    reasoning: { enabled: true },
  });
});

Deno.test("thinkingFields() none: nothing about thinking", () => {
  assert.deepEqual(fields("none"), [{}, {}, {}]);
});

Deno.test("thinkingFields() reads another dialect's style as none", () => {
  assert.deepEqual(fields("reasoning"), [{}, {}, {}]);
  assert.deepEqual(fields("budget"), [{}, {}, {}]);
});

Deno.test("thinkingFields() sends nothing for a request silent on thinking, unless an effort is fixed", () => {
  for (const style of ["deepseek", "qwen", "openrouter", "reasoning_effort"] as const) {
    assert.deepEqual(thinkingFields(undefined, style, undefined), {}, style);
  }
  assert.deepEqual(thinkingFields(undefined, "deepseek", "max"), {
    thinking: { type: "enabled" },
    reasoning_effort: "max",
  });
  // A fixed effort wins over the request's, but a request that turns thinking off keeps it off.
  assert.deepEqual(thinkingFields(BUDGET, "deepseek", "low"), {
    thinking: { type: "enabled" },
    reasoning_effort: "low",
  });
  assert.deepEqual(thinkingFields(DISABLED, "deepseek", "max"), { thinking: { type: "disabled" } });
});
