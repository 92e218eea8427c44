/** Anthropic usage ↔ the internal Usage; both count input tokens without cached ones. */
import { tokenCount } from "../ir/lenient.ts";
import type { Usage } from "../ir/types.ts";
import { isObject } from "../json/fields.ts";
import type { AnthropicUsage, InboundUsage } from "./types.ts";

/**
 * The figures an upstream's usage object carries; absent ones are left out, not zeroed, and one
 * that is no token count is dropped with a warning.
 */
export function usageFromWire(
  usage: InboundUsage | null | undefined,
  warn: (message: string) => void = () => {},
): Partial<Usage> {
  const out: Partial<Usage> = {};
  if (!isObject(usage)) return out;
  const set = (key: Exclude<keyof Usage, "serverToolUse">, value: unknown, field: string) => {
    const n = tokenCount(value, field, warn);
    if (n !== undefined) out[key] = n;
  };
  set("inputTokens", usage.input_tokens, "input_tokens");
  set("outputTokens", usage.output_tokens, "output_tokens");
  set("cacheReadTokens", usage.cache_read_input_tokens, "cache_read_input_tokens");
  set("cacheWriteTokens", usage.cache_creation_input_tokens, "cache_creation_input_tokens");
  const details = isObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  set("reasoningTokens", details.thinking_tokens, "thinking_tokens");
  const server = isObject(usage.server_tool_use) ? usage.server_tool_use : {};
  const searches = tokenCount(server.web_search_requests, "web_search_requests", warn);
  if (searches !== undefined) out.serverToolUse = { webSearchRequests: searches };
  return out;
}

/** The usage object an Anthropic caller receives; the searches only when there were some. */
export function usageToWire(usage: Usage): AnthropicUsage {
  return {
    input_tokens: usage.inputTokens,
    output_tokens: usage.outputTokens,
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    ...serverToolUse(usage),
  };
}

/** `server_tool_use` for a usage that counts searches, else nothing. */
export function serverToolUse(usage: Usage): Pick<AnthropicUsage, "server_tool_use"> {
  const searches = usage.serverToolUse?.webSearchRequests;
  return searches ? { server_tool_use: { web_search_requests: searches } } : {};
}
