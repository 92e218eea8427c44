/**
 * An OpenAI caller's `POST /v1/chat/completions` body as an internal Request. Validates what it
 * reads (a 400 naming the field), ignores fields it does not know, and rejects what it cannot
 * honour (`n` > 1, audio, file ids) rather than answering something else.
 */
import { invalidRequest } from "../errors.ts";
import type {
  Converted,
  Request,
  ResponseFormat,
  ToolChoice,
  ToolDefinition,
} from "../ir/types.ts";
import {
  expectObject,
  fieldError,
  isObject,
  joinPath,
  type JsonObject,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requiredString,
} from "../json/fields.ts";
import { decodeMessages } from "./decode_messages.ts";
import { thinkingOfReasoningEffort } from "./reasoning_effort.ts";
import { perTool } from "../json/remembered_tools.ts";

/** Decodes and validates a Chat Completions request body. */
export function decodeRequest(body: unknown): Converted<Request> {
  if (!isObject(body)) throw invalidRequest("Request body must be a JSON object");
  const n = optionalNumber(body, "n", "");
  if (n !== undefined && n !== 1) {
    throw invalidRequest(`"n" must be 1: this proxy returns a single choice`);
  }
  const model = requiredString(body, "model", "");
  const { system, messages } = decodeMessages(body.messages);
  const request: Request = {
    model,
    stream: optionalBoolean(body, "stream", "") ?? false,
    system,
    messages,
    tools: decodeTools(body.tools),
  };
  const warnings: string[] = [];
  const set = <K extends keyof Request>(key: K, value: Request[K] | undefined) => {
    if (value !== undefined) request[key] = value;
  };
  set("toolChoice", decodeToolChoice(body.tool_choice));
  set("parallelToolCalls", optionalBoolean(body, "parallel_tool_calls", ""));
  set(
    "maxTokens",
    optionalNumber(body, "max_completion_tokens", "") ?? optionalNumber(body, "max_tokens", ""),
  );
  set("temperature", optionalNumber(body, "temperature", ""));
  set("topP", optionalNumber(body, "top_p", ""));
  set("stopSequences", decodeStop(body.stop));
  set("seed", optionalNumber(body, "seed", ""));
  set("presencePenalty", optionalNumber(body, "presence_penalty", ""));
  set("frequencyPenalty", optionalNumber(body, "frequency_penalty", ""));
  set("thinking", thinkingOfReasoningEffort(body.reasoning_effort));
  set("responseFormat", decodeResponseFormat(body.response_format));
  set("user", optionalString(body, "user", ""));
  set("includeUsage", decodeIncludeUsage(body.stream_options));
  if (body.logprobs === true) warnings.push(`"logprobs" is not supported and was ignored`);
  if (body.web_search_options !== undefined && body.web_search_options !== null) {
    // OpenAI's search-preview models always search and take no tools: there is no search tool
    // here to serve on another upstream, nor a way to show the searches in the answer
    warnings.push(`"web_search_options" is not supported and was ignored: no web search was run`);
  }
  return { value: request, warnings };
}

function decodeTools(raw: unknown): ToolDefinition[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidRequest(`"tools" must be an array`);
  return raw.map((item, i) => rememberedTool(item, "", `tools[${i}]`));
}

/** `decodeTool`, made once per tool of a remembered list. */
const rememberedTool = perTool((item: unknown, _key, path: string) => decodeTool(item, path));

function decodeTool(item: unknown, path: string): ToolDefinition {
  const tool = expectObject(item, path);
  if (tool.type !== "function") {
    throw fieldError(path, "type", `must be "function": got ${JSON.stringify(tool.type)}`);
  }
  const fnPath = joinPath(path, "function");
  const fn = expectObject(tool.function, fnPath);
  const parameters = fn.parameters ?? { type: "object", properties: {} };
  if (!isObject(parameters)) throw fieldError(fnPath, "parameters", "must be an object");
  const description = optionalString(fn, "description", fnPath);
  const strict = optionalBoolean(fn, "strict", fnPath);
  return {
    name: requiredString(fn, "name", fnPath),
    ...(description !== undefined ? { description } : {}),
    inputSchema: parameters,
    ...(strict !== undefined ? { strict } : {}),
  };
}

function decodeToolChoice(raw: unknown): ToolChoice | undefined {
  switch (raw) {
    case undefined:
    case null:
      return undefined;
    case "auto":
      return { type: "auto" };
    case "required":
      return { type: "any" };
    case "none":
      return { type: "none" };
  }
  if (isObject(raw) && raw.type === "function") {
    const fn = expectObject(raw.function, "tool_choice.function");
    return { type: "tool", name: requiredString(fn, "name", "tool_choice.function") };
  }
  throw invalidRequest(
    `"tool_choice" must be "auto", "required", "none" or {"type": "function", ...}`,
  );
}

function decodeStop(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string") return raw === "" ? undefined : [raw];
  if (Array.isArray(raw) && raw.every((s) => typeof s === "string")) {
    return raw.length > 0 ? raw : undefined;
  }
  throw invalidRequest(`"stop" must be a string or an array of strings`);
}

function decodeResponseFormat(raw: unknown): ResponseFormat | undefined {
  if (raw === undefined || raw === null) return undefined;
  const format = expectObject(raw, `"response_format"`);
  switch (format.type) {
    case "text":
      return undefined;
    case "json_object":
      return { type: "json_object" };
    case "json_schema":
      return decodeJsonSchema(format);
  }
  throw fieldError(
    "response_format",
    "type",
    `must be "text", "json_object" or "json_schema": got ${JSON.stringify(format.type)}`,
  );
}

function decodeJsonSchema(format: JsonObject): ResponseFormat {
  const path = "response_format.json_schema";
  const spec = expectObject(format.json_schema, path);
  const schema = spec.schema ?? {};
  if (!isObject(schema)) throw fieldError(path, "schema", "must be an object");
  const name = optionalString(spec, "name", path);
  const strict = optionalBoolean(spec, "strict", path);
  return {
    type: "json_schema",
    schema,
    ...(name !== undefined ? { name } : {}),
    ...(strict !== undefined ? { strict } : {}),
  };
}

function decodeIncludeUsage(raw: unknown): boolean | undefined {
  if (raw === undefined || raw === null) return undefined;
  return optionalBoolean(expectObject(raw, `"stream_options"`), "include_usage", "stream_options");
}
