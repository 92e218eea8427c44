/**
 * Anthropic's web search, both ways: the `web_search_20250305` server tool a caller declares (its
 * limits read, the declaration itself kept for an Anthropic upstream), and the `server_tool_use`
 * and `web_search_tool_result` blocks that carry a search and what it found, as Anthropic writes
 * them in answers and as Claude Code sends them back.
 */
import type {
  WebSearchCallPart,
  WebSearchResultPart,
  WebSearchSource,
  WebSearchTool,
} from "../ir/types.ts";
import { domainsOf, isWebSearchServerTool, userLocationOf } from "../ir/web_search.ts";
import { isObject, type JsonObject } from "../json/fields.ts";
import type {
  AnthropicServerToolUseBlock,
  AnthropicWebSearchResult,
  AnthropicWebSearchToolResultBlock,
} from "./types.ts";

/** The limits of the first web search among a caller's server tools, if it declares one. */
export function webSearchToolOf(serverTools: unknown[]): WebSearchTool | undefined {
  const tool = serverTools.find(isWebSearchServerTool) as JsonObject | undefined;
  if (!tool) return undefined;
  const out: WebSearchTool = {};
  if (typeof tool.max_uses === "number") out.maxUses = tool.max_uses;
  const allowed = domainsOf(tool.allowed_domains);
  if (allowed) out.allowedDomains = allowed;
  const blocked = domainsOf(tool.blocked_domains);
  if (blocked) out.blockedDomains = blocked;
  const location = userLocationOf(tool.user_location);
  if (location) out.userLocation = location;
  return out;
}

/** The server tool that asks Anthropic for the search another dialect's caller allowed. */
export function encodeWebSearchTool(tool: WebSearchTool): Record<string, unknown> {
  return {
    type: "web_search_20250305",
    name: "web_search",
    ...(tool.maxUses !== undefined ? { max_uses: tool.maxUses } : {}),
    ...(tool.allowedDomains ? { allowed_domains: tool.allowedDomains } : {}),
    ...(tool.blockedDomains ? { blocked_domains: tool.blockedDomains } : {}),
    ...(tool.userLocation ? { user_location: { type: "approximate", ...tool.userLocation } } : {}),
  };
}

/** A search as Anthropic writes it: the whole query is its input. */
export function serverToolUseBlock(id: string, query: string): AnthropicServerToolUseBlock {
  return { type: "server_tool_use", id: searchId(id), name: "web_search", input: { query } };
}

/**
 * What a search found as Anthropic writes it. Every field Anthropic always sends is there, so a
 * typed client reads it: a page another upstream found has "" for its encrypted content.
 */
export function webSearchResultBlock(
  part: Pick<WebSearchResultPart, "callId" | "sources" | "errorCode">,
): AnthropicWebSearchToolResultBlock {
  return {
    type: "web_search_tool_result",
    tool_use_id: searchId(part.callId),
    content: part.errorCode !== undefined
      ? { type: "web_search_tool_result_error", error_code: part.errorCode }
      : part.sources.map((source): AnthropicWebSearchResult => ({
        type: "web_search_result",
        url: source.url,
        title: source.title,
        encrypted_content: source.encryptedContent ?? "",
        page_age: source.pageAge ?? null,
      })),
  };
}

/** Anthropic's search ids start with `srvtoolu_`; another upstream's get the prefix. */
export function searchId(id: string): string {
  return id.startsWith("srvtoolu_") ? id : `srvtoolu_${id}`;
}

/** A `server_tool_use` block as a search, if it is a web search with a query. */
export function searchCallOf(block: JsonObject): WebSearchCallPart | undefined {
  if (block.name !== "web_search" || typeof block.id !== "string") return undefined;
  const input = isObject(block.input) ? block.input : {};
  const query = typeof input.query === "string" ? input.query : "";
  return { type: "web_search_call", id: block.id, query };
}

/**
 * A `web_search_tool_result` block as what the search found: its pages (those without a URL
 * left out) or its error code. Undefined for a block that answers no search.
 */
export function searchResultOf(block: JsonObject): WebSearchResultPart | undefined {
  if (typeof block.tool_use_id !== "string") return undefined;
  const part: WebSearchResultPart = {
    type: "web_search_result",
    callId: block.tool_use_id,
    sources: [],
  };
  const content = block.content;
  if (isObject(content)) {
    part.errorCode = typeof content.error_code === "string" ? content.error_code : "unavailable";
  } else if (Array.isArray(content)) {
    for (const item of content) {
      const source = isObject(item) ? sourceOf(item) : undefined;
      if (source) part.sources.push(source);
    }
  }
  return part;
}

function sourceOf(item: JsonObject): WebSearchSource | undefined {
  if (typeof item.url !== "string" || !item.url) return undefined;
  return {
    url: item.url,
    title: typeof item.title === "string" ? item.title : "",
    ...(typeof item.page_age === "string" ? { pageAge: item.page_age } : {}),
    ...(typeof item.encrypted_content === "string" && item.encrypted_content
      ? { encryptedContent: item.encrypted_content }
      : {}),
  };
}
