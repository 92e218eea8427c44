/**
 * Images and documents as Gemini parts: base64 data (and `data:` URLs) as `inlineData`, other
 * URLs as `fileData`, which needs a MIME type even when the caller gave none.
 */
import type { MediaSource } from "../ir/types.ts";
import type { GeminiPart } from "./types.ts";

const EXTENSION_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  pdf: "application/pdf",
  txt: "text/plain",
};

/** One media source as an `inlineData` or `fileData` part; `fallback` is the guessed type. */
export function mediaPart(source: MediaSource, fallback: string): GeminiPart {
  if (source.kind === "base64") {
    return { inlineData: { mimeType: source.mediaType || fallback, data: source.data } };
  }
  const dataUrl = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s.exec(source.url);
  if (dataUrl) {
    return {
      inlineData: { mimeType: dataUrl[1] || source.mediaType || fallback, data: dataUrl[2] },
    };
  }
  return {
    fileData: {
      mimeType: source.mediaType || guessType(source.url) || fallback,
      fileUri: source.url,
    },
  };
}

function guessType(url: string): string | undefined {
  const path = url.split(/[?#]/)[0];
  const dot = path.lastIndexOf(".");
  if (dot < 0 || path.lastIndexOf("/") > dot) return undefined;
  return EXTENSION_TYPES[path.slice(dot + 1).toLowerCase()];
}
