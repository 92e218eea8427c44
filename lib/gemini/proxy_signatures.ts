/**
 * A pass-through generateContent body on its way to Gemini. A `thoughtSignature` the proxy made
 * for a Gemini caller (one carrying an OpenAI-dialect upstream's reasoning, from turns before
 * the session switched to a Gemini model) is not Gemini's, and Gemini refuses a signature it did
 * not make: on a call part it becomes the documented placeholder that Gemini accepts where the
 * history cannot supply a signature, and on any other part it is removed.
 */
import { isObject } from "../json/fields.ts";
import { mapInner } from "../json/map_changed.ts";
import { signatureFromString } from "../ir/signature.ts";
import { SKIP_SIGNATURE } from "./encode_contents.ts";

/** `contents` without the proxy's signatures (the same list when it has none). */
export function withoutProxySignatures(contents: unknown): { list: unknown; replaced: number } {
  if (!Array.isArray(contents)) return { list: contents, replaced: 0 };
  let replaced = 0;
  const part = (value: unknown): unknown => {
    if (!isObject(value) || typeof value.thoughtSignature !== "string") return value;
    if (signatureFromString(value.thoughtSignature, "gemini").origin !== "proxy") return value;
    replaced++;
    const { thoughtSignature: _, ...rest } = value;
    return isObject(value.functionCall) ? { ...rest, thoughtSignature: SKIP_SIGNATURE } : rest;
  };
  return { list: mapInner(contents, "parts", part), replaced };
}
