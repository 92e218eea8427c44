/**
 * A local token count for upstreams without a counter of their own. It counts everything the
 * model sees: system, messages, tool definitions, tool calls and results, thinking, and images
 * (priced as the upstream's provider prices them: its codec's `imageTokens`).
 */
import type { ImagePricing } from "../ir/endpoint.ts";
import type { Part, Request, ToolDefinition } from "../ir/types.ts";
import { isShared } from "../json/remembered_tools.ts";
import { unreachable } from "../ir/types.ts";
import { webSearchText } from "../ir/web_search.ts";
import { imageTokens } from "./image_tokens.ts";

/** Per-message and per-tool framing the chat templates add. */
const MESSAGE_OVERHEAD = 4;
const TOOL_OVERHEAD = 8;

/** Tokens of one request, by where they sit (what `count_tokens` sums). */
export interface TokenBreakdown {
  system: number;
  messages: number;
  tools: number;
  total: number;
}

/**
 * Estimated input tokens of a request for an upstream whose provider prices images as `images`
 * does (its codec's `imageTokens`). System and tool definitions get a margin so they are never under
 * the real count (a client that compacts by this number must not overflow).
 */
export function estimateRequestTokens(request: Request, images: ImagePricing): number {
  return estimateRequestBreakdown(request, images).total;
}

/** The estimate by part of the request, margins included. */
export function estimateRequestBreakdown(
  request: Request,
  images: ImagePricing,
): TokenBreakdown {
  const raw = countRequestTokens(request, textTokens, images);
  const system = Math.ceil(raw.system * FIXED_PART_MARGIN);
  const tools = Math.ceil(raw.tools * FIXED_PART_MARGIN);
  return { system, messages: raw.messages, tools, total: system + raw.messages + tools };
}

/** Headroom on system prompts and tool definitions (their measured error is within ±6%). */
export const FIXED_PART_MARGIN = 1.08;

/**
 * Tokens of a request with a given text counter: the local estimate uses `textTokens`, the
 * accuracy test and benchmark pass a real tokenizer, so both sides share the same framing.
 */
export function countRequestTokens(
  request: Request,
  count: (text: string) => number,
  images: ImagePricing,
): TokenBreakdown {
  let system = 0;
  for (const part of request.system) system += count(part.text);
  let messages = 0;
  for (const message of request.messages) {
    messages += MESSAGE_OVERHEAD;
    for (const part of message.content) messages += partTokens(part, count, images);
  }
  let tools = 0;
  for (const tool of request.tools) tools += toolTokens(tool, count);
  return { system, messages, tools, total: system + messages + tools };
}

/** Local estimates of shared tools (Claude Code sends the same 70 KB of tools every request). */
const TOOL_TOKENS = new WeakMap<ToolDefinition, number>();

/** Tokens of one tool definition; a shared tool's local estimate is made once. */
export function toolTokens(tool: ToolDefinition, count: (text: string) => number): number {
  const kept = count === textTokens && isShared(tool);
  if (kept) {
    const known = TOOL_TOKENS.get(tool);
    if (known !== undefined) return known;
  }
  const tokens = TOOL_OVERHEAD + count(tool.name) + count(tool.description ?? "") +
    count(JSON.stringify(tool.inputSchema));
  if (kept) TOOL_TOKENS.set(tool, tokens);
  return tokens;
}

function partTokens(
  part: Part,
  count: (text: string) => number,
  images: ImagePricing,
): number {
  switch (part.type) {
    case "text":
      return count(part.text);
    case "thinking":
      return count(part.text);
    case "redacted_thinking":
      return Math.ceil(part.data.length / 4);
    case "image":
      return imageTokens(part.source, images);
    case "document":
      return part.source.kind === "base64" ? Math.ceil(part.source.data.length * 0.75 / 50) : 500;
    case "tool_call":
      return 8 + count(part.name) + count(JSON.stringify(part.input));
    case "tool_result": {
      let n = 8;
      for (const inner of part.content) n += partTokens(inner, count, images);
      return n;
    }
    case "web_search_call":
    case "web_search_result":
      return 8 + count(webSearchText(part));
    default:
      return unreachable(part);
  }
}

/**
 * Tokens of a text, from its shape, in one pass without allocating: it cuts the text into the
 * pieces an o200k-class tokenizer cuts it into before BPE (words with their leading space or
 * punctuation, camelCase humps, runs of up to 3 digits, punctuation runs, line breaks,
 * indentation) and prices each piece as such pieces cost on average: one token for a common
 * word, more for long words, capitals and words glued to punctuation (paths, identifiers), one
 * token per two characters of a long punctuation run, CJK by the character. The error against
 * a real tokenizer is measured by `bench/token_accuracy.ts` and asserted by tests/tokens_test.ts.
 */
