/**
 * Finding one member of a JSON object in its text, without parsing the rest: the pass-through
 * relay rewrites the answer's own `model` in place, so the bytes around it stay exactly as the
 * upstream wrote them, and a `"model"` key inside content, tool input or escaped JSON text is
 * never touched (those sit deeper in the object, or inside a string).
 */

/**
 * Where the string value at `path` (member names from the top-level object down) lies in `text`:
 * `[start, end)` including its quotes, the top-level object beginning at or after `from`.
 * Undefined when the text is not an object there, the path is absent, or its value is no string.
 * Members before the one sought are skipped, not read; nothing after it is looked at.
 */
export function findStringMember(
  text: string,
  path: readonly string[],
  from = 0,
): [number, number] | undefined {
  let i = skipSpace(text, from);
  for (let depth = 0; depth < path.length; depth++) {
    if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
    const found = memberValue(text, i + 1, path[depth]);
    if (found === undefined) return undefined;
    i = found;
  }
  if (text.charCodeAt(i) !== QUOTE) return undefined;
  const end = stringEnd(text, i);
  return end < 0 ? undefined : [i, end];
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

/** Index of the value of member `name` of the object whose members start at `i`. */
function memberValue(text: string, i: number, name: string): number | undefined {
  for (;;) {
    i = skipSpace(text, i);
    if (text.charCodeAt(i) !== QUOTE) return undefined; // `}` (absent) or not JSON
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) return undefined;
    const key = text.slice(i + 1, keyEnd - 1);
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return undefined;
    i = skipSpace(text, i + 1);
    if (key === name || (key.includes("\\") && unescape(key) === name)) return i;
    i = skipSpace(text, valueEnd(text, i));
    if (text.charCodeAt(i) !== COMMA) return undefined;
    i++;
  }
}

/** Index just past the closing quote of the string opening at `i`; -1 when it never closes. */
function stringEnd(text: string, i: number): number {
  let at = i + 1;
  for (;;) {
    const quote = text.indexOf('"', at);
    if (quote < 0) return -1;
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    at = quote + 1;
  }
}

/** Index just past the value starting at `i` (a string, an object, an array or a scalar). */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) {
    const end = stringEnd(text, i);
    return end < 0 ? text.length : end;
  }
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    while (i < text.length) {
      const d = text.charCodeAt(i);
      if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d <= 32) return i;
      i++;
    }
    return i;
  }
  let depth = 0;
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if (d === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return text.length;
      i = end;
      continue;
    }
    if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
  return i;
}

function unescape(key: string): string | undefined {
  try {
    return JSON.parse(`"${key}"`);
  } catch {
    return undefined;
  }
}
