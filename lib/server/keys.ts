/**
 * The caller's API key: first of `Authorization: Bearer`, then each dialect's key header and
 * query parameter (`x-api-key`, `x-goog-api-key`, `?key=`), whichever route it came on. Keys are
 * never logged; `keyTail` gives the last four characters for a log line.
 */
import { CODECS, DIALECTS } from "../dialects.ts";

const KEY_HEADERS = DIALECTS.flatMap((d) => CODECS[d].routes.keyHeader ?? []);
const KEY_PARAMS = DIALECTS.flatMap((d) => CODECS[d].routes.keyParam ?? []);

/** The key the caller sent, or undefined. */
export function callerKey(headers: Headers, url: URL): string | undefined {
  const auth = headers.get("authorization");
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
  }
  for (const name of KEY_HEADERS) {
    const key = headers.get(name)?.trim();
    if (key) return key;
  }
  for (const name of KEY_PARAMS) {
    const key = url.searchParams.get(name);
    if (key) return key;
  }
  return undefined;
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
