/**
 * A pass-through Chat Completions body for a model that cannot read images or files (`vision:
 * false`: DeepSeek and Kimi answer 400 to an `image_url` part): every `image_url` and `file`
 * part becomes a text part saying what it was.
 */
import { isObject, type JsonObject } from "../json/fields.ts";
import { mapInner } from "../json/map_changed.ts";
import { type Media, type MediaEdit, mediaPlaceholder } from "../ir/media_placeholder.ts";
import { parseDataUrl } from "./_media.ts";

/** `messages` with media replaced. */
export function withoutMedia(messages: unknown): MediaEdit {
  if (!Array.isArray(messages)) return { list: messages, replaced: 0 };
  let replaced = 0;
  const part = (value: unknown): unknown => {
    if (!isObject(value) || (value.type !== "image_url" && value.type !== "file")) return value;
    replaced++;
    return { type: "text", text: mediaPlaceholder(mediaOf(value)) };
  };
  return { list: mapInner(messages, "content", part), replaced };
}

function mediaOf(part: JsonObject): Media {
  const inner = isObject(part.image_url) ? part.image_url : isObject(part.file) ? part.file : {};
  const url = typeof inner.url === "string"
    ? inner.url
    : typeof inner.file_data === "string"
    ? inner.file_data
    : undefined;
  const data = url === undefined ? undefined : parseDataUrl(url);
  return {
    kind: part.type === "image_url" ? "image" : "document",
    mediaType: data?.mediaType,
    data: data?.data,
    url: data ? undefined : url,
    name: typeof inner.filename === "string" ? inner.filename : undefined,
  };
}
