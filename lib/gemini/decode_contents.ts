/**
 * A Gemini caller's `contents` and `systemInstruction` into the internal messages. Gemini lets
 * calls and responses go without ids and pairs them by name and order; the internal model pairs
 * them by id, so calls get deterministic ids (the same on every replay of the history) and
 * responses find the earliest unanswered call of their name. Thinking that rode back inside a
 * call's `thoughtSignature` (lib/gemini/carried_thinking.ts) is restored before that call.
 */
import { invalidRequest } from "../errors.ts";
import { signatureFromString, thinkingCarriedBy } from "../ir/signature.ts";
import type {
  DocumentPart,
  ImagePart,
  Message,
  Part,
  Signature,
  TextPart,
  ThinkingPart,
} from "../ir/types.ts";
import { isObject, joinPath, type JsonObject } from "../json/fields.ts";
import { field, optArray, optBoolean, optObject, optString } from "./_read.ts";

interface PendingCall {
  id: string;
  name: string;
  answered: boolean;
}

/**
 * The calls of a conversation so far, indexed by id and, for those not answered yet, by name in
 * order: a response finds its call in constant time (a search over every call for each response
 * made 40,000 pairs take seconds).
 */
class CallIndex {
  #byId = new Map<string, PendingCall>();
  #waiting = new Map<string, { calls: PendingCall[]; next: number }>();

  add(call: PendingCall): void {
    if (!this.#byId.has(call.id)) this.#byId.set(call.id, call);
    let queue = this.#waiting.get(call.name);
    if (!queue) this.#waiting.set(call.name, queue = { calls: [], next: 0 });
    queue.calls.push(call);
  }

  /** The call with this id (answered or not), else the earliest unanswered one of this name. */
  match(id: string | undefined, name: string): PendingCall | undefined {
    const byId = id ? this.#byId.get(id) : undefined;
    if (byId) return byId;
    const queue = this.#waiting.get(name);
    if (!queue) return undefined;
    while (queue.next < queue.calls.length && queue.calls[queue.next].answered) queue.next++;
    return queue.calls[queue.next];
  }
}

interface PartContext {
  path: string;
  turn: number;
  index: number;
  role: "user" | "assistant";
  calls: CallIndex;
  warnings: string[];
}

/** `systemInstruction`: a Content (with or without `role`); Gemini refuses a plain string. */
export function decodeSystemInstruction(value: unknown, warnings: string[]): TextPart[] {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) {
    throw invalidRequest('"systemInstruction" must be a Content object ({"parts": [{"text": …}]})');
  }
  const parts = optArray(value, "parts", "systemInstruction") ?? [];
  const out: TextPart[] = [];
  parts.forEach((part, i) => {
    if (!isObject(part)) throw invalidRequest(`systemInstruction.parts[${i}] must be an object`);
    const text = optString(part, "text", `systemInstruction.parts[${i}]`);
    if (text === undefined) warnings.push("Dropped a non-text part of systemInstruction");
    else if (text) out.push({ type: "text", text });
  });
  return out;
}

/** `contents` into messages; turns left with no content are dropped. */
export function decodeContents(contents: unknown[], warnings: string[]): Message[] {
  const calls = new CallIndex();
  const messages: Message[] = [];
  contents.forEach((content, turn) => {
    const path = `contents[${turn}]`;
    if (!isObject(content)) throw invalidRequest(`${path} must be an object`);
    const role = decodeRole(optString(content, "role", path), path);
    const parts = optArray(content, "parts", path) ?? [];
    const decoded = decodeParts(parts, path, { turn, role, calls, warnings });
    if (decoded.length === 0) return;
    // Tool results come before any other user content of the same turn.
    const results = decoded.filter((p) => p.type === "tool_result");
    const others = decoded.filter((p) => p.type !== "tool_result");
    messages.push({ role, content: [...results, ...others] });
  });
  return messages;
}

/**
 * A turn's parts. Thinking that rode back inside a call's signature goes where its step began
 * (the turn's start, or after the previous call), unless the caller replayed thought parts too.
 */
