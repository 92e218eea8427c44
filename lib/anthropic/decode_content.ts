/**
 * Reads an Anthropic caller's `messages` into internal messages: validates every block (a 400
 * naming the path for a wrong shape or an unknown block type), drops empty text, keeps web
 * searches (`server_tool_use` + `web_search_tool_result`, which Claude Code sends back), and
 * drops other Anthropic-only server blocks with a warning since no other dialect can carry them.
 */
import { invalidRequest } from "../errors.ts";
import { splitSignedCallId } from "../ir/ids.ts";
import { signatureFromString } from "../ir/signature.ts";
import type {
  DocumentPart,
  ImagePart,
  MediaSource,
  Message,
  Part,
  TextPart,
  ThinkingPart,
  ToolCallPart,
  ToolResultPart,
} from "../ir/types.ts";
import { searchCallOf, searchResultOf } from "./web_search.ts";
import {
  expectObject,
  isObject,
  joinPath,
  type JsonObject,
  optionalBoolean,
  optionalString,
  requiredString,
} from "../json/fields.ts";

/** Block types only Anthropic's servers understand; they cannot go to another dialect. */
const SERVER_BLOCKS = new Set([
  "server_tool_use",
  "container_upload",
  "search_result",
  "tool_reference",
  "mcp_tool_use",
  "mcp_tool_result",
]);

function isServerBlock(type: string): boolean {
  return SERVER_BLOCKS.has(type) || type.endsWith("_tool_result") && type !== "tool_result";
}

/** State shared while walking the conversation. */
interface Walk {
  /** Tool-call id → name, so results can name the function they answer. */
  callNames: Map<string, string>;
  warnings: string[];
}

/** Decodes `messages`; empty messages are dropped and tool results lead their user message. */
export function decodeMessages(raw: unknown[], warnings: string[]): Message[] {
  const walk: Walk = { callNames: new Map(), warnings };
  const out: Message[] = [];
  raw.forEach((value, i) => {
    const path = `messages[${i}]`;
    const message = expectObject(value, path);
    const role = requiredString(message, "role", path);
    if (role !== "user" && role !== "assistant" && role !== "system") {
      throw invalidRequest(`${path}: "role" must be "user", "assistant" or "system"`);
    }
    const content = decodeContent(message.content, joinPath(path, "content"), walk);
    if (role === "system" && content.some((p) => p.type !== "text")) {
      throw invalidRequest(`${path}: a system message may hold only text blocks`);
    }
    if (content.length === 0) return;
    out.push({ role, content: role === "user" ? toolResultsFirst(content) : content });
  });
  return out;
}

function decodeContent(value: unknown, path: string, walk: Walk): Part[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value ? [{ type: "text", text: value }] : [];
  if (!Array.isArray(value)) throw invalidRequest(`${path} must be a string or an array`);
  const parts: Part[] = [];
  value.forEach((block, j) => {
    const part = decodeBlock(block, `${path}[${j}]`, walk);
    if (part) parts.push(part);
  });
  return parts;
}

function decodeBlock(value: unknown, path: string, walk: Walk): Part | undefined {
  const block = expectObject(value, path);
  const type = requiredString(block, "type", path);
  switch (type) {
    case "text":
    case "image":
    case "document":
      return decodeMedia(block, type, path);
    case "thinking":
      return decodeThinking(block, path);
    case "redacted_thinking":
      return { type: "redacted_thinking", data: requiredString(block, "data", path) };
    case "tool_use":
      return decodeToolUse(block, path, walk);
    case "tool_result":
      return decodeToolResult(block, path, walk);
    case "server_tool_use":
    case "web_search_tool_result": {
      const part = type === "server_tool_use" ? searchCallOf(block) : searchResultOf(block);
      if (part) return part;
      break;
    }
  }
  if (isServerBlock(type)) {
    walk.warnings.push(`Dropped a "${type}" block (${path}): only Anthropic can carry it`);
    return undefined;
  }
  throw invalidRequest(`${path}.type: unknown content block type "${type}"`);
}

/** Text, image and document blocks: what a tool result may hold too. */
function decodeMedia(
  block: JsonObject,
  type: "text" | "image" | "document",
  path: string,
): TextPart | ImagePart | DocumentPart | undefined {
  const cache = cacheControl(block);
  if (type === "text") {
    const text = requiredString(block, "text", path);
    return text ? { type: "text", text, ...cache } : undefined;
  }
  const sourcePath = joinPath(path, "source");
  const source = expectObject(block.source, sourcePath);
  const kind = requiredString(source, "type", sourcePath);
  if (type === "document" && (kind === "text" || kind === "content")) {
    const text = documentText(source, kind, sourcePath);
    return text ? { type: "text", text, ...cache } : undefined;
  }
  const media = decodeSource(source, kind, type, sourcePath);
  if (type === "image") return { type: "image", source: media, ...cache };
  const title = optionalString(block, "title", path);
  return { type: "document", source: media, ...(title ? { filename: title } : {}), ...cache };
}

