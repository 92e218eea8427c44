/**
 * Reads an Anthropic caller's `POST /v1/messages` body into the internal Request. Validates the
 * fields it knows (a 400 naming the field), ignores the ones it does not (`context_management`,
 * betas), and keeps what only Anthropic understands (server tools, `cache_control`) for an
 * upstream that can use it.
 */
import { invalidRequest } from "../errors.ts";
import type { Converted } from "../ir/types.ts";
import type {
  Effort,
  Request,
  ResponseFormat,
  TextPart,
  ThinkingConfig,
  ToolChoice,
  ToolDefinition,
} from "../ir/types.ts";
import { decodeMessages } from "./decode_content.ts";
import {
  expectObject,
  isObject,
  type JsonObject,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  requiredString,
} from "../json/fields.ts";
import { perTool } from "../json/remembered_tools.ts";
import { webSearchToolOf } from "./web_search.ts";

/** Validates and decodes a caller's body; throws a 400 ProxyError for bad input. */
export function decodeRequest(body: unknown): Converted<Request> {
  if (!isObject(body)) throw invalidRequest("Request body must be a JSON object");
  const warnings: string[] = [];
  const model = requiredString(body, "model", "");
  const rawMessages = optionalArray(body, "messages", "");
  if (!rawMessages) throw invalidRequest(`"messages" is required`);
  const tools = decodeTools(optionalArray(body, "tools", "") ?? []);
  const outputConfig = optionalObject(body, "output_config", "");
  const user = optionalString(optionalObject(body, "metadata", "") ?? {}, "user_id", "metadata");
  const request: Request = {
    model,
    stream: optionalBoolean(body, "stream", "") ?? false,
    system: decodeSystem(body.system),
    messages: decodeMessages(rawMessages, warnings),
    tools: tools.custom,
    ...(tools.server.length ? { serverTools: tools.server } : {}),
    ...defined("webSearch", webSearchToolOf(tools.server)),
    ...decodeToolChoice(optionalObject(body, "tool_choice", "")),
    ...defined("maxTokens", optionalNumber(body, "max_tokens", "")),
    ...defined("temperature", optionalNumber(body, "temperature", "")),
    ...defined("topP", optionalNumber(body, "top_p", "")),
    ...defined("topK", optionalNumber(body, "top_k", "")),
    ...defined("stopSequences", decodeStopSequences(body)),
    ...defined("thinking", decodeThinking(optionalObject(body, "thinking", ""), outputConfig)),
    ...defined("responseFormat", decodeFormat(outputConfig)),
    ...defined("user", user),
  };
  return { value: request, warnings };
}

/** `{key: value}` when value is defined, else `{}`, so absent fields stay absent. */
function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function decodeSystem(value: unknown): TextPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value ? [{ type: "text", text: value }] : [];
  if (!Array.isArray(value)) throw invalidRequest(`"system" must be a string or an array`);
  const parts: TextPart[] = [];
  value.forEach((item, i) => {
    const path = `system[${i}]`;
    const block = expectObject(item, path);
    if (block.type !== "text") {
      throw invalidRequest(`${path}.type: "system" takes only text blocks`);
    }
    const text = requiredString(block, "text", path);
    const cache = block.cache_control;
    if (text) parts.push({ type: "text", text, ...(cache != null ? { cacheControl: cache } : {}) });
  });
  return parts;
}

function decodeStopSequences(body: JsonObject): string[] | undefined {
  const list = optionalArray(body, "stop_sequences", "");
  if (!list) return undefined;
  list.forEach((item, i) => {
    if (typeof item !== "string") throw invalidRequest(`stop_sequences[${i}] must be a string`);
  });
  return list as string[];
}

function decodeTools(list: unknown[]): { custom: ToolDefinition[]; server: unknown[] } {
  const custom: ToolDefinition[] = [];
  const server: unknown[] = [];
  list.forEach((item, i) => {
    const path = `tools[${i}]`;
    const tool = expectObject(item, path);
    const type = optionalString(tool, "type", path);
    if (type !== undefined && type !== "custom") {
      server.push(tool);
      return;
    }
    custom.push(decodeCustomTool(tool, "", path));
  });
  return { custom, server };
}

/** A custom tool's definition (made once per tool of a remembered list). */
const decodeCustomTool = perTool((tool: JsonObject, _key, path: string): ToolDefinition => {
  const description = optionalString(tool, "description", path);
  const strict = optionalBoolean(tool, "strict", path);
  const cache = tool.cache_control;
  return {
    name: requiredString(tool, "name", path),
    ...(description !== undefined ? { description } : {}),
    inputSchema: optionalObject(tool, "input_schema", path) ?? { type: "object", properties: {} },
    ...(strict !== undefined ? { strict } : {}),
    ...(cache != null ? { cacheControl: cache } : {}),
  };
});

function decodeToolChoice(
  choice: JsonObject | undefined,
): { toolChoice?: ToolChoice; parallelToolCalls?: boolean } {
  if (!choice) return {};
  const path = "tool_choice";
  const type = requiredString(choice, "type", path);
  let toolChoice: ToolChoice;
  switch (type) {
    case "auto":
    case "any":
    case "none":
      toolChoice = { type };
      break;
    case "tool":
      toolChoice = { type, name: requiredString(choice, "name", path) };
      break;
    default:
      throw invalidRequest(`tool_choice.type: unknown tool choice "${type}"`);
  }
  const noParallel = optionalBoolean(choice, "disable_parallel_tool_use", path);
  return { toolChoice, ...(noParallel ? { parallelToolCalls: false } : {}) };
}

/**
 * `thinking` plus `output_config.effort`. An effort without `thinking` reads as adaptive
 * thinking at that effort (the model decides how much to think).
 */
function decodeThinking(
  thinking: JsonObject | undefined,
  outputConfig: JsonObject | undefined,
): ThinkingConfig | undefined {
  const effort = decodeEffort(outputConfig);
  const withEffort = effort ? { effort } : {};
  if (!thinking) return effort ? { mode: "adaptive", effort } : undefined;
  const type = requiredString(thinking, "type", "thinking");
  switch (type) {
    case "enabled": {
      const budget = optionalNumber(thinking, "budget_tokens", "thinking");
      return {
        mode: "enabled",
        ...(budget !== undefined ? { budgetTokens: budget } : {}),
        ...withEffort,
      };
    }
    case "adaptive":
      return { mode: "adaptive", ...withEffort };
    case "disabled":
      return { mode: "disabled" };
  }
  throw invalidRequest(`thinking.type: unknown thinking type "${type}"`);
}

function decodeEffort(outputConfig: JsonObject | undefined): Effort | undefined {
  if (!outputConfig) return undefined;
  const effort = optionalString(outputConfig, "effort", "output_config");
  switch (effort) {
    case undefined:
    case "low":
    case "medium":
    case "high":
    case "xhigh":
    case "max":
      return effort;
  }
  throw invalidRequest(`output_config.effort: unknown effort "${effort}"`);
}

function decodeFormat(outputConfig: JsonObject | undefined): ResponseFormat | undefined {
  const format = outputConfig && optionalObject(outputConfig, "format", "output_config");
  if (!format) return undefined;
  const type = requiredString(format, "type", "output_config.format");
  if (type !== "json_schema") {
    throw invalidRequest(`output_config.format.type: unknown format "${type}"`);
  }
  const schema = optionalObject(format, "schema", "output_config.format");
  if (!schema) throw invalidRequest(`output_config.format: "schema" is required`);
  return { type: "json_schema", schema };
}
