/**
 * Upstream side: internal messages into Gemini `contents` and `systemInstruction`. Gemini wants
 * strictly `user`/`model` turns, every system text in `systemInstruction`, function responses
 * that name their function, and each `thoughtSignature` back on the kind of part it came on.
 */
import { fitIdentifier, splitSignedCallId } from "../ir/ids.ts";
import type { Message, Part, Request, ToolCallPart, ToolResultPart } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { webSearchText } from "../ir/web_search.ts";
import { mediaPart } from "./media.ts";
import type { GeminiContent, GeminiPart } from "./types.ts";

/** The documented placeholder for a call whose signature the history cannot supply. */
export const SKIP_SIGNATURE = "skip_thought_signature_validator";

/** Ids Gemini is sent as they are; other ids are left out (Gemini pairs calls by order). */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface ContentsOptions {
  /** Caller tool name → upstream name (fitted to 64 characters). */
  names: Map<string, string>;
  /** Gemini 3 validates the first call of each step: unsigned ones get `SKIP_SIGNATURE`. */
  requireCallSignatures: boolean;
}

export interface EncodedContents {
  contents: GeminiContent[];
  system: GeminiPart[];
}

interface EncodeState extends ContentsOptions {
  /** Call id (as sent by the caller, and without a carried signature) → caller's name. */
  callNames: Map<string, string>;
  warnings: string[];
  droppedThinking: number;
}

/** Messages into contents; mid-conversation system messages join `systemInstruction`. */
export function encodeContents(
  request: Request,
  options: ContentsOptions,
  warnings: string[],
): EncodedContents {
  const state: EncodeState = {
    ...options,
    callNames: callNames(request.messages),
    warnings,
    droppedThinking: 0,
  };
  const system: GeminiPart[] = request.system.filter((p) => p.text).map((p) => ({ text: p.text }));
  const contents: GeminiContent[] = [];
  for (const message of request.messages) {
    if (message.role === "system") {
      for (const part of message.content) {
        if (part.type === "text" && part.text) system.push({ text: part.text });
      }
      continue;
    }
    const role = message.role === "user" ? "user" : "model";
    const parts = role === "user" ? userParts(message, state) : modelParts(message, state);
    if (parts.length === 0) continue;
    const last = contents.at(-1);
    if (last?.role === role) last.parts = mergeTurn(role, last.parts ?? [], parts);
    else contents.push({ role, parts });
  }
  if (state.droppedThinking > 0) {
    warnings.push(`Dropped ${state.droppedThinking} thinking block(s) that Gemini did not sign`);
  }
  answerEveryCall(contents, warnings);
  if (options.requireCallSignatures) {
    for (const content of contents) {
      if (content.role === "model") signFirstCall(content.parts ?? []);
    }
  }
  return { contents, system };
}

/**
 * Gemini refuses a model turn whose function calls are not all answered in the next user turn
 * (a caller that interrupted a turn leaves them unanswered): such calls get an error response.
 */
function answerEveryCall(contents: GeminiContent[], warnings: string[]): void {
  let added = 0;
  for (let i = 0; i < contents.length; i++) {
    if (contents[i].role !== "model") continue;
    const calls = (contents[i].parts ?? []).flatMap((p) => p.functionCall ? [p.functionCall] : []);
    if (calls.length === 0) continue;
    let next = contents[i + 1];
    if (next?.role !== "user") {
      next = { role: "user", parts: [] };
      contents.splice(i + 1, 0, next);
    }
    const unused = new Map<string, number>();
    for (const part of next.parts ?? []) {
      const response = part.functionResponse;
      if (response) unused.set(response.name ?? "", (unused.get(response.name ?? "") ?? 0) + 1);
    }
    const missing: GeminiPart[] = [];
    for (const call of calls) {
      const name = call.name ?? "";
      const left = unused.get(name) ?? 0;
      if (left > 0) unused.set(name, left - 1);
      else {
        missing.push({
          functionResponse: {
            ...(call.id ? { id: call.id } : {}),
            name,
            response: { error: "(no result: the call was not answered)" },
          },
        });
      }
    }
    added += missing.length;
    next.parts = [...missing, ...(next.parts ?? [])];
  }
  if (added > 0) warnings.push(`Added an error response for ${added} unanswered function call(s)`);
}

function callNames(messages: Message[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const message of messages) {
    for (const part of message.content) {
      if (part.type !== "tool_call") continue;
      names.set(part.id, part.name);
      names.set(splitSignedCallId(part.id).baseId, part.name);
    }
  }
  return names;
}

