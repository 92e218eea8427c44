/**
 * The internal conversation as OpenAI `messages` for an upstream: one leading `system` message,
 * mid-conversation system messages in place, tool results as `tool` messages right after the
 * assistant turn that called them, and every thinking text back as `reasoning_content` (DeepSeek
 * demands it on tool turns).
 */
import { invalidRequest } from "../errors.ts";
import { fitIdentifier, splitSignedCallId } from "../ir/ids.ts";
import type {
  DocumentPart,
  ImagePart,
  Message,
  Part,
  Request,
  TextPart,
  ToolResultPart,
} from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { webSearchText } from "../ir/web_search.ts";
import { urlOfSource } from "./_media.ts";
import { cacheControlOf, textContent, textPartOut } from "./cache_control.ts";
import type { ChatContentPartOut, ChatMessageOut, ChatToolCallOut } from "./types.ts";

/** OpenAI rejects call ids longer than this. */
export const MAX_CALL_ID = 40;

/**
 * The id an upstream sees for a call id: without a Gemini signature riding in it (that goes back
 * only to Gemini), fitted to 40 characters; calls and results map alike, so they still match.
 */
export function upstreamCallId(id: string): string {
  return fitIdentifier(splitSignedCallId(id).baseId, MAX_CALL_ID);
}

/** What the upstream reads besides plain Chat Completions. */
export interface MessageOptions {
  /** Gemini behind its OpenAI-compatible endpoint, the one OpenAI-dialect upstream that reads
   * `extra_content.google.thought_signature` (others get no Gemini signature). */
  geminiSignatures?: boolean;
  /** `cache_control` breakpoints on content parts (`prompt_cache: true`). */
  promptCache?: boolean;
}

/** Encodes the conversation; `toolName` gives a tool's upstream (fitted) name. */
export function encodeMessages(
  request: Request,
  toolName: (name: string) => string,
  warnings: string[],
  options: MessageOptions = {},
): ChatMessageOut[] {
  const out: ChatMessageOut[] = [];
  const cache = options.promptCache ?? false;
  const system = textContent(request.system, "\n\n", cache);
  if (system.length) out.push({ role: "system", content: system });
  let unanswered: string[] = []; // call ids of the last assistant turn without a tool message yet
  for (const message of request.messages) {
    const encoded = encodeMessage(message, toolName, warnings, options);
    const answered = new Set(encoded.flatMap((m) => m.role === "tool" ? [m.tool_call_id] : []));
    const missing = unanswered.filter((id) => !answered.has(id));
    const toolCount = encoded.filter((m) => m.role === "tool").length;
    // Loops, not push(...): spreading 100,000 tool messages overflows the stack.
    for (let i = 0; i < toolCount; i++) out.push(encoded[i]);
    for (const id of missing) out.push(missingResult(id));
    for (let i = toolCount; i < encoded.length; i++) out.push(encoded[i]);
    if (missing.length > 0) {
      warnings.push(`Added a placeholder result for ${missing.length} unanswered tool call(s)`);
    }
    unanswered = encoded.flatMap((m) =>
      m.role === "assistant" ? (m.tool_calls ?? []).map((c) => c.id) : []
    );
  }
  return out;
}

function encodeMessage(
  message: Message,
  toolName: (name: string) => string,
  warnings: string[],
  options: MessageOptions,
): ChatMessageOut[] {
  const cache = options.promptCache ?? false;
  switch (message.role) {
    case "system": {
      const texts = onlyText(message.content, "system message", warnings);
      const content = textContent(texts, "\n\n", cache);
      return content.length ? [{ role: "system", content }] : [];
    }
    case "user":
      return encodeUserTurn(message.content, warnings, cache);
    case "assistant":
      return encodeAssistant(message.content, toolName, warnings, options);
    default:
      return unreachable(message.role);
  }
}

/** Tool messages first, then one user message with the results' images and the user's content. */
function encodeUserTurn(content: Part[], warnings: string[], cache: boolean): ChatMessageOut[] {
  const tools: ChatMessageOut[] = [];
  const media: Array<ImagePart | DocumentPart> = [];
  const rest: Array<TextPart | ImagePart | DocumentPart> = [];
  for (const part of content) {
    if (part.type === "tool_result") {
      tools.push(toolMessage(part, cache));
      for (const p of part.content) if (p.type !== "text") media.push(p);
    } else if (part.type === "text" || part.type === "image" || part.type === "document") {
      rest.push(part);
    } else {
      warnings.push(`Dropped a ${part.type} part from a user message`);
    }
  }
  const parts = [...media, ...rest].map((p) => contentPartOf(p, warnings, cache));
  if (parts.length === 0) return tools;
  const textOnly = parts.every((p) => p.type === "text" && !p.cache_control);
  const user: ChatMessageOut = {
    role: "user",
    content: textOnly ? parts.map((p) => (p as { text: string }).text).join("\n\n") : parts,
  };
  return [...tools, user];
}

