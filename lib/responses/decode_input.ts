/**
 * A Responses caller's `input` (a string, or the whole history as items) as the internal
 * conversation. Leading system/developer messages join `Request.system`, later ones stay in
 * place; consecutive model-side items (reasoning, assistant messages, calls) make one assistant
 * message, consecutive call outputs one user message of tool results. Calls and outputs pair by
 * `call_id` alone: item ids are never read (Codex sends them back, `msg_…`, `rs_…`, `fc_…`,
 * `fco_<uuid>`…, and an id must never reach an upstream as a call id). Codex's client-run
 * `tool_search` is a call of the function `tool_search`, its `tool_search_output` the call's
 * result, and the tools that output loaded join the request's tools. A `web_search_call` is a
 * search the model ran, with the pages it lists.
 */
import { invalidRequest } from "../errors.ts";
import { splitSignedCallId } from "../ir/ids.ts";
import type { Message, Part, TextPart, ToolCallPart } from "../ir/types.ts";
import {
  expectObject,
  fieldError,
  isObject,
  joinPath,
  type JsonObject,
  optionalArray,
  optionalString,
  requiredString,
} from "../json/fields.ts";
import { parseArguments } from "../openai/decode_messages.ts";
import { type ContentPart, decodeContent, decodeTextContent } from "./decode_content.ts";
import { reasoningPart } from "./reasoning_proof.ts";
import type { ToolList } from "./decode_tools.ts";
import { qualifiedToolName, TOOL_SEARCH } from "./tool_routes.ts";
import { searchOfItem } from "./web_search.ts";

export interface DecodedInput {
  system: TextPart[];
  messages: Message[];
  /**
   * Tools declared inside the input: Codex Desktop's `additional_tools` items, and the tools a
   * `tool_search_output` loaded.
   */
  toolLists: ToolList[];
}

/**
 * Decodes and validates `input`; throws a 400 naming the first bad item. `stored`: the upstream
 * holds stored items (a pass-through), so an `item_reference` is no error, only nothing to read.
 */
export function decodeInput(raw: unknown, warnings: string[], stored = false): DecodedInput {
  const conversation = new Conversation(stored);
  if (typeof raw === "string") {
    if (raw) conversation.user([{ type: "text", text: raw }]);
  } else if (Array.isArray(raw)) {
    raw.forEach((item, i) => conversation.item(expectObject(item, `input[${i}]`), `input[${i}]`));
  } else if (raw !== undefined && raw !== null) {
    throw invalidRequest(`"input" must be a string or an array of items`);
  }
  for (const [type, count] of conversation.dropped) {
    warnings.push(`Dropped ${count} input item(s) of type ${type}: the upstream has no such item`);
  }
  for (const id of conversation.orphans) {
    warnings.push(`Dropped the output of call ${JSON.stringify(id)}: no call with that call_id`);
  }
  return conversation.decoded;
}

class Conversation {
  readonly decoded: DecodedInput = { system: [], messages: [], toolLists: [] };
  readonly dropped = new Map<string, number>();
  readonly orphans: string[] = [];
  #callNames = new Map<string, string>();
  /** The message model-side items or call outputs are being added to, if still the last one. */
  #open: Message | undefined;
  #leading = true;
  #stored: boolean;

  constructor(stored: boolean) {
    this.#stored = stored;
  }

  item(item: JsonObject, path: string): void {
    const type = item.type ?? (item.role !== undefined ? "message" : undefined);
    if (typeof type !== "string") throw fieldError(path, "type", "must be a string");
    if (type !== "message") this.#leading = false;
    switch (type) {
      case "message":
        return this.#message(item, path);
      case "reasoning":
        return this.#reasoning(item, path);
      case "function_call":
      case "custom_tool_call":
        return this.#call(item, type, path);
      case "function_call_output":
      case "custom_tool_call_output":
        return this.#output(item, path);
      case "tool_search_call":
        if (item.execution !== "client") break;
        return this.#toolSearchCall(item, path);
      case "tool_search_output":
        if (item.execution !== "client") break;
        return this.#toolSearchOutput(item, path);
      case "web_search_call":
        return this.#webSearch(item, path);
      case "additional_tools": {
        const tools = optionalArray(item, "tools", path) ?? [];
        this.decoded.toolLists.push({ tools, path: joinPath(path, "tools") });
        return;
      }
      case "item_reference":
        if (this.#stored) break;
        throw invalidRequest(
          `${path}: "item_reference" needs stored responses, and this proxy keeps none for ` +
            `this model: send the referenced items themselves`,
        );
    }
    this.dropped.set(type, (this.dropped.get(type) ?? 0) + 1);
  }

  user(content: Part[]): void {
    this.#open = undefined;
    if (content.length > 0) this.decoded.messages.push({ role: "user", content });
  }

  #message(item: JsonObject, path: string): void {
    const contentPath = joinPath(path, "content");
    switch (item.role) {
      case "system":
      case "developer": {
        const text = decodeTextContent(item.content, contentPath);
        if (this.#leading) {
          for (const part of text) this.decoded.system.push(part);
        } else if (text.length > 0) {
          this.#open = undefined;
          this.decoded.messages.push({ role: "system", content: text });
        }
        return;
      }
      case "user":
        this.#leading = false;
        return this.user(decodeContent(item.content, contentPath));
      case "assistant":
        this.#leading = false;
        return this.#append("assistant", decodeContent(item.content, contentPath));
    }
    throw fieldError(path, "role", "must be one of user, assistant, system, developer");
  }

