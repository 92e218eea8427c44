/** Thinking settings ↔ OpenAI `reasoning_effort` (SPEC §4.3). */
import type { Effort, ThinkingConfig } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { invalidRequest } from "../errors.ts";
import { effortOfBudget } from "../ir/effort.ts";

/**
 * The `reasoning_effort` to send upstream, or undefined for none. A fixed effort from
 * models.yaml wins; `disabled` and `adaptive` without an effort send none.
 */
export function reasoningEffortOf(
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

/**
 * A caller's `reasoning_effort` as a thinking setting: `none` disables thinking; `xhigh` (newer
 * OpenAI models) reads as `high`, the most the other dialects can express.
 */
export function thinkingOfReasoningEffort(value: unknown): ThinkingConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === "none") return { mode: "disabled" };
  if (value === "xhigh") return { mode: "enabled", effort: "high" };
  if (value === "minimal" || value === "low" || value === "medium" || value === "high") {
    return { mode: "enabled", effort: value };
  }
  throw invalidRequest(
    `"reasoning_effort" must be one of none, minimal, low, medium, high: got ${
      JSON.stringify(value)
    }`,
  );
}
