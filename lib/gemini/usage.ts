/**
 * Gemini `usageMetadata` ↔ internal Usage. Gemini counts cached tokens inside
 * `promptTokenCount` and thoughts apart from `candidatesTokenCount`; the internal Usage
 * (Anthropic's sense) counts input without cache and output with reasoning.
 */
import { tokenCount } from "../ir/lenient.ts";
import type { Usage } from "../ir/types.ts";
import type { GeminiUsageMetadata } from "./types.ts";

/** Usage from a Gemini `usageMetadata`; a figure that is no token count counts 0, with a warning. */
export function usageFromGemini(
  meta: GeminiUsageMetadata,
  warn: (message: string) => void = () => {},
): Usage {
  const count = (field: keyof GeminiUsageMetadata) => tokenCount(meta[field], field, warn) ?? 0;
  const prompt = count("promptTokenCount");
  const cached = count("cachedContentTokenCount");
  const thoughts = count("thoughtsTokenCount");
  return {
    inputTokens: Math.max(0, prompt - cached),
    outputTokens: count("candidatesTokenCount") + thoughts,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

/** A Gemini `usageMetadata` for a Gemini caller. */
export function usageToGemini(usage: Usage): GeminiUsageMetadata {
  const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const meta: GeminiUsageMetadata = {
    promptTokenCount: prompt,
    candidatesTokenCount: Math.max(0, usage.outputTokens - usage.reasoningTokens),
  };
  if (usage.reasoningTokens > 0) meta.thoughtsTokenCount = usage.reasoningTokens;
  if (usage.cacheReadTokens > 0) meta.cachedContentTokenCount = usage.cacheReadTokens;
  meta.totalTokenCount = prompt + usage.outputTokens;
  return meta;
}
