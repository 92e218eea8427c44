/**
 * Thinking signatures as callers carry them. A caller sees one opaque string per thinking block
 * (an Anthropic `signature`, a Responses `encrypted_content`, a Gemini `thoughtSignature`); the
 * proxy prefixes the ones that its home dialect did not make, so that each goes back only to the
 * dialect that made it, with no state kept on the server.
 *
 * The proxy's own signature (thinking from an upstream that signs none) is a mark, `proxy:v1`,
 * for callers that replay the thinking itself. Gemini CLI replays the `thoughtSignature` of a
 * call part but drops thought parts, so for a Gemini caller the proxy's signature carries the
 * thinking text it stands for (`proxy:t1:` and the UTF-8 text in base64url), and the reasoning
 * reaches the upstream again on the tool turn, where DeepSeek-style upstreams demand it.
 */
import type { Signature, SignatureOrigin } from "./types.ts";

const PROXY_PREFIX = "proxy:";
const CARRIED_PREFIX = "proxy:t1:";
const PREFIXES: ReadonlyArray<readonly [Exclude<SignatureOrigin, "proxy">, string]> = [
  ["gemini", "gemini:"],
  ["responses", "responses:"],
  ["anthropic", "anthropic:"],
];

/**
 * The most thinking text a signature carries, in UTF-8 bytes (about 16K tokens; 87 KB once
 * encoded). A caller replays it on every later turn, so longer thinking is cut to its first
 * 64 KiB: the upstream still gets reasoning on the tool turn, only shortened.
 */
export const MAX_CARRIED_THINKING_BYTES = 64 * 1024;

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

/**
 * The proxy's signature carrying the thinking it stands for (cut to
 * `MAX_CARRIED_THINKING_BYTES`, on a character boundary). It reads back as a proxy signature.
 */
export function signatureCarryingThinking(text: string): string {
  const bytes = new Uint8Array(Math.min(MAX_CARRIED_THINKING_BYTES, text.length * 3));
  const { written } = new TextEncoder().encodeInto(text, bytes);
  const payload = bytes.subarray(0, written).toBase64({ alphabet: "base64url", omitPadding: true });
  return CARRIED_PREFIX + payload;
}

/**
 * The thinking text a `signatureCarryingThinking` string holds; undefined for any other string,
 * and for a mangled one (the thinking is lost, the part it rode on is not).
 */
export function thinkingCarriedBy(value: string): string | undefined {
  if (!value.startsWith(CARRIED_PREFIX)) return undefined;
  try {
    const bytes = Uint8Array.fromBase64(value.slice(CARRIED_PREFIX.length), {
      alphabet: "base64url",
    });
    return new TextDecoder().decode(bytes) || undefined;
  } catch {
    return undefined;
  }
}

function prefixOf(origin: Exclude<SignatureOrigin, "proxy">): string {
  return PREFIXES.find(([o]) => o === origin)![1];
}
