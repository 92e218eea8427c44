/**
 * Tool-call ids and tool names across dialects: ids that carry a Gemini thought signature (the
 * one thing every client sends back verbatim), and reversible shortening for upstreams with
 * length limits (OpenAI: ids ≤ 40 characters, function names ≤ 64).
 */
import type { Signature } from "./types.ts";

const SIGNED_MARK = "__gsig_";

/** An id for a caller that carries Gemini's `thoughtSignature` inside it. */
export function callIdWithSignature(baseId: string, signature: string): string {
  return baseId + SIGNED_MARK + toBase64Url(signature);
}

/**
 * The id a caller sees for a call: with its Gemini signature folded in, once (an id that already
 * carries one is left as it is); calls with no Gemini signature keep their id.
 */
export function callerCallId(id: string, signature: Signature | undefined): string {
  if (signature?.origin !== "gemini" || splitSignedCallId(id).signature !== undefined) return id;
  return callIdWithSignature(id, signature.value);
}

/** Splits an id made by `callIdWithSignature`; other ids come back with no signature. */
export function splitSignedCallId(id: string): { baseId: string; signature?: string } {
  const at = id.indexOf(SIGNED_MARK);
  if (at < 0) return { baseId: id };
  try {
    return { baseId: id.slice(0, at), signature: fromBase64Url(id.slice(at + SIGNED_MARK.length)) };
  } catch {
    return { baseId: id }; // a mangled id: the signature is lost, the call is not
  }
}

const SAFE = /^[A-Za-z0-9_-]+$/;

/**
 * A name or id that fits `max` characters of `[A-Za-z0-9_-]`: unchanged when it already does,
 * else a readable head plus a hash of the whole, so the same input always gives the same output.
 */
export function fitIdentifier(value: string, max: number): string {
  if (value.length <= max && SAFE.test(value)) return value;
  const hash = hash64(value);
  const head = value.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, Math.max(0, max - hash.length - 1));
  return head ? `${head}_${hash}` : hash.slice(0, max);
}

/**
 * Shortens every tool name to `max` characters and returns the map back from the upstream's
 * names to the caller's, so answers can be restored without server-side state.
 */
export function fitToolNames(
  names: Iterable<string>,
  max: number,
): { toUpstream: Map<string, string>; toCaller: Map<string, string> } {
  const toUpstream = new Map<string, string>();
  const toCaller = new Map<string, string>();
  for (const name of names) {
    const fitted = fitIdentifier(name, max);
    toUpstream.set(name, fitted);
    toCaller.set(fitted, name);
  }
  return { toUpstream, toCaller };
}

/** 16 hex characters of two FNV-1a passes: stable, fast, and synchronous. */
function hash64(value: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(value: string): string {
  const binary = atob(value.replaceAll("-", "+").replaceAll("_", "/"));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
