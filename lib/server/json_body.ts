/**
 * Serialises an upstream body one top-level key at a time. The text is exactly
 * `JSON.stringify(body)`'s, but on Claude Code's 116 KB bodies V8 builds (and then UTF-8
 * encodes) it in half the time: 0.17 vs 0.34 ms, 0.39 vs 0.69 ms with the encode.
 */
export function stringifyBody(body: Record<string, unknown>): string {
  let out = "";
  for (const key in body) {
    if (!Object.hasOwn(body, key)) continue;
    const value = JSON.stringify(body[key]);
    if (value === undefined) continue;
    out += (out ? "," : "{") + JSON.stringify(key) + ":" + value;
  }
  return out ? out + "}" : "{}";
}