export function textTokens(text: string): number {
  const n = text.length;
  let tokens = 0;
  let i = 0;
  let glued = NONE; // what the piece before a word leaves attached to it
  while (i < n) {
    const c = text.charCodeAt(i);
    const kind = KIND[c];
    if (kind === LETTER || kind === UPPER) {
      let upper = 0;
      while (i < n && KIND[text.charCodeAt(i)] === UPPER) {
        upper++;
        i++;
      }
      let lower = 0;
      let wide = 0;
      for (let d = text.charCodeAt(i); i < n && KIND[d] === LETTER; d = text.charCodeAt(++i)) {
        lower++;
        if (d >= 128) wide++;
      }
      tokens += wordTokens(upper, lower, glued) + wide * WIDE_LETTER;
      glued = NONE; // the next hump of a camelCase word, or a word after digits
    } else if (kind === DIGIT) {
      const start = i;
      while (i < n && KIND[text.charCodeAt(i)] === DIGIT) i++;
      tokens += Math.ceil((i - start) / 3);
      glued = NONE;
    } else if (kind === SPACE || kind === NEWLINE) {
      const start = i;
      let lastNewline = -1;
      for (; i < n; i++) {
        const k = KIND[text.charCodeAt(i)];
        if (k === NEWLINE) lastNewline = i;
        else if (k !== SPACE) break;
      }
      // A line break is one piece, indentation after it another; the last space before a word
      // or a symbol joins it.
      const trailing = i - (lastNewline >= 0 ? lastNewline + 1 : start);
      if (lastNewline >= 0) tokens += 1;
      if (trailing >= 2 || (trailing === 1 && i >= n)) tokens += 1;
      glued = trailing > 0 ? SPACE : NONE;
    } else if (kind === CJK) {
      for (let d = c; i < n && KIND[d] === CJK; d = text.charCodeAt(++i)) {
        tokens += (d >= 0x3000 && d <= 0x303f) || d >= 0xff00 ? CJK_PUNCTUATION : CJK_CHAR;
      }
      glued = NONE;
    } else {
      // Punctuation and symbols: a run swallows the line breaks right after it, and its last
      // character joins a word that follows.
      const start = i;
      let wide = 0;
      for (let d = c; i < n && KIND[d] === SYMBOL; d = text.charCodeAt(++i)) {
        if (d >= 128) wide++;
      }
      let length = i - start;
      const next = i < n ? KIND[text.charCodeAt(i)] : SYMBOL;
      glued = NONE;
      if (next === LETTER || next === UPPER) {
        // A quote stays a token of its own (`"key`); `.`, `/`, `_`, `(` mostly merge.
        if (text.charCodeAt(i - 1) !== 34) {
          length--;
          glued = SYMBOL;
        }
      }
      while (i < n && KIND[text.charCodeAt(i)] === NEWLINE) i++;
      if (length > 0) tokens += symbolTokens(length) + wide * WIDE_SYMBOL;
    }
  }
  return Math.ceil(tokens);
}

/**
 * One word piece: `upper` capitals then `lower` small letters. A common word with its leading
 * space is one token; glued to punctuation or alone (path parts, identifiers, JSON keys) words
 * are rarer in the vocabulary and split more; runs of capitals split every few letters.
 */
function wordTokens(upper: number, lower: number, glued: number): number {
  let capitals = 0;
  if (upper >= 2) {
    capitals = upper <= 3 ? 1 : 1 + (upper - 3) * CAPS_TAIL;
    upper = 0;
    if (lower === 0) return capitals;
  }
  const length = upper + lower;
  if (glued === SPACE) return capitals + 1 + Math.max(0, length - 6) * SPACED_TAIL;
  if (glued === SYMBOL) return capitals + 1 + length * GLUED_PER_LETTER;
  return capitals + 1 + Math.max(0, length - 5) * BARE_TAIL;
}

/** A punctuation run: `":{"` and the like are single tokens; longer runs split in pairs. */
function symbolTokens(length: number): number {
  return length <= 3 ? 1 : length === 4 ? 1.3 : length * SYMBOL_PER_CHAR;
}

/** Extra tokens per letter past the sixth of a word after a space. */
const SPACED_TAIL = 0.04;
/** Extra tokens per letter of a word glued to punctuation (`/acme`, `.length`, `"key`). */
const GLUED_PER_LETTER = 0.08;
/** Extra tokens per letter past the fifth of a word with nothing before it. */
const BARE_TAIL = 0.08;
/** Extra tokens per capital past the third of a run of capitals (acronyms, base64). */
const CAPS_TAIL = 0.33;
/** Tokens per character of a punctuation run longer than four. */
const SYMBOL_PER_CHAR = 0.45;
/** Extra tokens for each symbol outside ASCII (box drawing, arrows, emoji, curly quotes). */
const WIDE_SYMBOL = 0.6;
/** Extra tokens for each letter outside ASCII inside a word (accents, Cyrillic, Greek). */
const WIDE_LETTER = 0.3;
/** Tokens per CJK character (Han, kana, Hangul). */
const CJK_CHAR = 0.72;
/** Tokens per CJK punctuation mark (、。「」，？). */
const CJK_PUNCTUATION = 1;

const NONE = 7;
const SYMBOL = 0;
const LETTER = 1;
const UPPER = 2;
const DIGIT = 3;
const SPACE = 4;
const NEWLINE = 5;
const CJK = 6;

/** The kind of every UTF-16 code unit, looked up in a 64 KB table built once. */
const KIND: Uint8Array = (() => {
  const kinds = new Uint8Array(65536);
  for (let c = 0; c < 65536; c++) kinds[c] = c < 128 ? asciiKind(c) : wideKind(c);
  return kinds;
})();

function asciiKind(c: number): number {
  if (c >= 97 && c <= 122) return LETTER;
  if (c >= 65 && c <= 90) return UPPER;
  if (c >= 48 && c <= 57) return DIGIT;
  if (c === 32 || c === 9) return SPACE;
  if (c === 10 || c === 13) return NEWLINE;
  return SYMBOL;
}

/** The kind of a character outside ASCII: letters of alphabetic scripts, CJK, or a symbol. */
function wideKind(c: number): number {
  if (c >= 0x2e80 && c <= 0x9fff) return CJK; // CJK radicals, kana, Han
  if (c >= 0xac00 && c <= 0xd7af) return CJK; // Hangul syllables
  if (c >= 0xf900 && c <= 0xfaff) return CJK;
  if (c >= 0xff00 && c <= 0xffef) return CJK; // full-width forms
  if (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) return LETTER; // Latin
  if (c >= 0x370 && c <= 0x52f) return LETTER; // Greek, Cyrillic
  if (c === 0xa0) return SPACE;
  return SYMBOL;
}
