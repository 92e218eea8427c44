/**
 * A local token count for upstreams without a counter of their own. It counts everything the
 * model sees: system, messages, tool definitions, tool calls and results, thinking, and images.
 */
import type { MediaSource, Part, Request } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";

/** Per-message and per-tool framing the chat templates add. */
const MESSAGE_OVERHEAD = 4;
const TOOL_OVERHEAD = 8;
/** An image whose size cannot be read counts as a typical 1,000 × 1,000 one. */
const DEFAULT_IMAGE_TOKENS = 1334;

/** Estimated input tokens of a request. */
export function estimateRequestTokens(request: Request): number {
  let total = 0;
  for (const part of request.system) total += textTokens(part.text);
  for (const message of request.messages) {
    total += MESSAGE_OVERHEAD;
    for (const part of message.content) total += partTokens(part);
  }
  for (const tool of request.tools) {
    total += TOOL_OVERHEAD + textTokens(tool.name) + textTokens(tool.description ?? "") +
      textTokens(JSON.stringify(tool.inputSchema));
  }
  return total;
}

function partTokens(part: Part): number {
  switch (part.type) {
    case "text":
      return textTokens(part.text);
    case "thinking":
      return textTokens(part.text);
    case "redacted_thinking":
      return Math.ceil(part.data.length / 4);
    case "image":
      return imageTokens(part.source);
    case "document":
      return part.source.kind === "base64" ? Math.ceil(part.source.data.length * 0.75 / 50) : 500;
    case "tool_call":
      return 8 + textTokens(part.name) + textTokens(JSON.stringify(part.input));
    case "tool_result": {
      let n = 8;
      for (const inner of part.content) n += partTokens(inner);
      return n;
    }
    default:
      return unreachable(part);
  }
}

/**
 * Tokens of a text, from its shape: runs of letters count about one token per 4.2 characters,
 * digits one per 3, and every other symbol one each (what BPE tokenizers of the o200k class do
 * to code, JSON and prose alike).
 */
export function textTokens(text: string): number {
  let tokens = 0;
  let letters = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) {
      letters++;
      continue;
    }
    if (c >= 48 && c <= 57) {
      digits++;
      continue;
    }
    if (letters) tokens += Math.ceil(letters / 4.2);
    if (digits) tokens += Math.ceil(digits / 3);
    letters = digits = 0;
    if (c === 32) continue; // a space joins the word after it
    tokens += c > 0x2fff ? 1 : c > 127 ? 0.5 : c === 10 ? 0.5 : 1;
  }
  if (letters) tokens += Math.ceil(letters / 4.2);
  if (digits) tokens += Math.ceil(digits / 3);
  return Math.ceil(tokens);
}

/** Image tokens from its pixel size (~750 pixels a token), read from a PNG/JPEG/GIF header. */
function imageTokens(source: MediaSource): number {
  if (source.kind !== "base64") return DEFAULT_IMAGE_TOKENS;
  const size = imageSize(source.data);
  if (!size) return DEFAULT_IMAGE_TOKENS;
  return Math.max(1, Math.ceil((size.width * size.height) / 750));
}

function imageSize(base64: string): { width: number; height: number } | undefined {
  let bytes: Uint8Array;
  try {
    const head = atob(base64.slice(0, 4096 - (4096 % 4)));
    bytes = Uint8Array.from(head, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
  const view = new DataView(bytes.buffer);
  if (bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 10 && bytes[0] === 0x47 && bytes[1] === 0x49) {
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    while (at + 9 < bytes.length) {
      if (bytes[at] !== 0xff) return undefined;
      const marker = bytes[at + 1];
      const length = view.getUint16(at + 2);
      if (
        marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
      ) {
        return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
      }
      at += 2 + length;
    }
  }
  return undefined;
}