/** Two user turns in a row become one, function responses still first. */
function mergeTurn(role: string, before: GeminiPart[], after: GeminiPart[]): GeminiPart[] {
  if (role !== "user") return [...before, ...after];
  const isResponse = (p: GeminiPart) => p.functionResponse !== undefined;
  const all = [...before, ...after];
  return [...all.filter(isResponse), ...all.filter((p) => !isResponse(p))];
}

function signFirstCall(parts: GeminiPart[]): void {
  const first = parts.find((p) => p.functionCall !== undefined);
  if (first && !first.thoughtSignature) first.thoughtSignature = SKIP_SIGNATURE;
}

function upstreamName(name: string, state: EncodeState): string {
  return state.names.get(name) ?? fitIdentifier(name, 64);
}

/** Function responses, then media from the results, then the rest of the user's content. */
function userParts(message: Message, state: EncodeState): GeminiPart[] {
  const responses: GeminiPart[] = [];
  const resultMedia: GeminiPart[] = [];
  const rest: GeminiPart[] = [];
  for (const part of message.content) {
    if (part.type === "tool_result") {
      responses.push(functionResponse(part, state));
      for (const item of part.content) {
        if (item.type === "image") resultMedia.push(mediaPart(item.source, "image/jpeg"));
        if (item.type === "document") resultMedia.push(mediaPart(item.source, "application/pdf"));
      }
      continue;
    }
    const encoded = commonPart(part, state);
    if (encoded) rest.push(encoded);
  }
  return [...responses, ...resultMedia, ...rest];
}

function functionResponse(part: ToolResultPart, state: EncodeState): GeminiPart {
  const { baseId } = splitSignedCallId(part.toolCallId);
  let name = part.name ?? state.callNames.get(part.toolCallId) ?? state.callNames.get(baseId);
  if (!name) {
    state.warnings.push(`Tool result "${part.toolCallId}" has no matching call; named "unknown"`);
    name = "unknown";
  }
  const text = part.content.filter((c) => c.type === "text").map((c) => c.text).join("\n");
  return {
    functionResponse: {
      ...(SAFE_ID.test(baseId) ? { id: baseId } : {}),
      name: upstreamName(name, state),
      response: part.isError ? { error: text } : { output: text },
    },
  };
}

/** Text, thinking and calls of an assistant turn, signatures on the parts they came with. */
function modelParts(message: Message, state: EncodeState): GeminiPart[] {
  const parts: GeminiPart[] = [];
  let pendingSignature: string | undefined; // from a thinking block with no text
  for (const part of message.content) {
    if (part.type === "thinking") {
      if (part.signature?.origin !== "gemini") {
        state.droppedThinking++;
      } else if (part.text) {
        parts.push({ text: part.text, thought: true, thoughtSignature: part.signature.value });
      } else {
        pendingSignature = part.signature.value;
      }
      continue;
    }
    const encoded = part.type === "tool_call" ? functionCall(part, state) : commonPart(part, state);
    if (!encoded) continue;
    if (pendingSignature && !encoded.thoughtSignature) encoded.thoughtSignature = pendingSignature;
    pendingSignature = undefined;
    parts.push(encoded);
  }
  return parts;
}

function functionCall(part: ToolCallPart, state: EncodeState): GeminiPart {
  const { baseId, signature: carried } = splitSignedCallId(part.id);
  const signature = part.signature?.origin === "gemini" ? part.signature.value : carried;
  return {
    functionCall: {
      ...(SAFE_ID.test(baseId) ? { id: baseId } : {}),
      name: upstreamName(part.name, state),
      args: part.input,
    },
    ...(signature ? { thoughtSignature: signature } : {}),
  };
}

/** Parts that read the same in either role; undefined for what has no Gemini form here. */
function commonPart(part: Part, state: EncodeState): GeminiPart | undefined {
  switch (part.type) {
    case "text":
      return part.text ? { text: part.text } : undefined;
    case "image":
      return mediaPart(part.source, "image/jpeg");
    case "document":
      return mediaPart(part.source, "application/pdf");
    case "redacted_thinking":
      state.droppedThinking++;
      return undefined;
    case "web_search_call":
    case "web_search_result":
      // Gemini takes no search back (its grounding is no part): the model reads it as text
      return { text: webSearchText(part) };
    case "thinking":
    case "tool_call":
    case "tool_result":
      return undefined; // out of place in this role
    default:
      return unreachable(part);
  }
}
