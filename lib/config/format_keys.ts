/**
 * models.yaml keys whose values depend on the entry's `format` (each dialect's `config`): a
 * `thinking_style` the upstream's dialect has no use for, or `prompt_cache` on an entry whose
 * dialect does not take it, is a start-up error rather than a setting that silently does nothing.
 */
import { CODECS, type Dialect, DIALECTS } from "../dialects.ts";
import type { ThinkingStyle } from "../ir/codec.ts";
import { ConfigError } from "./config_error.ts";

/** `thinking_style` as written, checked against the entry's dialect; `at` names the entry. */
export function thinkingStyleFor(
  dialect: Dialect,
  style: string | undefined,
  at: string,
): ThinkingStyle | undefined {
  if (style === undefined) return undefined;
  const allowed = CODECS[dialect].config.thinkingStyles;
  if (!allowed.includes(style as ThinkingStyle)) {
    throw new ConfigError(
      allowed.length === 0
        ? `${at}: "thinking_style" does not apply to format ${dialect}`
        : `${at}: "thinking_style" for format ${dialect} must be one of ${allowed.join(", ")}`,
    );
  }
  return style as ThinkingStyle;
}

/** `prompt_cache`, for the dialects without `cache_control` of their own. */
export function promptCacheFor(dialect: Dialect, on: boolean, at: string): boolean {
  if (on && !CODECS[dialect].config.promptCache) {
    const formats = DIALECTS.filter((d) => CODECS[d].config.promptCache).join(" or ");
    throw new ConfigError(`${at}: "prompt_cache" applies only to format ${formats}`);
  }
  return on;
}
