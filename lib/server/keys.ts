/**
 * The caller's API key: first of `Authorization: Bearer`, `x-api-key`, `x-goog-api-key`,
 * `?key=`. Keys are never logged; `keyTail` gives the last four characters for a log line.
 */

/** The key the caller sent, or undefined. */
export function callerKey(headers: Headers, url: URL): string | undefined {
  const auth = headers.get("authorization");
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
  }
  return headers.get("x-api-key")?.trim() || headers.get("x-goog-api-key")?.trim() ||
    url.searchParams.get("key") || undefined;
}

/** What a log may show of a key: its last four characters. */
export function keyTail(key: string | undefined): string {
  if (!key) return "-";
  return key.length <= 8 ? "…" : `…${key.slice(-4)}`;
}

/**
 * Whether a key can go upstream in a header: visible ASCII only. A CR, LF or non-ASCII character
 * (possible in `?key=`) would fail the upstream request, or split its headers.
 */
export function usableKey(key: string): boolean {
  return /^[\x21-\x7e]+$/.test(key);
}
