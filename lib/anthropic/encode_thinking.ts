/**
 * The internal ThinkingConfig as Anthropic's `thinking` (+ `output_config.effort`). Anthropic
 * requires 1024 ≤ `budget_tokens` < `max_tokens` and refuses thinking when `tool_choice` forces
 * a tool, so the budget is clamped, and thinking left without room is not sent (with a warning).
 * Models that take only adaptive thinking (Claude Opus 4.7 and later, `thinking_style: adaptive`)
 * refuse `enabled`, `budget_tokens` and even `disabled`: a budget becomes its effort there.
 */
import type { ThinkingStyle } from "../ir/codec.ts";
import { budgetOfEffort, effortOfBudget } from "../ir/effort.ts";
import type { Effort, Request } from "../ir/types.ts";
import type { AnthropicEffort, AnthropicThinking } from "./types.ts";

/** Anthropic's smallest thinking budget. */
export const MIN_BUDGET = 1024;

function anthropicEffort(effort: Effort): AnthropicEffort {
  return effort === "minimal" ? "low" : effort;
}

/** What to send: `thinking` and `effort` are both absent when no thinking goes upstream. */
export function encodeThinking(
  request: Request,
  maxTokens: number,
  warnings: string[],
  style: ThinkingStyle = "budget",
): { thinking?: AnthropicThinking; effort?: AnthropicEffort } {
  const config = request.thinking;
  if (!config || config.mode === "disabled" || style === "none") return {};
  const forced = request.toolChoice?.type === "any" || request.toolChoice?.type === "tool";
  if (forced) {
    warnings.push("Thinking was not sent: Anthropic refuses it when tool_choice forces a tool");
    return {};
  }
  if (style === "adaptive") {
    const effort = config.effort ??
      (config.budgetTokens !== undefined ? effortOfBudget(config.budgetTokens) : undefined);
    return {
      thinking: { type: "adaptive" },
      ...(effort ? { effort: anthropicEffort(effort) } : {}),
    };
  }
  if (config.mode === "adaptive") {
    return {
      thinking: { type: "adaptive" },
      ...(config.effort ? { effort: anthropicEffort(config.effort) } : {}),
    };
  }
  const asked = config.budgetTokens ?? budgetOfEffort(config.effort ?? "medium");
  const ceiling = maxTokens - 1;
  if (ceiling < MIN_BUDGET) {
    warnings.push(
      `Thinking was not sent: max_tokens ${maxTokens} leaves no room for Anthropic's minimum budget of ${MIN_BUDGET}`,
    );
    return {};
  }
  const budget = Math.min(Math.max(Math.floor(asked), MIN_BUDGET), ceiling);
  if (budget !== asked) {
    warnings.push(
      `Thinking budget ${asked} clamped to ${budget} (Anthropic needs ${MIN_BUDGET} ≤ budget < max_tokens ${maxTokens})`,
    );
  }
  return { thinking: { type: "enabled", budget_tokens: budget } };
}
