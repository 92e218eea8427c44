/**
 * Remembered tool lists: the parts of request bodies shared between requests.
 *
 * Claude Code sends the same `tools` on every request of a session: 24 tools, 70 KB, 60% of each
 * body. The first time a large request's top-level `tools` is seen, its parsed value is
 * deep-frozen, marked shared and remembered with its text. A later request whose text holds the
 * same tools is parsed without them (the member's value is swapped for a marker first), and gets
 * the remembered value. Each dialect's per-tool converters are wrapped once with `perTool`, so a
 * shared tool is decoded and encoded once per converter and name, and what they make of it is
 * shared too; `jsonBytes` writes a shared value from its cached UTF-8 instead of serialising it
 * again.
 *
 * The marker is a string holding U+0080, which the ASCII-escaped request text (see
 * ascii_text.ts) cannot contain: only when the parsed object's own `tools` is that marker was
 * the swapped text the top-level member, and otherwise the text is parsed whole. Shared values
 * are frozen, so nothing downstream can change what later requests receive.
 */
import { isObject } from "./fields.ts";

const SHARED = new WeakSet<object>();
const BYTES = new WeakMap<object, Uint8Array>();
const ENCODER = new TextEncoder();

/** Whether a value is part of a shared (frozen, remembered) subtree. */
export function isShared(value: unknown): boolean {
  return typeof value === "object" && value !== null && SHARED.has(value);
}

/** The UTF-8 of `JSON.stringify(value)` for a shared value, made once. */
export function sharedBytes(value: object): Uint8Array {
  let bytes = BYTES.get(value);
  if (!bytes) BYTES.set(value, bytes = ENCODER.encode(JSON.stringify(value)));
  return bytes;
}

/** Whether any value is shared yet: until then writers need not look for one. */
export function sharingActive(): boolean {
  return entries.length > 0;
}

/**
 * `convert`, made once per tool of a remembered list: for a shared tool the result is made once
 * per `key` (a name the tool is given, or "") and shared in turn, so every request that sends the
 * list again gets the same frozen value, written from its cached UTF-8. For any other tool it is
 * `convert` itself. The result must depend on the tool and `key` alone: `context` may only make
 * it fail (a path for the error, a size budget), and a failure is not remembered. Wrap each
 * converter once, where it is defined.
 */
export function perTool<Tool, T extends object, Context = void>(
  convert: (tool: Tool, key: string, context: Context) => T,
): (tool: Tool, key: string, context: Context) => T {
  const made = new WeakMap<object, Map<string, T>>();
  return (tool, key, context) => {
    if (!isShared(tool)) return convert(tool, key, context);
    let byKey = made.get(tool as object);
    if (!byKey) made.set(tool as object, byKey = new Map());
    let value = byKey.get(key);
    if (!value) {
      value = convert(tool, key, context);
      share(value);
      byKey.set(key, value);
    }
    return value;
  };
}

/** Deep-freezes a parsed JSON value and marks every object and array in it as shared. */
function share(value: object): void {
  const stack: object[] = [value];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (SHARED.has(item)) continue;
    SHARED.add(item);
    Object.freeze(item);
    for (const child of Object.values(item)) {
      if (typeof child === "object" && child !== null) stack.push(child);
    }
  }
}

interface Entry {
  /** `"tools":[…]` as it appears in the ASCII-escaped request text. */
  source: string;
  /** Its first characters, searched for before the whole is compared. */
  probe: string;
  value: unknown[];
  hits: number;
}

/** Members remembered, most recently used first. */
const MAX_ENTRIES = 4;
/** Bodies and members smaller than these are parsed as they come: nothing worth keeping. */
const MIN_BODY = 16 * 1024;
const MIN_MEMBER = 4 * 1024;
/** Nor is a member larger than this kept: four of them are held at most. */
const MAX_MEMBER = 1024 * 1024;
const PROBE = 256;
const MARKER = "\u0080";
const MARKED_MEMBER = `"tools":"${MARKER}"`;

const entries: Entry[] = [];
/** Requests to let pass before trying to remember again, and how many tries did not pay off. */
let skip = 0;
let streak = 0;
const counts = { hits: 0, remembered: 0 };

/** How often a remembered `tools` was reused, and how many were remembered (for tests). */
export function sharedToolsCounts(): { hits: number; remembered: number } {
  return { ...counts };
}

/**
 * `JSON.parse(text)` for ASCII request text (from `asciiJsonText`), reusing a remembered
 * top-level `tools` when the text holds it.
 */
export function parseRequestText(text: string): unknown {
  // The marker must be the only U+0080 in the text: a client can write one only as `\u0080`.
  if (text.length >= MIN_BODY && entries.length > 0 && !text.includes("\\u0080")) {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      const at = find(text, entry);
      if (at < 0) continue;
      let json: unknown;
      try {
        json = JSON.parse(text.slice(0, at) + MARKED_MEMBER + text.slice(at + entry.source.length));
      } catch {
        return JSON.parse(text); // the same error, at its place in the text sent
      }
      if (!isObject(json) || json.tools !== MARKER) break; // not the top-level member
      json.tools = entry.value;
      if (i > 0) entries.unshift(...entries.splice(i, 1));
      counts.hits++;
      entry.hits++;
      streak = 0;
      return json;
    }
  }
  return JSON.parse(text);
}

/**
 * Remembers the top-level `tools` of a request parsed by `parseRequestText` (a large one, once it
 * has passed the checks on its body, nesting depth included) for the requests that follow.
 */
export function rememberTools(text: string, json: Record<string, unknown>): void {
  if (text.length < MIN_BODY || isShared(json.tools)) return;
  remember(text, json.tools);
}

function find(text: string, entry: Entry): number {
  for (let at = text.indexOf(entry.probe); at >= 0; at = text.indexOf(entry.probe, at + 1)) {
    // Compared as a slice: string equality is a memcmp, `startsWith` a loop over characters
    // (5 µs against 50–600 µs for Claude Code's 70 KB of tools).
    if (text.slice(at, at + entry.source.length) === entry.source) return at;
  }
  return -1;
}

function remember(text: string, tools: unknown): void {
  // A client writing `"tools": [` (with a space) is never found again: not even tried.
  if (!Array.isArray(tools) || tools.length === 0 || !text.includes('"tools":[')) return;
  if (skip > 0) {
    skip--;
    return;
  }
  // The member is found again by its text: that of JSON.stringify, ASCII-escaped as the request
  // text is. Attempts that do not pay off (other escapes, or tools that change on every
  // request so the last ones remembered were never reused) are spaced out: 1, 3, 7… requests.
  const source = `"tools":${asciiEscape(JSON.stringify(tools))}`;
  if (source.length < MIN_MEMBER || source.length > MAX_MEMBER) return;
  if (entries.some((entry) => entry.source === source)) return;
  const found = text.includes(source);
  if (!found || entries[0]?.hits === 0) {
    streak = Math.min(streak + 1, 6);
    skip = (1 << streak) - 1;
  }
  if (!found) return;
  share(tools);
  entries.unshift({ source, probe: source.slice(0, PROBE), value: tools, hits: 0 });
  if (entries.length > MAX_ENTRIES) entries.pop();
  counts.remembered++;
}

/** Every non-ASCII UTF-16 unit as `\uxxxx`, as `asciiJsonText` writes them. */
function asciiEscape(json: string): string {
  return json.replace(
    /[\u0080-\uffff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"),
  );
}
