/**
 * A pass-through generateContent body for a model that cannot read images or documents
 * (`vision: false`): every `inlineData` and `fileData` part, in contents and inside
 * `functionResponse.parts`, becomes a text part saying what it was.
 */
import { isObject, type JsonObject } from "../json/fields.ts";
import { mapInner } from "../json/map_changed.ts";
import { type Media, type MediaEdit, mediaPlaceholder } from "../ir/media_placeholder.ts";
import { field } from "./_read.ts";

/** `contents` with media replaced. */
export function withoutMedia(contents: unknown): MediaEdit {
  if (!Array.isArray(contents)) return { list: contents, replaced: 0 };
  let replaced = 0;
  const part = (value: unknown): unknown => {
    if (!isObject(value)) return value;
    const media = mediaOf(value);
    if (media) {
      replaced++;
      return { text: mediaPlaceholder(media) };
    }
    const key = "functionResponse" in value ? "functionResponse" : "function_response";
    const response = value[key];
    if (!isObject(response)) return value;
    const edited = mapInner([response], "parts", part)[0];
    return edited === response ? value : { ...value, [key]: edited };
  };
  return { list: mapInner(contents, "parts", part), replaced };
}

function mediaOf(part: JsonObject): Media | undefined {
  const inline = field(part, "inlineData");
  const file = field(part, "fileData");
  const source = isObject(inline) ? inline : isObject(file) ? file : undefined;
  if (!source) return undefined;
  const mediaType = field(source, "mimeType");
  const type = typeof mediaType === "string" ? mediaType : undefined;
  const data = isObject(inline) && typeof inline.data === "string" ? inline.data : undefined;
  const uri = field(source, "fileUri");
  return {
    kind: type?.startsWith("image/") ? "image" : "document",
    mediaType: type,
    data,
    url: typeof uri === "string" ? uri : undefined,
  };
}
