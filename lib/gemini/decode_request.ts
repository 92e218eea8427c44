/**
 * Caller side: a Gemini client's `generateContent` body into the internal Request. The model
 * and whether to stream come from the URL (`models/{model}:streamGenerateContent`), not the
 * body. A `googleSearch` tool is the request's web search.
 */
import { invalidRequest } from "../errors.ts";
import type { CallerOptions } from "../ir/codec.ts";
import type {
  Converted,
  Effort,
  Request,
  ResponseFormat,
  ThinkingConfig,
  ToolChoice,
  ToolDefinition,
  WebSearchTool,
} from "../ir/types.ts";
import { isObject, type JsonObject } from "../json/fields.ts";
import {
  field,
  optArray,
  optBoolean,
  optNumber,
  optObject,
  optString,
  optStringArray,
} from "./_read.ts";
import { decodeContents, decodeSystemInstruction } from "./decode_contents.ts";
import { toJsonSchema } from "./openapi_schema.ts";
import { perTool } from "../json/remembered_tools.ts";

/** Validates and decodes a Gemini caller's body; throws a 400 ProxyError for bad input. */
export function decodeRequest(input: unknown, options: CallerOptions): Converted<Request> {
  if (!isObject(input)) throw invalidRequest("Request body must be a JSON object");
  // countTokens may wrap the whole request: `{"generateContentRequest": {...}}`.
  const wrapped = field(input, "generateContentRequest");
  const body = field(input, "contents") === undefined && isObject(wrapped) ? wrapped : input;
  const warnings: string[] = [];
  const contents = optArray(body, "contents", "");
  if (contents === undefined) throw invalidRequest('"contents" is required');
  const model = options.model ?? optString(body, "model", "")?.replace(/^models\//, "") ?? "";
  const request: Request = {
    model,
    stream: options.stream ?? false,
    system: decodeSystemInstruction(field(body, "systemInstruction"), warnings),
    messages: decodeContents(contents, warnings),
    tools: decodeTools(optArray(body, "tools", "") ?? [], warnings),
  };
  const webSearch = decodeGoogleSearch(optArray(body, "tools", "") ?? [], warnings);
  if (webSearch) request.webSearch = webSearch;
  const toolChoice = decodeToolConfig(optObject(body, "toolConfig", ""), warnings);
  if (toolChoice) request.toolChoice = toolChoice;
  const config = optObject(body, "generationConfig", "");
  if (config) decodeGenerationConfig(config, request, warnings);
  if (field(body, "cachedContent") !== undefined) {
    warnings.push("Dropped cachedContent: only Gemini can read its own caches");
  }
  return { value: request, warnings };
}

function decodeTools(tools: unknown[], warnings: string[]): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  tools.forEach((tool, i) => {
    const path = `tools[${i}]`;
    if (!isObject(tool)) throw invalidRequest(`${path} must be an object`);
    for (const key of Object.keys(tool)) {
      if (key === "functionDeclarations" || key === "function_declarations") continue;
      if (SEARCH_TOOLS.has(key)) continue; // the request's web search (decodeGoogleSearch)
      warnings.push(`Dropped the "${key}" tool: this model takes only function declarations`);
    }
    const declarations = optArray(tool, "functionDeclarations", path) ?? [];
    declarations.forEach((declaration, j) => {
      const at = `${path}.functionDeclarations[${j}]`;
      out.push(rememberedDeclaration(declaration, "", at));
    });
  });
  return out;
}

/** Grounding with Google Search, in each spelling (`googleSearchRetrieval` is Gemini 1.5's). */
const SEARCH_TOOLS = new Set([
  "googleSearch",
  "google_search",
  "googleSearchRetrieval",
  "google_search_retrieval",
]);

/**
 * Google Search grounding as the request's web search, served where the upstream can search;
 * Vertex's `excludeDomains` are its blocked domains, a time range has no counterpart.
 */
function decodeGoogleSearch(tools: unknown[], warnings: string[]): WebSearchTool | undefined {
  for (const tool of tools) {
    if (!isObject(tool)) continue;
    const key = Object.keys(tool).find((k) => SEARCH_TOOLS.has(k));
    if (key === undefined) continue;
    const options = isObject(tool[key]) ? tool[key] : {};
    const search: WebSearchTool = {};
    const excluded = optStringArray(options, "excludeDomains", key);
    if (excluded?.length) search.blockedDomains = excluded;
    if (field(options, "timeRangeFilter") !== undefined) {
      warnings.push("Dropped googleSearch.timeRangeFilter: only Gemini filters by time");
    }
    return search;
  }
  return undefined;
}
/** `decodeDeclaration`, made once per tool of a remembered list. */
const rememberedDeclaration = perTool((declaration: unknown, _key, path: string) =>
  decodeDeclaration(declaration, path)
);