  #reasoning(item: JsonObject, path: string): void {
    const text = joinTexts(item.summary, joinPath(path, "summary")) ||
      joinTexts(item.content, joinPath(path, "content"));
    const part = reasoningPart(text, optionalString(item, "encrypted_content", path));
    if (part) this.#append("assistant", [part]);
  }

  #call(item: JsonObject, type: "function_call" | "custom_tool_call", path: string): void {
    const id = requiredString(item, "call_id", path);
    const namespace = optionalString(item, "namespace", path);
    const name = qualifiedToolName(namespace, requiredString(item, "name", path));
    const input = type === "custom_tool_call"
      ? { input: optionalString(item, "input", path) ?? "" }
      : parseArguments(optionalString(item, "arguments", path) ?? "");
    const signature = splitSignedCallId(id).signature;
    const part: ToolCallPart = {
      type: "tool_call",
      id,
      name,
      input,
      ...(signature ? { signature: { origin: "gemini", value: signature } } : {}),
    };
    this.#callNames.set(id, name);
    this.#append("assistant", [part]);
  }

  /** A web search the model ran (a search that opened a page, or found none, says nothing). */
  #webSearch(item: JsonObject, path: string): void {
    const search = searchOfItem(item, () => `ws_${path.replace(/\D+/g, "")}`);
    if (search) this.#append("assistant", search);
  }

  /** A search Codex ran for the model: its `arguments` are the object the function took. */
  #toolSearchCall(item: JsonObject, path: string): void {
    const id = requiredString(item, "call_id", path);
    const args = item.arguments;
    const input = isObject(args) ? args : parseArguments(typeof args === "string" ? args : "");
    this.#callNames.set(id, TOOL_SEARCH);
    this.#append("assistant", [{ type: "tool_call", id, name: TOOL_SEARCH, input }]);
  }

  /** What a search found: the result names the tools, which join the request's tools. */
  #toolSearchOutput(item: JsonObject, path: string): void {
    const tools = optionalArray(item, "tools", path) ?? [];
    const toolsPath = joinPath(path, "tools");
    this.decoded.toolLists.push({ tools, path: toolsPath, loaded: true });
    const found = loadedToolNames(tools).join(", ");
    const text = found ? `Tools found, callable from now on: ${found}` : "No tools found.";
    this.#result(requiredString(item, "call_id", path), [{ type: "text", text }]);
  }

  #output(item: JsonObject, path: string): void {
    const id = requiredString(item, "call_id", path);
    this.#result(id, decodeContent(item.output, joinPath(path, "output")));
  }

  #result(id: string, content: ContentPart[]): void {
    const name = this.#callNames.get(id);
    if (name === undefined) {
      this.orphans.push(id.slice(0, 100));
      return;
    }
    this.#append("user", [{ type: "tool_result", toolCallId: id, name, content, isError: false }]);
  }

  /** Adds to the open message of that role, or starts one. */
  #append(role: "user" | "assistant", parts: Part[]): void {
    if (parts.length === 0) return;
    if (this.#open?.role !== role) {
      this.#open = { role, content: [] };
      this.decoded.messages.push(this.#open);
    }
    for (const part of parts) this.#open.content.push(part);
  }
}

/** The texts of `summary` or `content` parts, one paragraph each. */
function joinTexts(raw: unknown, path: string): string {
  if (raw === undefined || raw === null) return "";
  if (!Array.isArray(raw)) throw invalidRequest(`${path} must be an array`);
  const texts: string[] = [];
  raw.forEach((part, i) => {
    if (!isObject(part)) throw invalidRequest(`${joinPath(path, i)} must be an object`);
    const text = optionalString(part, "text", joinPath(path, i));
    if (text) texts.push(text);
  });
  return texts.join("\n\n");
}

/** The flat names of the tools a search loaded, as the upstream knows them. */
function loadedToolNames(tools: unknown[]): string[] {
  return tools.flatMap((tool) => {
    if (!isObject(tool) || typeof tool.name !== "string") return [];
    if (tool.type !== "namespace" || !Array.isArray(tool.tools)) return [tool.name];
    const namespace = tool.name;
    return tool.tools.flatMap((child) =>
      isObject(child) && typeof child.name === "string"
        ? [qualifiedToolName(namespace, child.name)]
        : []
    );
  });
}
