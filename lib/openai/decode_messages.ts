/**
 * A caller's `messages` as the internal conversation: leading system/developer messages become
 * `Request.system`, later ones stay in place; consecutive `tool` messages become one user
 * message of `tool_result` parts (Anthropic style), each named after the call it answers.
 */
import { invalidRequest } from "../errors.ts";
import { splitSignedCallId } from "../ir/ids.ts";
import type { Message, Part, Signature, TextPart, ToolCallPart } from "../ir/types.ts";
import {
  expectObject,
  fieldError,
  isObject,
  joinPath,
  type JsonObject,
  optionalString,
  requiredString,
} from "../json/fields.ts";
import { decodeAssistantContent, decodeTextContent, decodeUserContent } from "./decode_content.ts";

/** The decoded conversation. */
export interface DecodedMessages {
  system: TextPart[];
  messages: Message[];
}

/** Decodes and validates `messages`; throws a 400 naming the first bad field. */
export function decodeMessages(raw: unknown): DecodedMessages {
  if (!Array.isArray(raw)) throw invalidRequest(`"messages" must be an array`);
  const out: DecodedMessages = { system: [], messages: [] };
  const callNames = new Map<string, string>();
  let toolTurn: Message | undefined; // the user message collecting consecutive tool results
  let leading = true;
  raw.forEach((item, i) => {
    const path = `messages[${i}]`;
    const message = expectObject(item, path);
    const role = message.role;
    if (role !== "tool") toolTurn = undefined;
    if (role !== "system" && role !== "developer") leading = false;
    switch (role) {
      case "system":
      case "developer": {
        const parts = decodeTextContent(message.content, joinPath(path, "content"));
        if (leading) { for (const part of parts) out.system.push(part); }
        else if (parts.length > 0) out.messages.push({ role: "system", content: parts });
        return;
      }
      case "user": {
        const parts = decodeUserContent(message.content, joinPath(path, "content"));
        if (parts.length > 0) out.messages.push({ role: "user", content: parts });
        return;
      }
      case "assistant": {
        const decoded = decodeAssistant(message, path);
        for (const part of decoded) {
          if (part.type === "tool_call") callNames.set(part.id, part.name);
        }
        if (decoded.length > 0) out.messages.push({ role: "assistant", content: decoded });
        return;
      }
      case "tool": {
        const toolCallId = requiredString(message, "tool_call_id", path);
        const content = decodeTextContent(message.content, joinPath(path, "content"));
        const name = callNames.get(toolCallId);
        if (name === undefined) {
          throw invalidRequest(
            `${path}.tool_call_id: no assistant tool call with id ${
              JSON.stringify(toolCallId.slice(0, 100))
            } earlier in the conversation`,
          );
        }
        if (!toolTurn) {
          toolTurn = { role: "user", content: [] };
          out.messages.push(toolTurn);
        }
        toolTurn.content.push({
          type: "tool_result",
          toolCallId,
          name,
          content,
          isError: false,
        });
        return;
      }
      case "function":
        throw invalidRequest(`${path}: role "function" is not supported; use "tool" messages`);
    }
    throw fieldError(path, "role", `must be one of system, developer, user, assistant, tool`);
  });
  return out;
}

/** An assistant message: its reasoning first (unsigned), then text, then tool calls. */
function decodeAssistant(message: JsonObject, path: string): Part[] {
  const parts: Part[] = [];
  const reasoning = optionalString(message, "reasoning_content", path) ??
    optionalString(message, "reasoning", path);
  if (reasoning) parts.push({ type: "thinking", text: reasoning });
  for (const part of decodeAssistantContent(message.content, joinPath(path, "content"))) {
    parts.push(part);
  }
  const calls = message.tool_calls;
  if (calls === undefined || calls === null) return parts;
  if (!Array.isArray(calls)) throw fieldError(path, "tool_calls", "must be an array");
  calls.forEach((call, j) =>
    parts.push(decodeToolCall(call, joinPath(joinPath(path, "tool_calls"), j)))
  );
  return parts;
}

/**
 * One `tool_calls` entry. The id is kept whole (the caller will answer with it); a Gemini
 * signature riding inside it, or in `extra_content`, goes onto the part for a Gemini upstream.
 */
function decodeToolCall(raw: unknown, path: string): ToolCallPart {
  const call = expectObject(raw, path);
  const id = requiredString(call, "id", path);
  if (call.type !== undefined && call.type !== null && call.type !== "function") {
    throw fieldError(path, "type", `must be "function"`);
  }
  const fnPath = joinPath(path, "function");
  const fn = expectObject(call.function, fnPath);
  const name = requiredString(fn, "name", fnPath);
  const args = optionalString(fn, "arguments", fnPath) ?? "";
  const signature = callSignature(call, id);
  return {
    type: "tool_call",
    id,
    name,
    input: parseArguments(args),
    ...(signature ? { signature } : {}),
  };
}

function callSignature(call: JsonObject, id: string): Signature | undefined {
  const extra = isObject(call.extra_content) ? call.extra_content : undefined;
  const google = isObject(extra?.google) ? extra.google : undefined;
  const value = typeof google?.thought_signature === "string"
    ? google.thought_signature
    : splitSignedCallId(id).signature;
  return value ? { origin: "gemini", value } : undefined;
}

/**
 * Arguments as the caller replays them. A call cut short by `max_tokens` has arguments that are
 * not JSON, and clients replay it on every later turn: it is kept as `{_raw_arguments}` (what
 * the response decoders make of such calls) rather than refused, which would end the session.
 */
export function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value)) return value;
  } catch {
    // kept raw below
  }
  return { _raw_arguments: text };
}
