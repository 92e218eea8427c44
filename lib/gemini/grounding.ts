/**
 * Gemini's Google Search grounding and searches, both ways. `groundingMetadata` lists the
 * queries Gemini ran and the pages it found, without saying which query found which page, so a
 * grounding becomes one search per query and, after the last, one result with every page. In a
 * stream the metadata comes in pieces (each chunk may repeat or add queries and pages), so the
 * reader remembers what it has told and tells only what is new. The supports of a whole answer
 * cite the text they cover. A Gemini caller gets the searches and citations of an answer as one
 * `groundingMetadata`.
 */
import type {
  TextPart,
  WebSearchCallPart,
  WebSearchResultPart,
  WebSearchSource,
} from "../ir/types.ts";
import { isObject } from "../json/fields.ts";
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

/** A text part of a Gemini caller's answer, and its place among the candidate's parts. */
export interface CitedText {
  partIndex: number;
  part: TextPart;
}

/**
 * The grounding metadata of an answer's searches: their queries, every page they found once,
 * and for text that cites pages, which part of which text each page supports (offsets in UTF-8
 * bytes, as Gemini counts them). Undefined for an answer that searched and cited nothing.
 */
export function groundingMetadataOf(
  searches: Iterable<SearchPart>,
  texts: CitedText[] = [],
): GeminiGroundingMetadata | undefined {
  const queries: string[] = [];
  const chunks: NonNullable<GeminiGroundingMetadata["groundingChunks"]> = [];
  const chunkOf = new Map<string, number>();
  const addChunk = (url: string, title: string) => {
    let index = chunkOf.get(url);
    if (index === undefined) {
      chunkOf.set(url, index = chunks.length);
      chunks.push({ web: { uri: url, title } });
    }
    return index;
  };
  let searched = false;
  for (const part of searches) {
    searched = true;
    if (part.type === "web_search_call") {
      if (part.query && !queries.includes(part.query)) queries.push(part.query);
    } else for (const source of part.sources) addChunk(source.url, source.title);
  }
  const supports: NonNullable<GeminiGroundingMetadata["groundingSupports"]> = [];
  for (const { partIndex, part } of texts) {
    for (const citation of part.citations ?? []) {
      const text = part.text.slice(citation.start, citation.end);
      const startIndex = utf8Length(part.text.slice(0, citation.start));
      supports.push({
        segment: { partIndex, startIndex, endIndex: startIndex + utf8Length(text), text },
        groundingChunkIndices: [addChunk(citation.url, citation.title)],
      });
    }
  }
  if (!searched && supports.length === 0) return undefined;
  return {
    webSearchQueries: queries,
    groundingChunks: chunks,
    ...(supports.length ? { groundingSupports: supports } : {}),
  };
}

/**
 * Cites the text each grounding support covers by the pages it names: Gemini gives the
 * supported text (`segment.text`), found in the answer's text parts in order.
 */
export function citeSupports(metadata: unknown, content: ReadonlyArray<{ type: string }>): void {
  if (!isObject(metadata) || !Array.isArray(metadata.groundingSupports)) return;
  const chunks = Array.isArray(metadata.groundingChunks) ? metadata.groundingChunks : [];
  const texts = content.filter((p): p is TextPart => p.type === "text");
  let part = 0;
  let from = 0;
  for (const support of metadata.groundingSupports) {
    const segment = isObject(support) && isObject(support.segment) ? support.segment : {};
    const text = typeof segment.text === "string" ? segment.text : "";
    if (!text) continue;
    const indices: unknown[] = isObject(support) && Array.isArray(support.groundingChunkIndices)
      ? support.groundingChunkIndices
      : [];
    const pages = indices.flatMap((i) => {
      const web = typeof i === "number" && isObject(chunks[i]) ? chunks[i].web : undefined;
      return isObject(web) && typeof web.uri === "string" && web.uri ? [web] : [];
    });
    const at = find(texts, text, part, from) ?? find(texts, text, 0, 0);
    if (!at || pages.length === 0) continue;
    [part, from] = [at.part, at.start + text.length];
    const cited = texts[at.part];
    cited.citations ??= [];
    for (const web of pages) {
      cited.citations.push({
        url: web.uri as string,
        title: typeof web.title === "string" ? web.title : "",
        start: at.start,
        end: at.start + text.length,
      });
    }
  }
}

/** Where `text` is first found, from text part `part` at `from` on. */
function find(
  texts: TextPart[],
  text: string,
  part: number,
  from: number,
): { part: number; start: number } | undefined {
  for (let i = part; i < texts.length; i++) {
    const start = texts[i].text.indexOf(text, i === part ? from : 0);
    if (start >= 0) return { part: i, start };
  }
  return undefined;
}

const encoder = new TextEncoder();

function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
