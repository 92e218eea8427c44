/**
 * Thinking signatures as callers carry them. A caller sees one opaque string per thinking block
 * (an Anthropic `signature`, a Responses `encrypted_content`); the proxy prefixes the ones that
 * its home dialect did not make, so that each goes back only to the dialect that made it, with
 * no state kept on the server.
 */
import type { Signature, SignatureOrigin } from "./types.ts";

const PROXY_PREFIX = "proxy:";
const PREFIXES: ReadonlyArray<readonly [Exclude<SignatureOrigin, "proxy">, string]> = [
  ["gemini", "gemini:"],
  ["responses", "responses:"],
  ["anthropic", "anthropic:"],
];

/**
 * The string a caller of the `home` dialect receives for a signature: its own dialect's value
 * as it is, any other with its origin in front.
 */
export function signatureToString(
  signature: Signature,
  home: Exclude<SignatureOrigin, "proxy"> = "anthropic",
): string {
  if (signature.origin === "proxy") return PROXY_PREFIX + "v1";
  if (signature.origin === home) return signature.value;
  return prefixOf(signature.origin) + signature.value;
}

/** Reads back a signature string a caller of the `home` dialect replayed. */
export function signatureFromString(
  value: string,
  home: Exclude<SignatureOrigin, "proxy"> = "anthropic",
): Signature {
  if (value.startsWith(PROXY_PREFIX)) return { origin: "proxy", value: "" };
  for (const [origin, prefix] of PREFIXES) {
    if (origin !== home && value.startsWith(prefix)) {
      return { origin, value: value.slice(prefix.length) };
    }
  }
  return { origin: home, value };
}

function prefixOf(origin: Exclude<SignatureOrigin, "proxy">): string {
  return PREFIXES.find(([o]) => o === origin)![1];
}
