/**
 * Thinking signatures as callers carry them. An Anthropic caller sees one string per thinking
 * block; the proxy prefixes the ones it did not get from Anthropic, so that each goes back only to
 * the dialect that made it, with no state kept on the server.
 */
import type { Signature } from "./types.ts";

const PROXY_PREFIX = "proxy:";
const GEMINI_PREFIX = "gemini:";

/** The string an Anthropic caller receives in `signature` for a thinking block. */
export function signatureToString(signature: Signature): string {
  switch (signature.origin) {
    case "anthropic":
      return signature.value;
    case "gemini":
      return GEMINI_PREFIX + signature.value;
    case "proxy":
      return PROXY_PREFIX + "v1";
  }
}

/** Reads back a signature string an Anthropic caller replayed. */
export function signatureFromString(value: string): Signature {
  if (value.startsWith(GEMINI_PREFIX)) {
    return { origin: "gemini", value: value.slice(GEMINI_PREFIX.length) };
  }
  if (value.startsWith(PROXY_PREFIX)) return { origin: "proxy", value: "" };
  return { origin: "anthropic", value };
}
