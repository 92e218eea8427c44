/**
 * Content a Responses caller sends (a message's `content`, a tool output's `output`) as internal
 * parts: `input_text` / `output_text` / `refusal` as text, `input_image` and `input_file` as
 * images and documents. Empty text is dropped here, so no empty part ever reaches an upstream.
 */
import { invalidRequest } from "../errors.ts";
import type { DocumentPart, ImagePart, TextPart } from "../ir/types.ts";
import { parseDataUrl } from "../openai/_media.ts";
import {
  expectObject,
  fieldError,
  joinPath,
  type JsonObject,
  optionalString,
} from "../json/fields.ts";

export type ContentPart = TextPart | ImagePart | DocumentPart;

/** A string, or an array of content parts; `null` and absent read as no content. */
export function decodeContent(content: unknown, path: string): ContentPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (!Array.isArray(content)) {
    throw invalidRequest(`${path} must be a string or an array of content parts`);
  }
  const out: ContentPart[] = [];
  content.forEach((raw, i) => {
    const part = decodePart(expectObject(raw, joinPath(path, i)), joinPath(path, i));
    if (part) out.push(part);
  });
  return out;
}

/** Text-only content (system and developer messages). */
export function decodeTextContent(content: unknown, path: string): TextPart[] {
  return decodeContent(content, path).map((part, i) => {
    if (part.type !== "text") {
      throw invalidRequest(`${joinPath(path, i)}: only text is allowed in a system message`);
    }
    return part;
  });
}

function decodePart(part: JsonObject, path: string): ContentPart | undefined {
  switch (part.type) {
    case "input_text":
    case "output_text":
    case "text": {
      if (typeof part.text !== "string") throw fieldError(path, "text", "must be a string");
      return part.text ? { type: "text", text: part.text } : undefined;
    }
    case "refusal": {
      const refusal = optionalString(part, "refusal", path);
      return refusal ? { type: "text", text: refusal } : undefined;
    }
    case "input_image":
      return imagePart(part, path);
    case "input_file":
      return documentPart(part, path);
    case "input_audio":
      throw invalidRequest(`${path}: audio input is not supported by this proxy`);
  }
  if (typeof part.type !== "string") throw fieldError(path, "type", "must be a string");
  throw invalidRequest(`${path}: content part type ${JSON.stringify(part.type)} is not supported`);
}

function imagePart(part: JsonObject, path: string): ImagePart {
  const url = optionalString(part, "image_url", path);
  if (!url) {
    if (part.file_id !== undefined && part.file_id !== null) throw noFileIds(path);
    throw fieldError(path, "image_url", "must be a non-empty string");
  }
  const data = parseDataUrl(url);
  if (data) return { type: "image", source: { kind: "base64", ...data } };
  if (url.startsWith("data:")) {
    throw invalidRequest(`${path}: image data URLs must be base64-encoded`);
  }
  return { type: "image", source: { kind: "url", url } };
}

function documentPart(part: JsonObject, path: string): DocumentPart {
  const filename = optionalString(part, "filename", path);
  const named = filename ? { filename } : {};
  const fileData = optionalString(part, "file_data", path);
  if (fileData) {
    // a data URL, or (as some clients send) bare base64, which OpenAI reads as a PDF
    const data = parseDataUrl(fileData) ?? { mediaType: "application/pdf", data: fileData };
    return { type: "document", source: { kind: "base64", ...data }, ...named };
  }
  const fileUrl = optionalString(part, "file_url", path);
  if (fileUrl) return { type: "document", source: { kind: "url", url: fileUrl }, ...named };
  if (part.file_id !== undefined && part.file_id !== null) throw noFileIds(path);
  throw fieldError(path, "file_data", "must be a non-empty string");
}

function noFileIds(path: string) {
  return invalidRequest(
    `${path}: "file_id" is not supported (the proxy keeps no files); send the data inline`,
  );
}
