/**
 * Gemini `usageMetadata` ↔ internal Usage. Gemini counts cached tokens inside
 * `promptTokenCount` and thoughts apart from `candidatesTokenCount`; the internal Usage
 * (Anthropic's sense) counts input without cache and output with reasoning.
 */
import type { Usage } from "../ir/types.ts";
import type { GeminiUsageMetadata } from "./types.ts";

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/** Usage from a Gemini `usageMetadata`. */
export function usageFromGemini(meta: GeminiUsageMetadata): Usage {
  const prompt = count(meta.promptTokenCount);
  const cached = count(meta.cachedContentTokenCount);
  const thoughts = count(meta.thoughtsTokenCount);
  return {
    inputTokens: Math.max(0, prompt - cached),
    outputTokens: count(meta.candidatesTokenCount) + thoughts,
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
