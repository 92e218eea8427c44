/** A request's cost from its usage and its entry's price (USD per million tokens). */
import type { Price } from "../config/price.ts";
import type { Usage } from "../ir/types.ts";

/**
 * USD. Input tokens exclude cached ones (cache reads and writes are priced apart), and
 * reasoning tokens are already inside the output tokens, so they are not charged twice.
 */
export function costOf(usage: Usage | undefined, price: Price): number {
  if (!usage) return 0;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output +
    usage.cacheReadTokens * price.cacheRead + usage.cacheWriteTokens * price.cacheWrite) /
    1_000_000;
}
