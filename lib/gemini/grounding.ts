/**
 * Gemini's Google Search grounding and searches, both ways. `groundingMetadata` lists the
 * queries Gemini ran and the pages it found, without saying which query found which page, so a
 * grounding becomes one search per query and, after the last, one result with every page. In a
 * stream the metadata comes in pieces (each chunk may repeat or add queries and pages), so the
 * reader remembers what it has told and tells only what is new. A Gemini caller gets the
 * searches of an answer as one `groundingMetadata`.
 */
import type { WebSearchCallPart, WebSearchResultPart, WebSearchSource } from "../ir/types.ts";
import { isObject } from "./_read.ts";
import type { GeminiGroundingMetadata } from "./types.ts";

export type SearchPart = WebSearchCallPart | WebSearchResultPart;

/** Reads the groundings of one answer, whole or chunk by chunk. */
export class GroundingReader {
  #newId: (prefix: string) => string;
  #queries = new Set<string>();
  #urls = new Set<string>();
  #lastCall: string | undefined;
  #answered = true;
  #searches = 0;

  constructor(newId: (prefix: string) => string) {
    this.#newId = newId;
  }

  /** How many searches were told so far (what the upstream bills). */
  get searches(): number {
    return this.#searches;
  }

  /** The searches and pages a grounding adds to those read before. */
  read(metadata: unknown): SearchPart[] {
    if (!isObject(metadata)) return [];
    const out: SearchPart[] = [];
    for (const query of stringsOf(metadata.webSearchQueries)) {
      if (this.#queries.has(query)) continue;
      this.#queries.add(query);
      out.push(this.#call(query));
    }
    const sources = this.#newSources(metadata.groundingChunks);
    if (sources.length === 0) return out;
    if (this.#lastCall === undefined) out.push(this.#call("")); // pages with no query told
    out.push({ type: "web_search_result", callId: this.#lastCall!, sources });
    this.#answered = true;
    return out;
  }

  /** The (empty) result of a search no page came for: every search gets one. */
  finish(): WebSearchResultPart | undefined {
    if (this.#answered || this.#lastCall === undefined) return undefined;
    this.#answered = true;
    return { type: "web_search_result", callId: this.#lastCall, sources: [] };
  }

  #call(query: string): WebSearchCallPart {
    const id = this.#newId("srvtoolu_");
    this.#lastCall = id;
    this.#answered = false;
    this.#searches++;
    return { type: "web_search_call", id, query };
  }

  #newSources(chunks: unknown): WebSearchSource[] {
    const out: WebSearchSource[] = [];
    if (!Array.isArray(chunks)) return out;
    for (const chunk of chunks) {
      const web = isObject(chunk) && isObject(chunk.web) ? chunk.web : undefined;
      const url = typeof web?.uri === "string" ? web.uri : "";
      if (!url || this.#urls.has(url)) continue;
      this.#urls.add(url);
      out.push({ url, title: typeof web?.title === "string" ? web.title : "" });
    }
    return out;
  }
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && !!v) : [];
}

/**
 * The grounding metadata of an answer's searches: their queries and every page they found,
 * once each; undefined for an answer that searched nothing.
 */
export function groundingMetadataOf(
  parts: Iterable<SearchPart>,
): GeminiGroundingMetadata | undefined {
  const queries: string[] = [];
  const chunks: NonNullable<GeminiGroundingMetadata["groundingChunks"]> = [];
  const urls = new Set<string>();
  let searched = false;
  for (const part of parts) {
    searched = true;
    if (part.type === "web_search_call") {
      if (part.query && !queries.includes(part.query)) queries.push(part.query);
      continue;
    }
    for (const source of part.sources) {
      if (urls.has(source.url)) continue;
      urls.add(source.url);
      chunks.push({ web: { uri: source.url, title: source.title } });
    }
  }
  if (!searched) return undefined;
  return { webSearchQueries: queries, groundingChunks: chunks };
}
