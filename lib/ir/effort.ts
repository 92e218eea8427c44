/** Thinking budget ↔ effort: one mapping, both ways, for every dialect. */
import type { Effort } from "./types.ts";
import { unreachable } from "./types.ts";

/** ≤ 1024 low, ≤ 8192 medium, more high. */
export function effortOfBudget(budgetTokens: number): Effort {
  if (budgetTokens <= 1024) return "low";
  if (budgetTokens <= 8192) return "medium";
  return "high";
}

/** The budget an effort stands for: 1024 / 8192 / 24576 (minimal as low, xhigh and max as high). */
export function budgetOfEffort(effort: Effort): number {
  switch (effort) {
    case "minimal":
    case "low":
      return 1024;
    case "medium":
      return 8192;
    case "high":
    case "xhigh":
    case "max":
      return 24576;
    default:
      return unreachable(effort);
  }
}
