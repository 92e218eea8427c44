/**
 * How an OpenAI-dialect upstream is asked to think, by the model's `thinking_style`: OpenAI's
 * `reasoning_effort`, DeepSeek V4 and GLM's `thinking` switch, Qwen's `enable_thinking`, or
 * OpenRouter's `reasoning` object. A request that says nothing about thinking sends nothing, so
 * the provider's default holds.
 */
import type { ThinkingStyle } from "../ir/codec.ts";
import type { Effort, ThinkingConfig } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { reasoningEffortOf, requestedEffort } from "./reasoning_effort.ts";

/** The `thinking_style` values an OpenAI-dialect entry may have (models.yaml refuses others). */
export const THINKING_STYLES = [
  "reasoning_effort",
  "deepseek",
  "qwen",
  "openrouter",
  "none",
] as const satisfies readonly ThinkingStyle[];

type OwnStyle = typeof THINKING_STYLES[number];

function isOwn(style: ThinkingStyle): style is OwnStyle {
  return (THINKING_STYLES as readonly ThinkingStyle[]).includes(style);
}

/** The top-level body fields that carry a request's thinking to the upstream. */
export function thinkingFields(
  thinking: ThinkingConfig | undefined,
  style: ThinkingStyle | undefined,
  fixed: Effort | undefined,
): Record<string, unknown> {
  // another dialect's style never reaches here from models.yaml; read as saying nothing
  const chosen: OwnStyle = style === undefined ? "reasoning_effort" : isOwn(style) ? style : "none";
  switch (chosen) {
    case "reasoning_effort": {
      const effort = reasoningEffortOf(thinking, fixed);
      return effort ? { reasoning_effort: effort } : {};
    }
    case "deepseek":
      return deepseekFields(thinking, fixed);
    case "qwen":
      return qwenFields(thinking, fixed);
    case "openrouter":
      return openRouterFields(thinking, fixed);
    case "none":
      return {};
    default:
      return unreachable(chosen);
  }
}

/** `thinking: {type}`, and when enabled `reasoning_effort` on DeepSeek's scale (low, high, max). */
function deepseekFields(
  thinking: ThinkingConfig | undefined,
  fixed: Effort | undefined,
): Record<string, unknown> {
  if (thinking?.mode === "disabled") return { thinking: { type: "disabled" } };
  if (!thinking && !fixed) return {};
  const effort = requestedEffort(thinking, fixed);
  return {
    thinking: { type: "enabled" },
    ...(effort ? { reasoning_effort: deepseekEffort(effort) } : {}),
  };
}

/** DeepSeek's own mapping: minimal, low → low; medium, high, xhigh → high; max → max. */
function deepseekEffort(effort: Effort): "low" | "high" | "max" {
  switch (effort) {
    case "minimal":
    case "low":
      return "low";
    case "medium":
    case "high":
    case "xhigh":
      return "high";
    case "max":
      return "max";
    default:
      return unreachable(effort);
  }
}

/** `enable_thinking`, with `thinking_budget` when the request names a budget. */
function qwenFields(
  thinking: ThinkingConfig | undefined,
  fixed: Effort | undefined,
): Record<string, unknown> {
  if (thinking?.mode === "disabled") return { enable_thinking: false };
  if (!thinking && !fixed) return {};
  const budget = thinking?.budgetTokens;
  return { enable_thinking: true, ...(budget !== undefined ? { thinking_budget: budget } : {}) };
}

/** `reasoning: {effort}` (OpenRouter tops out at `xhigh`), `{max_tokens}` or `{enabled}`. */
function openRouterFields(
  thinking: ThinkingConfig | undefined,
  fixed: Effort | undefined,
): Record<string, unknown> {
  if (thinking?.mode === "disabled") return { reasoning: { enabled: false } };
  const effort = fixed ?? thinking?.effort;
  if (effort) return { reasoning: { effort: effort === "max" ? "xhigh" : effort } };
  if (thinking?.budgetTokens !== undefined) {
    return { reasoning: { max_tokens: thinking.budgetTokens } };
  }
  return thinking ? { reasoning: { enabled: true } } : {};
}
