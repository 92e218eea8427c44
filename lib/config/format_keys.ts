/**
 * models.yaml keys whose values depend on the entry's `format`: a `thinking_style` the upstream's
 * dialect has no use for, or `prompt_cache` on a non-OpenAI entry, is a start-up error rather than
 * a setting that silently does nothing.
 */
import type { ThinkingStyle } from "../ir/codec.ts";
import type { Dialect } from "../ir/types.ts";
import { ConfigError } from "./config_error.ts";

/** The thinking styles each upstream dialect can be told to use. */
const THINKING_STYLES: Record<Dialect, readonly ThinkingStyle[]> = {
  openai: ["reasoning_effort", "deepseek", "qwen", "openrouter", "none"],
  anthropic: ["budget", "adaptive", "none"],
  gemini: [],
};

/** `thinking_style` as written, checked against the format; `at` names the entry. */
export function thinkingStyleFor(
  format: Dialect,
  style: string | undefined,
  at: string,
): ThinkingStyle | undefined {
  if (style === undefined) return undefined;
  const allowed = THINKING_STYLES[format];
  if (!allowed.includes(style as ThinkingStyle)) {
    throw new ConfigError(
      allowed.length === 0
        ? `${at}: "thinking_style" does not apply to format ${format}`
        : `${at}: "thinking_style" for format ${format} must be one of ${allowed.join(", ")}`,
    );
  }
  return style as ThinkingStyle;
}

/** `prompt_cache` concerns OpenAI-dialect upstreams: Anthropic ones receive `cache_control` anyway. */
export function promptCacheFor(format: Dialect, on: boolean, at: string): boolean {
  if (on && format !== "openai") {
    throw new ConfigError(`${at}: "prompt_cache" applies only to format openai`);
  }
  return on;
}
