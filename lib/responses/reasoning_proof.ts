/**
 * `encrypted_content` is this dialect's thinking signature. For a Responses caller it also
 * carries the other dialects' proofs, marked with their origin (an Anthropic signature, a Gemini
 * thought signature, the proxy's own mark, an Anthropic redacted-thinking blob), so that each
 * goes back only to the upstream that made it, with nothing kept on the server.
 */
import { signatureFromString, signatureToString } from "../ir/signature.ts";
import type { RedactedThinkingPart, Signature, ThinkingPart } from "../ir/types.ts";

/** Marks Anthropic redacted thinking, which has no readable text, only its opaque data. */
const REDACTED_PREFIX = "anthropic-redacted:";

/** The `encrypted_content` a Responses caller receives for a signature. */
export function encryptedContentOf(signature: Signature): string {
  return signatureToString(signature, "responses");
}

/** The `encrypted_content` a Responses caller receives for Anthropic redacted thinking. */
export function encryptedContentOfRedacted(data: string): string {
  return REDACTED_PREFIX + data;
}

/**
 * A reasoning item a caller replayed, as the part it stands for; undefined when it carries
 * nothing an upstream could use (no text, and no proof but the proxy's own mark).
 */
export function reasoningPart(
  text: string,
  encryptedContent: string | undefined,
): ThinkingPart | RedactedThinkingPart | undefined {
  if (encryptedContent?.startsWith(REDACTED_PREFIX)) {
    return { type: "redacted_thinking", data: encryptedContent.slice(REDACTED_PREFIX.length) };
  }
  if (!encryptedContent) return text ? { type: "thinking", text } : undefined;
  const signature = signatureFromString(encryptedContent, "responses");
  if (!text && signature.origin === "proxy") return undefined;
  return { type: "thinking", text, signature };
}

/**
 * Whether a replayed `encrypted_content` is a Responses upstream's own (not another dialect's
 * proof, nor the proxy's mark, that the proxy put there for a Responses caller).
 */
export function isOwnProof(encryptedContent: string): boolean {
  if (encryptedContent.startsWith(REDACTED_PREFIX)) return false;
  return signatureFromString(encryptedContent, "responses").origin === "responses";
}
