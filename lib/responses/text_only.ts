/**
 * A pass-through Responses body for a model that cannot read images or files (`vision: false`):
 * every `input_image` and `input_file` part, in a message's `content` or a call output's
 * `output`, becomes an `input_text` part saying what it was.
 */
import { isObject, type JsonObject } from "../json/fields.ts";
import { mapChanged, mapInner } from "../json/map_changed.ts";
import { type Media, type MediaEdit, mediaPlaceholder } from "../ir/media_placeholder.ts";
import { parseDataUrl } from "../openai/_media.ts";

/** `input` with media replaced (a string `input` holds none). */
export function withoutMedia(input: unknown): MediaEdit {
  if (!Array.isArray(input)) return { list: input, replaced: 0 };
  let replaced = 0;
  const part = (value: unknown): unknown => {
    if (!isObject(value) || (value.type !== "input_image" && value.type !== "input_file")) {
      return value;
    }
    replaced++;
    return { type: "input_text", text: mediaPlaceholder(mediaOf(value)) };
  };
  const list = mapChanged(mapInner(input, "content", part), (item) => {
    if (!isObject(item) || !Array.isArray(item.output)) return item;
    const output = mapChanged(item.output as unknown[], part);
    return output === item.output ? item : { ...item, output };
  });
  return { list, replaced };
}

function mediaOf(part: JsonObject): Media {
  const image = part.type === "input_image";
  const field = image ? part.image_url : part.file_data ?? part.file_url;
  const url = typeof field === "string" ? field : undefined;
  const data = url === undefined ? undefined : parseDataUrl(url);
  return {
    kind: image ? "image" : "document",
    mediaType: data?.mediaType,
    data: data?.data,
    url: data ? undefined : url,
    name: typeof part.filename === "string" ? part.filename : undefined,
  };
}
