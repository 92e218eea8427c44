/**
 * The text that stands in for an image or document sent to a model that cannot read them
 * (`vision: false`): the model still learns that something was there, what it was, and why it
 * cannot see it, and the request carries nothing image-shaped that a text-only upstream refuses.
 */
import { imageSize } from "./image_size.ts";

/** What is known of an image or document part, in any dialect. */
export interface Media {
  kind: "image" | "document";
  mediaType?: string;
  /** Base64 data, for reading an image's size. */
  data?: string;
  url?: string;
  /** A document's file name or title. */
  name?: string;
}

/** A dialect's message list with its media replaced, and how many were. */
export interface MediaEdit {
  /** The same list when nothing was replaced. */
  list: unknown;
  replaced: number;
}

/** Longest URL quoted in a placeholder. */
const MAX_URL = 200;

/** `[image omitted: image/png, 1024×768 — this model cannot read images]` and the like. */
export function mediaPlaceholder(media: Media): string {
  const facts: string[] = [];
  if (media.kind === "image") {
    if (media.mediaType) facts.push(media.mediaType);
    const size = media.data === undefined ? undefined : imageSize(media.data);
    if (size) facts.push(`${size.width}×${size.height}`);
  } else {
    const what = media.name ?? media.mediaType;
    if (what) facts.push(what);
  }
  if (media.url && facts.length === 0) facts.push(media.url.slice(0, MAX_URL));
  const plural = media.kind === "image" ? "images" : "documents";
  const detail = facts.length ? `: ${facts.join(", ")}` : "";
  return `[${media.kind} omitted${detail} — this model cannot read ${plural}]`;
}

/** The warning for a request whose media were replaced. */
export function mediaWarning(count: number): string {
  return `Replaced ${count} image or document part(s) with a text placeholder: ` +
    `this model cannot read them (vision: false)`;
}
