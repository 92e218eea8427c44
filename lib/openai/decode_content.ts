/**
 * A caller's message `content` (a string, null, or an array of parts) as internal parts. Empty
 * text is dropped here, so no empty part ever reaches an upstream.
 */
import { invalidRequest } from "../errors.ts";
import type { DocumentPart, ImagePart, TextPart } from "../ir/types.ts";
import {
  expectObject,
  fieldError,
  isObject,
  joinPath,
  type JsonObject,
  optionalString,
} from "../json/fields.ts";
import { parseDataUrl } from "./_media.ts";

/** Content made of text only (system, developer and tool messages). */
export function decodeTextContent(content: unknown, path: string): TextPart[] {
  return decodeParts(content, path, (part, partPath) => {
    if (part.type === "text") return textPart(part, partPath);
    throw unsupportedPart(part, partPath);
  });
}

/** User content: text, images (`image_url`) and files (`file`). */
export function decodeUserContent(
  content: unknown,
  path: string,
): Array<TextPart | ImagePart | DocumentPart> {
  return decodeParts(content, path, (part, partPath) => {
    switch (part.type) {
      case "text":
        return textPart(part, partPath);
      case "image_url":
        return imagePart(part, partPath);
      case "file":
        return documentPart(part, partPath);
      case "input_audio":
        throw invalidRequest(`${partPath}: audio input is not supported by this proxy`);
    }
    throw unsupportedPart(part, partPath);
  });
}

/** Assistant content: text and `refusal` parts, both read as text. */
export function decodeAssistantContent(content: unknown, path: string): TextPart[] {
  return decodeParts(content, path, (part, partPath) => {
    if (part.type === "text") return textPart(part, partPath);
    if (part.type === "refusal") {
      const refusal = optionalString(part, "refusal", partPath);
      return refusal ? { type: "text", text: refusal } : undefined;
    }
    throw unsupportedPart(part, partPath);
  });
}

function decodeParts<T>(
  content: unknown,
  path: string,
  decodePart: (part: JsonObject, path: string) => T | undefined,
): T[] {
  if (content === undefined || content === null) return [];
  if (typeof content === "string") {
    return content === "" ? [] : [decodePart({ type: "text", text: content }, path)!];
  }
  if (!Array.isArray(content)) {
    throw invalidRequest(`${path} must be a string or an array of content parts`);
  }
  const out: T[] = [];
  content.forEach((raw, i) => {
    const partPath = joinPath(path, i);
    const part = expectObject(raw, partPath);
    if (typeof part.type !== "string") throw fieldError(partPath, "type", "must be a string");
    const decoded = decodePart(part, partPath);
    if (decoded !== undefined) out.push(decoded);
  });
  return out;
}

function textPart(part: JsonObject, path: string): TextPart | undefined {
  if (typeof part.text !== "string") throw fieldError(path, "text", "must be a string");
  return part.text === "" ? undefined : { type: "text", text: part.text, ...cacheControlOf(part) };
}

function imagePart(part: JsonObject, path: string): ImagePart {
  // `image_url` is an object `{url, detail?}`; a bare string is accepted too.
  const raw = part.image_url;
  const url = typeof raw === "string" ? raw : optionalString(
    expectObject(raw, joinPath(path, "image_url")),
    "url",
    joinPath(path, "image_url"),
  );
  if (!url) throw fieldError(joinPath(path, "image_url"), "url", "must be a non-empty string");
  const data = parseDataUrl(url);
  if (data) return { type: "image", source: { kind: "base64", ...data }, ...cacheControlOf(part) };
  if (url.startsWith("data:")) {
    throw invalidRequest(`${path}: image data URLs must be base64-encoded`);
  }
  return { type: "image", source: { kind: "url", url }, ...cacheControlOf(part) };
}

function documentPart(part: JsonObject, path: string): DocumentPart {
  const filePath = joinPath(path, "file");
  const file = expectObject(part.file, filePath);
  const filename = optionalString(file, "filename", filePath);
  const fileData = optionalString(file, "file_data", filePath);
  if (!fileData) {
    if (file.file_id !== undefined) {
      throw invalidRequest(`${filePath}: "file_id" is not supported; send the file as "file_data"`);
    }
    throw fieldError(filePath, "file_data", "must be a non-empty string");
  }
  // A data URL, or (as some clients send) bare base64, which OpenAI reads as a PDF.
  const data = parseDataUrl(fileData) ?? { mediaType: "application/pdf", data: fileData };
  return {
    type: "document",
    source: { kind: "base64", ...data },
    ...(filename ? { filename } : {}),
    ...cacheControlOf(part),
  };
}

/**
 * `cache_control` on a part (OpenRouter-style clients mark Anthropic cache breakpoints this
 * way), kept so an Anthropic upstream still receives it.
 */
function cacheControlOf(part: JsonObject): { cacheControl?: unknown } {
  return isObject(part.cache_control) ? { cacheControl: part.cache_control } : {};
}

function unsupportedPart(part: JsonObject, path: string) {
  return invalidRequest(`${path}: content part type ${JSON.stringify(part.type)} is not supported`);
}
