/** Thinking settings ↔ OpenAI `reasoning_effort`. */
import type { Effort, ThinkingConfig } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { invalidRequest } from "../errors.ts";
import { effortOfBudget } from "../ir/effort.ts";

/**
 * The effort a request asks for, or undefined for none: a fixed effort from models.yaml wins;
 * `disabled` and `adaptive` without an effort ask for none; a budget stands for its effort.
 */
export function requestedEffort(
  thinking: ThinkingConfig | undefined,
  fixed: Effort | undefined,
): Effort | undefined {
  if (fixed) return fixed;
  if (!thinking) return undefined;
  switch (thinking.mode) {
    case "disabled":
      return undefined;
    case "adaptive":
      return thinking.effort;
    case "enabled":
      if (thinking.effort) return thinking.effort;
      return thinking.budgetTokens === undefined
        ? undefined
        : effortOfBudget(thinking.budgetTokens);
    default:
      return unreachable(thinking.mode);
  }
}

/** The `reasoning_effort` of the default style: OpenAI's scale tops out at `high`. */
export function reasoningEffortOf(
  thinking: ThinkingConfig | undefined,
  fixed: Effort | undefined,
): Effort | undefined {
  const effort = requestedEffort(thinking, fixed);
  return effort === "xhigh" || effort === "max" ? "high" : effort;
}

/**
 * A caller's `reasoning_effort` as a thinking setting: `none` disables thinking; `xhigh` (newer
 * OpenAI models) is kept for the upstreams that take it.
 */
export function thinkingOfReasoningEffort(value: unknown): ThinkingConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "none") return { mode: "disabled" };
  if (
    value === "minimal" || value === "low" || value === "medium" || value === "high" ||
    value === "xhigh"
  ) {
    return { mode: "enabled", effort: value };
  }
  throw invalidRequest(
    `"reasoning_effort" must be one of none, minimal, low, medium, high, xhigh: got ${
      JSON.stringify(value)
    }`,
  );
}