function decodeDeclaration(declaration: unknown, path: string): ToolDefinition {
  if (!isObject(declaration)) throw invalidRequest(`${path} must be an object`);
  const name = optString(declaration, "name", path);
  if (!name) throw invalidRequest(`${path}: "name" is required`);
  const description = optString(declaration, "description", path);
  const schema = optObject(declaration, "parametersJsonSchema", path) ??
    optObject(declaration, "parameters", path);
  return {
    name,
    ...(description ? { description } : {}),
    inputSchema: schema ? toJsonSchema(schema) : { type: "object", properties: {} },
  };
}

function decodeToolConfig(
  config: JsonObject | undefined,
  warnings: string[],
): ToolChoice | undefined {
  const calling = config && optObject(config, "functionCallingConfig", "toolConfig");
  if (!calling) return undefined;
  const path = "toolConfig.functionCallingConfig";
  const mode = optString(calling, "mode", path);
  const allowed = optStringArray(calling, "allowedFunctionNames", path) ?? [];
  switch (mode) {
    case undefined:
    case "MODE_UNSPECIFIED":
      return undefined;
    case "AUTO":
    case "VALIDATED":
      return { type: "auto" };
    case "NONE":
      return { type: "none" };
    case "ANY":
      if (allowed.length === 1) return { type: "tool", name: allowed[0] };
      if (allowed.length > 1) {
        warnings.push("Dropped allowedFunctionNames: the model may call any declared function");
      }
      return { type: "any" };
  }
  throw invalidRequest(`${path}: unknown "mode" "${mode}"`);
}

function decodeGenerationConfig(config: JsonObject, request: Request, warnings: string[]): void {
  const path = "generationConfig";
  const candidates = optNumber(config, "candidateCount", path);
  if (candidates !== undefined && candidates > 1) {
    throw invalidRequest(`${path}: "candidateCount" above 1 is not supported for this model`);
  }
  const numbers = [
    ["maxOutputTokens", "maxTokens"],
    ["temperature", "temperature"],
    ["topP", "topP"],
    ["topK", "topK"],
    ["seed", "seed"],
    ["presencePenalty", "presencePenalty"],
    ["frequencyPenalty", "frequencyPenalty"],
  ] as const;
  for (const [wire, key] of numbers) {
    const value = optNumber(config, wire, path);
    if (value !== undefined) request[key] = value;
  }
  const stop = optStringArray(config, "stopSequences", path);
  if (stop && stop.length > 0) request.stopSequences = stop;
  const format = decodeResponseFormat(config, warnings);
  if (format) request.responseFormat = format;
  const thinking = optObject(config, "thinkingConfig", path);
  const decoded = thinking && decodeThinkingConfig(thinking);
  if (decoded) request.thinking = decoded;
}

function decodeResponseFormat(
  config: JsonObject,
  warnings: string[],
): ResponseFormat | undefined {
  const path = "generationConfig";
  const mime = optString(config, "responseMimeType", path);
  if (mime === undefined || mime === "text/plain") return undefined;
  if (mime !== "application/json") {
    warnings.push(`Dropped responseMimeType "${mime}": only JSON output can be requested`);
    return undefined;
  }
  const schema = optObject(config, "responseJsonSchema", path) ??
    optObject(config, "responseSchema", path);
  if (!schema) return { type: "json_object" };
  return { type: "json_schema", schema: toJsonSchema(schema) };
}

const LEVELS: Record<string, Effort> = {
  MINIMAL: "minimal",
  LOW: "low",
  MEDIUM: "medium",
  HIGH: "high",
};

/**
 * `thinkingConfig`: budget 0 is off, -1 (or `includeThoughts` alone) lets the model decide,
 * a budget or a level (Gemini 3) asks for that much.
 */
export function decodeThinkingConfig(config: JsonObject): ThinkingConfig | undefined {
  const path = "generationConfig.thinkingConfig";
  const level = optString(config, "thinkingLevel", path);
  const budget = optNumber(config, "thinkingBudget", path);
  const include = optBoolean(config, "includeThoughts", path);
  if (level !== undefined && level !== "THINKING_LEVEL_UNSPECIFIED") {
    const effort = LEVELS[level.toUpperCase()];
    if (!effort) throw invalidRequest(`${path}: unknown "thinkingLevel" "${level}"`);
    return { mode: "enabled", effort };
  }
  if (budget === 0) return { mode: "disabled" };
  if (budget !== undefined && budget > 0) return { mode: "enabled", budgetTokens: budget };
  if (budget === -1 || include) return { mode: "adaptive" };
  return undefined;
}