/** A tool message; a breakpoint on the result (or inside it) marks its whole text. */
function toolMessage(part: ToolResultPart, cache: boolean): ChatMessageOut {
  let text = joinText(part.content, "\n");
  if (!text) {
    const hasMedia = part.content.some((p) => p.type !== "text");
    text = hasMedia ? "(the result's attachments follow in the next message)" : "(no output)";
  }
  if (part.isError) text = `Error: ${text}`;
  const tool_call_id = upstreamCallId(part.toolCallId);
  const breakpoint = cache
    ? cacheControlOf(part.cacheControl) ??
      part.content.map((p) => cacheControlOf(p.cacheControl)).findLast((c) => c)
    : undefined;
  if (!breakpoint) return { role: "tool", tool_call_id, content: text };
  return {
    role: "tool",
    tool_call_id,
    content: [{ type: "text", text, cache_control: breakpoint }],
  };
}

function missingResult(id: string): ChatMessageOut {
  return { role: "tool", tool_call_id: id, content: "(no result: the call was not answered)" };
}

function encodeAssistant(
  content: Part[],
  toolName: (name: string) => string,
  warnings: string[],
  options: MessageOptions,
): ChatMessageOut[] {
  const texts: TextPart[] = [];
  const reasoning: string[] = [];
  const calls: ChatToolCallOut[] = [];
  for (const part of content) {
    if (part.type === "text") texts.push(part);
    else if (part.type === "thinking") reasoning.push(part.text);
    else if (part.type === "tool_call") {
      calls.push({
        id: upstreamCallId(part.id),
        type: "function",
        function: { name: toolName(part.name), arguments: JSON.stringify(part.input) },
        ...(options.geminiSignatures && part.signature?.origin === "gemini"
          ? { extra_content: { google: { thought_signature: part.signature.value } } }
          : {}),
      });
    } else if (part.type === "web_search_call" || part.type === "web_search_result") {
      texts.push({ type: "text", text: webSearchText(part) });
    } else if (part.type === "redacted_thinking") {
      warnings.push("Dropped a redacted thinking block: OpenAI-dialect upstreams cannot read it");
    } else warnings.push(`Dropped a ${part.type} part from an assistant message`);
  }
  const text = textContent(texts, "\n\n", options.promptCache ?? false);
  if (!text.length && calls.length === 0) return [];
  const joinedReasoning = reasoning.filter((t) => t !== "").join("\n\n");
  return [{
    role: "assistant",
    content: text.length ? text : null,
    ...(joinedReasoning ? { reasoning_content: joinedReasoning } : {}),
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  }];
}

function contentPartOf(
  part: TextPart | ImagePart | DocumentPart,
  warnings: string[],
  cache: boolean,
): ChatContentPartOut {
  switch (part.type) {
    case "text":
      return textPartOut(part, cache);
    case "image":
      return { type: "image_url", image_url: { url: urlOfSource(part.source) } };
    case "document":
      return documentPartOf(part, warnings);
    default:
      return unreachable(part);
  }
}

/** PDFs go as `file` parts; plain-text documents as text; linked documents as their link. */
function documentPartOf(part: DocumentPart, warnings: string[]): ChatContentPartOut {
  const source = part.source;
  if (source.kind === "url") {
    warnings.push("Sent a linked document as its URL: OpenAI file parts need inline data");
    return { type: "text", text: `Document: ${source.url}` };
  }
  if (source.mediaType.startsWith("text/")) {
    return { type: "text", text: decodeBase64Text(source.data) };
  }
  return {
    type: "file",
    file: { filename: part.filename ?? "document.pdf", file_data: urlOfSource(source) },
  };
}

/** The text of a base64 plain-text document; a malformed one is a 400, not a crash. */
function decodeBase64Text(data: string): string {
  let binary: string;
  try {
    binary = atob(data);
  } catch {
    throw invalidRequest("A text document's base64 data is malformed");
  }
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

function onlyText(parts: Part[], where: string, warnings: string[]): TextPart[] {
  const texts = parts.filter((p): p is TextPart => p.type === "text");
  if (texts.length < parts.length) warnings.push(`Dropped non-text parts from a ${where}`);
  return texts;
}

function joinText(parts: Array<{ type: string }>, separator: string): string {
  return parts.flatMap((p) => p.type === "text" ? [(p as TextPart).text] : [])
    .filter((t) => t !== "").join(separator);
}
