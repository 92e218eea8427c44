/**
 * Web searches across dialects. Only Anthropic, Gemini (`googleSearch`) and Responses upstreams
 * can search, and only Anthropic can take a search back as it was (its results carry the page
 * contents encrypted): every other upstream gets a search the history holds as text the model
 * can read, never as a part its dialect does not know.
 */
import type { Request, WebSearchCallPart, WebSearchResultPart, WebSearchTool } from "./types.ts";

/** True for an Anthropic server tool that is a web search (`web_search_20250305`, …). */
export function isWebSearchServerTool(tool: unknown): boolean {
  if (typeof tool !== "object" || tool === null) return false;
  const type = (tool as { type?: unknown }).type;
  return typeof type === "string" && type.startsWith("web_search_");
}

/** The server tools of a request other than the web search: no other upstream runs them. */
export function otherServerTools(request: Request): unknown[] {
  return (request.serverTools ?? []).filter((tool) => !isWebSearchServerTool(tool));
}

/**
 * A search tool's `user_location` (Anthropic's and OpenAI's share the `approximate` shape), or
 * undefined when there is none.
 */
export function userLocationOf(value: unknown): WebSearchTool["userLocation"] {
  if (typeof value !== "object" || value === null) return undefined;
  const location: NonNullable<WebSearchTool["userLocation"]> = {};
  for (const key of ["city", "region", "country", "timezone"] as const) {
    const field = (value as Record<string, unknown>)[key];
    if (typeof field === "string") location[key] = field;
  }
  return location;
}

/** The strings of a list of domains, or undefined for anything else. */
export function domainsOf(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
}

/** A search or its results as the text an upstream that cannot take them reads instead. */
export function webSearchText(part: WebSearchCallPart | WebSearchResultPart): string {
  if (part.type === "web_search_call") return `Searched the web for ${JSON.stringify(part.query)}.`;
  if (part.errorCode !== undefined) return `The web search failed (${part.errorCode}).`;
  if (part.sources.length === 0) return "The web search found nothing.";
  return "Web search results:\n" +
    part.sources.map((source) => `- ${source.title || source.url}: ${source.url}`).join("\n");
}
