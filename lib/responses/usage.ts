/**
 * Token usage ↔ Responses `usage`: `input_tokens` counts cached tokens too (Anthropic's
 * `input_tokens` does not), and `total_tokens` is always present (Codex cannot read a usage
 * without it).
 */
import { tokenCount } from "../ir/lenient.ts";
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

/**
 * Usage from an upstream's `usage`, with only the fields it gave; a figure that is no token
 * count is dropped with a warning.
 */
export function usageOfResponses(
  usage: ResponsesUsageIn,
  warn: (message: string) => void = () => {},
): Partial<Usage> {
  const out: Partial<Usage> = {};
  const count = (value: unknown, field: string) => tokenCount(value, field, warn);
  const cached = count(usage.input_tokens_details?.cached_tokens, "cached_tokens");
  const written = count(usage.input_tokens_details?.cache_write_tokens, "cache_write_tokens");
  const input = count(usage.input_tokens, "input_tokens");
  if (input !== undefined) out.inputTokens = Math.max(0, input - (cached ?? 0) - (written ?? 0));
  if (cached !== undefined) out.cacheReadTokens = cached;
  if (written !== undefined) out.cacheWriteTokens = written;
  const output = count(usage.output_tokens, "output_tokens");
  if (output !== undefined) out.outputTokens = output;
  const reasoning = count(usage.output_tokens_details?.reasoning_tokens, "reasoning_tokens");
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return out;
}
