/** Token usage ↔ OpenAI `usage`: OpenAI counts cached tokens inside `prompt_tokens`. */
import { tokenCount } from "../ir/lenient.ts";
import type { Usage } from "../ir/types.ts";
import type { ChatUsageIn, ChatUsageOut } from "./types.ts";

/** The `usage` object an OpenAI caller sees. */
export function chatUsageOf(usage: Usage): ChatUsageOut {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.outputTokens,
    total_tokens: prompt + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

/**
 * Usage from an upstream's `usage`, with only the fields it gave, so a stream's partial figures
 * do not overwrite earlier ones with zeros. Cached tokens come from `prompt_tokens_details`, or
 * DeepSeek's `prompt_cache_hit_tokens`. A figure that is no token count is dropped with a warning.
 */
export function usageOfChat(
  usage: ChatUsageIn,
  warn: (message: string) => void = () => {},
): Partial<Usage> {
  const out: Partial<Usage> = {};
  const count = (value: unknown, field: string) => tokenCount(value, field, warn);
  const cached = count(usage.prompt_tokens_details?.cached_tokens, "cached_tokens") ??
    count(usage.prompt_cache_hit_tokens, "prompt_cache_hit_tokens");
  const prompt = count(usage.prompt_tokens, "prompt_tokens");
  if (prompt !== undefined) out.inputTokens = Math.max(0, prompt - (cached ?? 0));
  if (cached !== undefined) out.cacheReadTokens = cached;
  const completion = count(usage.completion_tokens, "completion_tokens");
  if (completion !== undefined) out.outputTokens = completion;
  const reasoning = count(usage.completion_tokens_details?.reasoning_tokens, "reasoning_tokens");
  if (reasoning !== undefined) out.reasoningTokens = reasoning;
  return out;
}
