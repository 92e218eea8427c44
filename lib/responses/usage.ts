/**
 * Token usage ↔ Responses `usage`: `input_tokens` counts cached tokens too (Anthropic's
 * `input_tokens` does not), and `total_tokens` is always present (Codex cannot read a usage
 * without it).
 */
import type { Usage } from "../ir/types.ts";
import type { ResponsesUsageIn, ResponsesUsageOut } from "./types.ts";

/** The `usage` a Responses caller sees. */
export function responsesUsageOf(usage: Usage): ResponsesUsageOut {
  const input = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: input + usage.outputTokens,
  };
}

/** Usage from an upstream's `usage`, with only the fields it gave. */
export function usageOfResponses(usage: ResponsesUsageIn): Partial<Usage> {
  const out: Partial<Usage> = {};
  const cached = num(usage.input_tokens_details?.cached_tokens);
  const written = num(usage.input_tokens_details?.cache_write_tokens);
  const input = num(usage.input_tokens);
  if (input !== undefined) out.inputTokens = Math.max(0, input - (cached ?? 0) - (written ?? 0));
  if (cached !== undefined) out.cacheReadTokens = cached;
  if (written !== undefined) out.cacheWriteTokens = written;
  const output = num(usage.output_tokens);
  if (output !== undefined) out.outputTokens = output;
  const reasoning = num(usage.output_tokens_details?.reasoning_tokens);
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return out;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