function decodeParts(
  parts: unknown[],
  path: string,
  { turn, role, calls, warnings }: Omit<PartContext, "path" | "index">,
): Part[] {
  let decoded: Part[] = [];
  const restored = new Set<Part>();
  let stepStart = 0;
  parts.forEach((part, index) => {
    const ctx = { path: `${path}.parts[${index}]`, turn, index, role, calls, warnings };
    const out = decodePart(part, ctx);
    if (!out) return;
    const thinking = out.type === "tool_call" ? carriedThinking(part) : undefined;
    if (thinking) {
      decoded.splice(stepStart, 0, thinking);
      restored.add(thinking);
    }
    decoded.push(out);
    if (out.type === "tool_call") stepStart = decoded.length;
  });
  // A client that replays thought parts (not Gemini CLI) already sent that thinking.
  const replayed = (p: Part) => p.type === "thinking" && p.text !== "" && !restored.has(p);
  if (restored.size > 0 && decoded.some(replayed)) {
    decoded = decoded.filter((p) => !restored.has(p));
  }
  return decoded;
}

function decodeRole(role: string | undefined, path: string): "user" | "assistant" {
  switch (role) {
    case undefined:
    case "":
    case "user":
    case "function": // the older API's role for function responses
      return "user";
    case "model":
      return "assistant";
  }
  throw invalidRequest(`${path}: "role" must be "user" or "model", got "${role}"`);
}

function decodePart(part: unknown, ctx: PartContext): Part | undefined {
  if (!isObject(part)) throw invalidRequest(`${ctx.path} must be an object`);
  const text = optString(part, "text", ctx.path);
  if (text !== undefined) return decodeText(part, text, ctx);
  const inline = optObject(part, "inlineData", ctx.path);
  if (inline) return decodeInlineData(inline, joinPath(ctx.path, "inlineData"));
  const file = optObject(part, "fileData", ctx.path);
  if (file) return decodeFileData(file, joinPath(ctx.path, "fileData"));
  const call = optObject(part, "functionCall", ctx.path);
  if (call) return decodeFunctionCall(part, call, ctx);
  const response = optObject(part, "functionResponse", ctx.path);
  if (response) return decodeFunctionResponse(response, ctx);
  if (
    field(part, "executableCode") !== undefined || field(part, "codeExecutionResult") !== undefined
  ) {
    ctx.warnings.push("Dropped code execution parts: only Gemini can run code");
    return undefined;
  }
  if (field(part, "toolCall") !== undefined || field(part, "toolResponse") !== undefined) {
    // Gemini 3's own searches (includeServerSideToolInvocations), replayed
    ctx.warnings.push("Dropped server-side tool parts: only Gemini reads them back");
    return undefined;
  }
  if (field(part, "thoughtSignature") !== undefined) return undefined; // a bare signature
  throw invalidRequest(`${ctx.path}: unsupported part (keys: ${Object.keys(part).join(", ")})`);
}

function decodeText(part: JsonObject, text: string, ctx: PartContext): Part | undefined {
  if (optBoolean(part, "thought", ctx.path) !== true) {
    return text ? { type: "text", text } : undefined;
  }
  if (ctx.role !== "assistant") return undefined;
  const signature = signatureOf(part, ctx.path);
  if (!text && !signature) return undefined;
  return { type: "thinking", text, ...(signature ? { signature } : {}) };
}

/** A part's `thoughtSignature`: Gemini's own, or one the proxy marked with its origin. */
function signatureOf(part: JsonObject, path: string): Signature | undefined {
  const value = optString(part, "thoughtSignature", path);
  return value ? signatureFromString(value, "gemini") : undefined;
}

/** The thinking a call part's proxy-made signature carries back (Gemini CLI drops thoughts). */
function carriedThinking(part: unknown): ThinkingPart | undefined {
  const value = isObject(part) ? part.thoughtSignature : undefined;
  const text = typeof value === "string" ? thinkingCarriedBy(value) : undefined;
  return text ? { type: "thinking", text, signature: { origin: "proxy", value: "" } } : undefined;
}