function decodeSource(source: JsonObject, kind: string, type: string, path: string): MediaSource {
  switch (kind) {
    case "base64":
      return {
        kind: "base64",
        mediaType: requiredString(source, "media_type", path),
        data: requiredString(source, "data", path),
      };
    case "url":
      return { kind: "url", url: requiredString(source, "url", path) };
  }
  throw invalidRequest(`${path}.type: unsupported ${type} source "${kind}"`);
}

/** A plain-text document (`{type:"text", data}`) or one made of text blocks, as text. */
function documentText(source: JsonObject, kind: string, path: string): string {
  if (kind === "text") return requiredString(source, "data", path);
  const content = source.content;
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) {
    throw invalidRequest(`${path}: "content" must be a string or an array`);
  }
  return content.map((item, k) => {
    const itemPath = `${joinPath(path, "content")}[${k}]`;
    const block = expectObject(item, itemPath);
    if (block.type !== "text") {
      throw invalidRequest(`${itemPath}.type: only text blocks are supported here`);
    }
    return requiredString(block, "text", itemPath);
  }).filter((text) => text).join("\n\n");
}

function decodeThinking(block: JsonObject, path: string): ThinkingPart | undefined {
  const text = optionalString(block, "thinking", path) ?? "";
  const signature = optionalString(block, "signature", path);
  if (!text && !signature) return undefined;
  return {
    type: "thinking",
    text,
    ...(signature ? { signature: signatureFromString(signature) } : {}),
  };
}

function decodeToolUse(block: JsonObject, path: string, walk: Walk): ToolCallPart {
  const id = requiredString(block, "id", path);
  const name = requiredString(block, "name", path);
  walk.callNames.set(id, name);
  const { signature } = splitSignedCallId(id);
  return {
    type: "tool_call",
    id,
    name,
    input: toolInput(block.input, path),
    ...(signature ? { signature: { origin: "gemini" as const, value: signature } } : {}),
    ...cacheControl(block),
  };
}

/** `input` as an object; a JSON string holding one is accepted, as some clients send that. */
function toolInput(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (isObject(value)) return value;
  if (typeof value === "string") {
    try {
      const parsed = JSON.parse(value || "{}");
      if (isObject(parsed)) return parsed;
    } catch {
      // falls through to the 400 below
    }
  }
  throw invalidRequest(`${path}: "input" must be an object`);
}

function decodeToolResult(block: JsonObject, path: string, walk: Walk): ToolResultPart {
  const toolCallId = requiredString(block, "tool_use_id", path);
  const content: ToolResultPart["content"] = [];
  const raw = block.content;
  const contentPath = joinPath(path, "content");
  if (typeof raw === "string") {
    if (raw) content.push({ type: "text", text: raw });
  } else if (Array.isArray(raw)) {
    raw.forEach((item, k) => {
      const part = decodeResultItem(item, `${contentPath}[${k}]`, walk);
      if (part) content.push(part);
    });
  } else if (raw !== undefined && raw !== null) {
    throw invalidRequest(`${contentPath} must be a string or an array`);
  }
  const isError = optionalBoolean(block, "is_error", path) ?? false;
  const name = walk.callNames.get(toolCallId);
  if (name === undefined) {
    throw invalidRequest(
      `${path}.tool_use_id: no tool_use with id ${
        JSON.stringify(toolCallId.slice(0, 100))
      } earlier in the conversation`,
    );
  }
  return {
    type: "tool_result",
    toolCallId,
    name,
    content,
    isError,
    ...cacheControl(block),
  };
}

function decodeResultItem(
  value: unknown,
  path: string,
  walk: Walk,
): TextPart | ImagePart | DocumentPart | undefined {
  const item = expectObject(value, path);
  const type = requiredString(item, "type", path);
  if (type === "text" || type === "image" || type === "document") {
    return decodeMedia(item, type, path);
  }
  if (type === "tool_reference") {
    // Claude Code's ToolSearch answers with references to deferred tools; elsewhere their names.
    const name = optionalString(item, "tool_name", path);
    return name ? { type: "text", text: name } : undefined;
  }
  if (isServerBlock(type)) {
    walk.warnings.push(`Dropped a "${type}" block (${path}): only Anthropic can carry it`);
    return undefined;
  }
  throw invalidRequest(`${path}.type: unknown tool result block type "${type}"`);
}

function cacheControl(block: JsonObject): { cacheControl?: unknown } {
  const value = block.cache_control;
  return value === undefined || value === null ? {} : { cacheControl: value };
}

/** Tool results first, the rest in order: all results of a turn precede other user content. */
function toolResultsFirst(parts: Part[]): Part[] {
  const results = parts.filter((p) => p.type === "tool_result");
  if (results.length === 0) return parts;
  return [...results, ...parts.filter((p) => p.type !== "tool_result")];
}
