/** Data URLs ↔ media sources: OpenAI carries inline images and files as `data:` URLs. */
import type { MediaSource } from "../ir/types.ts";

/** `data:<type>;base64,<data>` split into its parts, or undefined for any other URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url);
  if (!match || !match[2].split(";").includes("base64")) return undefined;
  return { mediaType: match[1] || "application/octet-stream", data: match[3] };
}

/** The URL an OpenAI request carries for a media source. */
export function urlOfSource(source: MediaSource): string {
  return source.kind === "base64" ? `data:${source.mediaType};base64,${source.data}` : source.url;
}
