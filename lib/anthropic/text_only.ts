/**
 * A pass-through Messages body for a model that cannot read images or documents (`vision:
 * false`, e.g. DeepSeek's Anthropic endpoint): every `image` and `document` block, in messages
 * and inside tool results, becomes a text block saying what it was.
 */
import { isObject, type JsonObject } from "../json/fields.ts";
import { mapInner } from "../json/map_changed.ts";
import { type Media, type MediaEdit, mediaPlaceholder } from "../ir/media_placeholder.ts";

/** `messages` with media replaced. */
export function withoutMedia(messages: unknown): MediaEdit {
  if (!Array.isArray(messages)) return { list: messages, replaced: 0 };
  let replaced = 0;
  const block = (value: unknown): unknown => {
    if (!isObject(value)) return value;
    if (value.type === "image" || value.type === "document") {
      replaced++;
      return { type: "text", text: mediaPlaceholder(mediaOf(value)) };
    }
    return value.type === "tool_result" ? mapInner([value], "content", block)[0] : value;
  };
  return { list: mapInner(messages, "content", block), replaced };
}

function mediaOf(block: JsonObject): Media {
  const source = isObject(block.source) ? block.source : {};
  const str = (v: unknown) => typeof v === "string" ? v : undefined;
  return {
    kind: block.type === "image" ? "image" : "document",
    mediaType: str(source.media_type),
    data: source.type === "base64" ? str(source.data) : undefined,
    url: str(source.url),
    name: str(block.title),
  };
}
