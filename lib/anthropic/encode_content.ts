/**
 * Writes internal messages as Anthropic `messages` for an Anthropic upstream. Anthropic rejects
 * empty or blank text, foreign thinking signatures and ids outside `[A-Za-z0-9_-]`, so those are
 * dropped or fitted here; a search another upstream ran goes as text; a mid-conversation system
 * message stays in place as `role: "system"`.
 */
import { fitIdentifier } from "../ir/ids.ts";
import type { MediaSource, Message, Part } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { webSearchText } from "../ir/web_search.ts";
import { serverToolUseBlock, webSearchResultBlock } from "./web_search.ts";
import type {
  AnthropicContentBlock,
  AnthropicDocumentBlock,
  AnthropicImageBlock,
  AnthropicMessage,
  AnthropicSource,
  AnthropicTextBlock,
  AnthropicToolResultBlock,
} from "./types.ts";

/** Anthropic's limit for tool-use ids, which must also match `[A-Za-z0-9_-]+`. */
const MAX_ID = 64;

/** The caller's tool name → the name sent upstream. */
export type NameOf = (callerName: string) => string;

/**
 * Encodes the conversation: empty messages are dropped, consecutive messages of one role are
 * merged (tool results first in a merged user message).
 */
export function encodeMessages(
  messages: Message[],
  nameOf: NameOf,
  warnings: string[],
): AnthropicMessage[] {
  const out: AnthropicMessage[] = [];
  for (const message of messages) {
    const content: AnthropicContentBlock[] = [];
    const searches = anthropicSearches(message.content);
    for (const part of message.content) {
      if (message.role === "system" && part.type !== "text") {
        warnings.push(`Dropped a ${part.type} part from a system message`);
        continue;
      }
      const block = encodePart(part, nameOf, warnings, searches);
      if (block) content.push(block);
    }
    if (content.length === 0) continue;
    const last = out.at(-1);
    // A loop, not push(...content): spreading 100,000 parts overflows the stack.
    if (last && last.role === message.role) {
      for (const block of content) last.content.push(block);
    } else out.push({ role: message.role, content });
  }
  for (const message of out) {
    if (message.role === "user") message.content = toolResultsFirst(message.content);
  }
  return answerEveryCall(out, warnings);
}

/**
 * Anthropic refuses a `tool_use` whose `tool_result` is not in the very next user message (an
 * OpenAI caller that interrupted a turn leaves calls unanswered): such calls get an error result.
 */
function answerEveryCall(messages: AnthropicMessage[], warnings: string[]): AnthropicMessage[] {
  const out: AnthropicMessage[] = [];
  messages.forEach((message, i) => {
    out.push(message);
    if (message.role !== "assistant") return;
    const ids = message.content.flatMap((b) => b.type === "tool_use" ? [b.id] : []);
    if (ids.length === 0) return;
    let next = messages[i + 1];
    if (next?.role !== "user") {
      next = { role: "user", content: [] };
      out.push(next);
    }
    const answered = new Set(
      next.content.flatMap((b) => b.type === "tool_result" ? [b.tool_use_id] : []),
    );
    const missing = ids.filter((id) => !answered.has(id));
    if (missing.length === 0) return;
    warnings.push(`Added an error result for ${missing.length} unanswered tool call(s)`);
    const placeholders = missing.map((id): AnthropicToolResultBlock => ({
      type: "tool_result",
      tool_use_id: id,
      content: [{ type: "text", text: "(no result: the call was not answered)" }],
      is_error: true,
    }));
    next.content = [...placeholders, ...next.content];
  });
  return out;
}

/**
 * The searches of a message that Anthropic ran: only those go back as search blocks (Anthropic
 * reads its encrypted pages again); another upstream's search goes back as text.
 */
function anthropicSearches(parts: Part[]): Set<string> {
  const ids = new Set<string>();
  for (const part of parts) {
    if (
      part.type === "web_search_result" && part.errorCode === undefined &&
      part.sources.length > 0 && part.sources.every((s) => s.encryptedContent)
    ) ids.add(part.callId);
  }
  return ids;
}

function encodePart(
  part: Part,
  nameOf: NameOf,
  warnings: string[],
  searches: Set<string>,
): AnthropicContentBlock | undefined {
  switch (part.type) {
    case "text":
    case "image":
    case "document":
      return encodeMedia(part);
    case "thinking":
      if (part.signature?.origin === "anthropic" && part.signature.value) {
        return { type: "thinking", thinking: part.text, signature: part.signature.value };
      }
      warnings.push(
        "Dropped thinking that Anthropic did not sign: it cannot be replayed to Anthropic",
      );
      return undefined;
    case "redacted_thinking":
      return { type: "redacted_thinking", data: part.data };
    case "tool_call":
      return {
        type: "tool_use",
        id: fitIdentifier(part.id, MAX_ID),
        name: nameOf(part.name),
        input: part.input,
        ...cache(part.cacheControl),
      };
    case "tool_result":
      return encodeToolResult(part);
    case "web_search_call":
      return searches.has(part.id)
        ? serverToolUseBlock(part.id, part.query)
        : { type: "text", text: webSearchText(part) };
    case "web_search_result":
      return searches.has(part.callId)
        ? webSearchResultBlock(part)
        : { type: "text", text: webSearchText(part) };
    default:
      return unreachable(part);
  }
}

function encodeToolResult(part: Extract<Part, { type: "tool_result" }>): AnthropicToolResultBlock {
  const content = part.content.map(encodeMedia).filter((b) => b !== undefined);
  return {
    type: "tool_result",
    tool_use_id: fitIdentifier(part.toolCallId, MAX_ID),
    ...(content.length ? { content } : {}),
    ...(part.isError ? { is_error: true } : {}),
    ...cache(part.cacheControl),
  };
}

type MediaPart = Extract<Part, { type: "text" | "image" | "document" }>;
type MediaBlock = AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock;

/** Text (unless blank: Anthropic rejects whitespace-only text), images and documents. */
function encodeMedia(part: MediaPart): MediaBlock | undefined {
  switch (part.type) {
    case "text":
      if (part.text.trim() === "") return undefined;
      return { type: "text", text: part.text, ...cache(part.cacheControl) };
    case "image":
      return { type: "image", source: encodeSource(part.source), ...cache(part.cacheControl) };
    case "document":
      return {
        type: "document",
        source: encodeSource(part.source),
        ...(part.filename ? { title: part.filename } : {}),
        ...cache(part.cacheControl),
      };
    default:
      return unreachable(part);
  }
}

/** A media source; a `data:` URL becomes the base64 source Anthropic expects. */
function encodeSource(source: MediaSource): AnthropicSource {
  if (source.kind === "base64") {
    return { type: "base64", media_type: source.mediaType, data: source.data };
  }
  const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(source.url);
  if (dataUrl) return { type: "base64", media_type: dataUrl[1], data: dataUrl[2] };
  return { type: "url", url: source.url };
}

function cache(value: unknown): { cache_control?: unknown } {
  return value === undefined || value === null ? {} : { cache_control: value };
}

function toolResultsFirst(blocks: AnthropicContentBlock[]): AnthropicContentBlock[] {
  const results = blocks.filter((b) => b.type === "tool_result");
  if (results.length === 0) return blocks;
  return [...results, ...blocks.filter((b) => b.type !== "tool_result")];
}
