/** Anthropic usage ↔ the internal Usage; both count input tokens without cached ones. */
import type { Usage } from "../ir/types.ts";
import type { AnthropicUsage, InboundUsage } from "./types.ts";

/** The figures an upstream's usage object carries; absent ones are left out, not zeroed. */
export function usageFromWire(usage: InboundUsage | null | undefined): Partial<Usage> {
  const out: Partial<Usage> = {};
  if (!usage) return out;
  setIfNumber(out, "inputTokens", usage.input_tokens);
  setIfNumber(out, "outputTokens", usage.output_tokens);
  setIfNumber(out, "cacheReadTokens", usage.cache_read_input_tokens);
  setIfNumber(out, "cacheWriteTokens", usage.cache_creation_input_tokens);
  setIfNumber(out, "reasoningTokens", usage.output_tokens_details?.thinking_tokens);
  return out;
}

/** The usage object an Anthropic caller receives. */
export function usageToWire(usage: Usage): AnthropicUsage {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
  };
}

function setIfNumber(out: Partial<Usage>, key: keyof Usage, value: unknown): void {
  if (typeof value === "number" && Number.isFinite(value)) out[key] = value;
}