/** `inlineData`: images stay images; PDFs and everything else become documents. */
export function decodeInlineData(blob: JsonObject, path: string): ImagePart | DocumentPart {
  const mediaType = optString(blob, "mimeType", path);
  const data = optString(blob, "data", path);
  if (!mediaType) throw invalidRequest(`${path}: "mimeType" is required`);
  if (data === undefined) throw invalidRequest(`${path}: "data" is required`);
  const source = { kind: "base64" as const, mediaType, data };
  return mediaType.startsWith("image/") ? { type: "image", source } : { type: "document", source };
}

function decodeFileData(file: JsonObject, path: string): ImagePart | DocumentPart {
  const url = optString(file, "fileUri", path);
  const mediaType = optString(file, "mimeType", path);
  if (!url) throw invalidRequest(`${path}: "fileUri" is required`);
  const source = { kind: "url" as const, url, ...(mediaType ? { mediaType } : {}) };
  return mediaType?.startsWith("image/") ? { type: "image", source } : { type: "document", source };
}

function decodeFunctionCall(part: JsonObject, call: JsonObject, ctx: PartContext): Part {
  const path = joinPath(ctx.path, "functionCall");
  if (ctx.role !== "assistant") throw invalidRequest(`${path} is only allowed in "model" turns`);
  const name = optString(call, "name", path);
  if (!name) throw invalidRequest(`${path}: "name" is required`);
  const input = optObject(call, "args", path) ?? {};
  const id = optString(call, "id", path) || `call_${ctx.turn}_${ctx.index}`;
  ctx.calls.add({ id, name, answered: false });
  // only Gemini's own signature rides on a call; the proxy's carried the thinking before it
  const signature = signatureOf(part, ctx.path);
  return {
    type: "tool_call",
    id,
    name,
    input,
    ...(signature?.origin === "gemini" ? { signature } : {}),
  };
}

function decodeFunctionResponse(response: JsonObject, ctx: PartContext): Part {
  const path = joinPath(ctx.path, "functionResponse");
  if (ctx.role !== "user") throw invalidRequest(`${path} is only allowed in "user" turns`);
  const name = optString(response, "name", path);
  if (!name) throw invalidRequest(`${path}: "name" is required`);
  const id = optString(response, "id", path);
  const call = ctx.calls.match(id, name);
  if (call) call.answered = true;
  else ctx.warnings.push(`Function response "${name}" has no matching call in the history`);
  const toolCallId = call?.id ?? (id || `call_${ctx.turn}_${ctx.index}`);
  const { content, isError } = resultContent(response, path);
  return { type: "tool_result", toolCallId, name, content, isError };
}

/** `response.output` / `result` / the whole object (or `error`), plus any media parts. */
function resultContent(
  response: JsonObject,
  path: string,
): { content: Array<TextPart | ImagePart | DocumentPart>; isError: boolean } {
  const body = field(response, "response");
  if (body !== undefined && body !== null && !isObject(body)) {
    throw invalidRequest(`${path}: "response" must be an object (such as {"output": …})`);
  }
  let value: unknown = body;
  let isError = false;
  if (isObject(body)) {
    if (body.error !== undefined && body.error !== null) {
      value = body.error;
      isError = true;
    } else if (body.output !== undefined) value = body.output;
    else if (body.result !== undefined) value = body.result;
  }
  const content: Array<TextPart | ImagePart | DocumentPart> = [];
  const text = value === undefined || value === null
    ? ""
    : typeof value === "string"
    ? value
    : JSON.stringify(value);
  if (text) content.push({ type: "text", text });
  const parts = optArray(response, "parts", path) ?? [];
  parts.forEach((part, i) => {
    const inline = isObject(part)
      ? optObject(part, "inlineData", `${path}.parts[${i}]`)
      : undefined;
    if (inline) content.push(decodeInlineData(inline, `${path}.parts[${i}].inlineData`));
  });
  return { content, isError };
}
