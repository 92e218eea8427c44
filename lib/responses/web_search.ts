/**
 * The Responses API's web search, both ways: a caller's `web_search` tool read into the search it
 * allows and a search asked of an upstream as that tool; an upstream's `web_search_call` items
 * (`action.query`, `action.sources`) and the pages its `url_citation` annotations name read as
 * searches, and searches written as the `web_search_call` items a caller reads.
 */
import type {
  Citation,
  WebSearchCallPart,
  WebSearchResultPart,
  WebSearchSource,
  WebSearchTool,
} from "../ir/types.ts";
import { domainsOf, userLocationOf } from "../ir/web_search.ts";
import { isObject, type JsonObject } from "../json/fields.ts";
import type { OutputItemIn, UrlCitationOut } from "./types.ts";

/** The tool types of the Responses web search (older models' `web_search_preview` too). */
export function isWebSearchTool(type: string): boolean {
  return type === "web_search" || type.startsWith("web_search_");
}

/** A caller's `web_search` tool as the search it allows (what has no counterpart left out). */
export function webSearchToolOf(tool: JsonObject): WebSearchTool {
  const out: WebSearchTool = {};
  const allowed = domainsOf(isObject(tool.filters) ? tool.filters.allowed_domains : undefined);
  if (allowed) out.allowedDomains = allowed;
  const location = userLocationOf(tool.user_location);
  if (location) out.userLocation = location;
  return out;
}

/**
 * A search asked of a Responses upstream: its `web_search` tool, `max_tool_calls` for the most
 * searches (the only built-in tool the proxy declares), and the `include` that makes the
 * upstream list the pages each search found. Blocked domains have no counterpart.
 */
export function encodeWebSearch(search: WebSearchTool, warnings: string[]): {
  tool: Record<string, unknown>;
  fields: Record<string, unknown>;
} {
  if (search.blockedDomains) {
    warnings.push("Dropped blocked_domains: the Responses web search takes only allowed domains");
  }
  return {
    tool: {
      type: "web_search",
      ...(search.allowedDomains ? { filters: { allowed_domains: search.allowedDomains } } : {}),
      ...(search.userLocation
        ? { user_location: { type: "approximate", ...search.userLocation } }
        : {}),
    },
    fields: search.maxUses !== undefined ? { max_tool_calls: search.maxUses } : {},
  };
}

/** What `include` asks for so that a search's pages come with it. */
export const SEARCH_SOURCES = "web_search_call.action.sources";

/**
 * A `web_search_call` item as a search and what it found; undefined for an action that is no
 * search (opening or reading a page). A failed search is an `unavailable` error.
 */
export function searchOfItem(
  item: OutputItemIn,
  newId: (prefix: string) => string,
): [WebSearchCallPart, WebSearchResultPart] | undefined {
  if (!isSearch(item)) return undefined;
  const action = isObject(item.action) ? item.action : {};
  const id = typeof item.id === "string" && item.id ? item.id : newId("ws_");
  const queries = Array.isArray(action.queries) ? action.queries : [];
  const query = typeof action.query === "string" ? action.query : String(queries[0] ?? "");
  const result: WebSearchResultPart = { type: "web_search_result", callId: id, sources: [] };
  if (item.status === "failed") result.errorCode = "unavailable";
  for (const source of Array.isArray(action.sources) ? action.sources : []) {
    const url = isObject(source) && typeof source.url === "string" ? source.url : "";
    if (url) result.sources.push({ url, title: hostOf(url) });
  }
  return [{ type: "web_search_call", id, query }, result];
}

/** How many of an answer's `output` items are searches (not opening or reading a page). */
export function searchesIn(output: unknown): number {
  if (!Array.isArray(output)) return 0;
  return output.filter((item) =>
    isObject(item) && item.type === "web_search_call" && isSearch(item)
  )
    .length;
}

function isSearch(item: { action?: unknown }): boolean {
  const type = isObject(item.action) ? item.action.type : undefined;
  return type === undefined || type === null || type === "search";
}

/** The pages a message item's `url_citation` annotations name, in order, once each. */
export function citedSources(item: OutputItemIn): WebSearchSource[] {
  const out: WebSearchSource[] = [];
  for (const part of Array.isArray(item.content) ? item.content : []) {
    const annotations = isObject(part) && Array.isArray(part.annotations) ? part.annotations : [];
    for (const note of annotations) {
      if (!isObject(note) || note.type !== "url_citation" || typeof note.url !== "string") continue;
      if (out.some((s) => s.url === note.url)) continue;
      const title = typeof note.title === "string" && note.title ? note.title : hostOf(note.url);
      out.push({ url: note.url, title });
    }
  }
  return out;
}

/** A text's `url_citation` annotations as citations (those with no place in it left out). */
export function citationsOf(annotations: unknown, length: number): Citation[] {
  if (!Array.isArray(annotations)) return [];
  return annotations.flatMap((note) => {
    if (!isObject(note) || note.type !== "url_citation" || typeof note.url !== "string") return [];
    const { start_index: start, end_index: end } = note;
    if (typeof start !== "number" || typeof end !== "number") return [];
    if (start < 0 || end > length || start >= end) return [];
    const title = typeof note.title === "string" && note.title ? note.title : hostOf(note.url);
    return [{ url: note.url, title, start, end }];
  });
}

/** A citation as the `url_citation` annotation a caller reads, `offset` into the message. */
export function annotationOf(citation: Citation, offset: number): UrlCitationOut {
  return {
    type: "url_citation",
    start_index: citation.start + offset,
    end_index: citation.end + offset,
    url: citation.url,
    title: citation.title,
  };
}

/**
 * Adds the pages `cited` names to `result` (a search's own list has no titles: a citation's
 * title replaces the host name it stood in with); returns the pages that were new.
 */
export function addCited(result: WebSearchResultPart, cited: WebSearchSource[]): WebSearchSource[] {
  const added: WebSearchSource[] = [];
  for (const source of cited) {
    const known = result.sources.find((s) => s.url === source.url);
    if (known) known.title = source.title;
    else {
      result.sources.push(source);
      added.push(source);
    }
  }
  return added;
}

/** A page's host name, its title until a citation gives one. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname || url;
  } catch {
    return url;
  }
}
