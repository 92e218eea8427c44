/**
 * Anthropic `cache_control` breakpoints on OpenAI-dialect content parts, for upstreams that
 * honour them there (`prompt_cache: true`: Qwen on DashScope bills an explicit cache hit at 10% of
 * the input price, OpenRouter passes them to the providers that cache). Without that key they are
 * dropped, as no other OpenAI-dialect upstream reads them.
 */
import type { TextPart } from "../ir/types.ts";
import { isObject } from "../json/fields.ts";
import type { ChatCacheControl, ChatTextPartOut } from "./types.ts";

/** The breakpoint's type and TTL; what Claude Code added since (`scope`) stays behind. */
export function cacheControlOf(value: unknown): ChatCacheControl | undefined {
  if (!isObject(value) || typeof value.type !== "string") return undefined;
  return { type: value.type, ...(typeof value.ttl === "string" ? { ttl: value.ttl } : {}) };
}

/** A text part, with its breakpoint when the upstream takes them. */
export function textPartOut(part: TextPart, promptCache: boolean): ChatTextPartOut {
  const cache = promptCache ? cacheControlOf(part.cacheControl) : undefined;
  return { type: "text", text: part.text, ...(cache ? { cache_control: cache } : {}) };
}

/**
 * Texts as one message's content: joined into one string, unless a part carries a breakpoint the
 * upstream takes, which only a list of parts can keep. "" or [] when there is no text.
 */
export function textContent(
  parts: TextPart[],
  separator: string,
  promptCache: boolean,
): string | ChatTextPartOut[] {
  const texts = parts.filter((p) => p.text !== "");
  if (promptCache && texts.some((p) => cacheControlOf(p.cacheControl))) {
    return texts.map((p) => textPartOut(p, true));
  }
  return texts.map((p) => p.text).join(separator);
}
