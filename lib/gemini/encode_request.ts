/**
 * Upstream side: the internal Request as a Gemini `generateContent` body (the model and
 * streaming go in the URL, so neither is in the body); a web search as Google Search grounding.
 */
import type { Converted, Request, ToolChoice, WebSearchTool } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import type { UpstreamRequest, UpstreamTarget } from "../ir/codec.ts";
import { fitToolNames } from "../ir/ids.ts";
import { otherServerTools } from "../ir/web_search.ts";
import type { JsonObject } from "../json/fields.ts";
import { encodeContents } from "./encode_contents.ts";
import { cleanSchema } from "./schema.ts";
import { SchemaBudget } from "./schema_budget.ts";
import { encodeThinkingConfig, geminiGeneration } from "./thinking_config.ts";
import type {
  GeminiFunctionDeclaration,
  GeminiGenerationConfig,
  GeminiRequest,
  GeminiToolConfig,
} from "./types.ts";
import { perTool } from "../json/remembered_tools.ts";

/** Gemini takes at most this many stop sequences. */
const MAX_STOP_SEQUENCES = 5;

/** Encodes a request for a Gemini upstream; what Gemini cannot take is dropped with a warning. */
export function encodeRequest(
  request: Request,
  target: UpstreamTarget,
): Converted<UpstreamRequest> {
  const warnings: string[] = [];
  const { toUpstream, toCaller } = fitToolNames(request.tools.map((t) => t.name), 64);
  const requireCallSignatures = (geminiGeneration(target.modelName) ?? 0) >= 3;
  const { contents, system } = encodeContents(
    request,
    { names: toUpstream, requireCallSignatures },
    warnings,
  );
  const body: GeminiRequest = { contents };
  if (system.length > 0) body.systemInstruction = { parts: system };
  const otherServer = otherServerTools(request);
  if (otherServer.length) {
    warnings.push(`Dropped ${otherServer.length} server tool(s): only Anthropic runs them`);
  }
  if (request.tools.length > 0) {
    const budget = new SchemaBudget();
    const functionDeclarations = request.tools.map((tool): GeminiFunctionDeclaration => {
      const name = toUpstream.get(tool.name) ?? tool.name;
      const declaration = encodeDeclaration(tool, name, budget);
      // Charged on every request, remembered declarations included: together they are sent.
      if (declaration.parameters) budget.write(declaration.parameters);
      return declaration;
    });
    body.tools = [{ functionDeclarations }];
    if (request.toolChoice) body.toolConfig = toolConfig(request.toolChoice, toUpstream);
  }
  if (request.webSearch) encodeGoogleSearch(request.webSearch, body, target, warnings);
  const generationConfig = encodeGenerationConfig(request, target, warnings);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return { value: { body: body as unknown as JsonObject, toolNames: toCaller }, warnings };
}

/**
 * A web search as Google Search grounding. Gemini 3 searches beside function declarations only
 * when asked to return its server-side tool calls too; Gemini 2.5 and earlier refuse the two
 * together, so there the functions win (a Claude Code search request declares no function).
 * The Gemini API's `googleSearch` takes none of the caller's limits.
 */
function encodeGoogleSearch(
  search: WebSearchTool,
  body: GeminiRequest,
  target: UpstreamTarget,
  warnings: string[],
): void {
  const tools = body.tools ?? [];
  if (tools.length > 0) {
    if ((geminiGeneration(target.modelName) ?? 0) < 3) {
      warnings.push(
        "Dropped the web search: Gemini before 3 cannot search and call functions in one request",
      );
      return;
    }
    body.toolConfig = { ...body.toolConfig, includeServerSideToolInvocations: true };
  }
  body.tools = [...tools, { googleSearch: {} }];
  const unsupported = [
    search.maxUses !== undefined && "max_uses",
    search.allowedDomains && "allowed_domains",
    search.blockedDomains && "blocked_domains",
    search.userLocation && "user_location",
  ].filter((name) => name);
  if (unsupported.length > 0) {
    warnings.push(`Gemini's Google Search takes no ${unsupported.join(", ")}: searched without`);
  }
}

function toolConfig(choice: ToolChoice, names: Map<string, string>): GeminiToolConfig {
  switch (choice.type) {
    case "auto":
      return { functionCallingConfig: { mode: "AUTO" } };
    case "any":
      return { functionCallingConfig: { mode: "ANY" } };
    case "none":
      return { functionCallingConfig: { mode: "NONE" } };
    case "tool":
      return {
        functionCallingConfig: {
          mode: "ANY",
          allowedFunctionNames: [names.get(choice.name) ?? choice.name],
        },
      };
    default:
      return unreachable(choice);
  }
}

function encodeGenerationConfig(
  request: Request,
  target: UpstreamTarget,
  warnings: string[],
): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {
    maxOutputTokens: Math.min(target.maxTokens, request.maxTokens ?? target.maxTokens),
  };
  const temperature = request.temperature ?? target.temperature;
  if (temperature !== undefined) {
    config.temperature = Math.min(2, Math.max(0, temperature));
    if (config.temperature !== temperature) {
      warnings.push(`Temperature ${temperature} is outside 0–2; sent ${config.temperature}`);
    }
  }
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.topK !== undefined) config.topK = request.topK;
  if (request.stopSequences?.length) {
    config.stopSequences = request.stopSequences.slice(0, MAX_STOP_SEQUENCES);
    if (request.stopSequences.length > MAX_STOP_SEQUENCES) {
      warnings.push(`Gemini takes ${MAX_STOP_SEQUENCES} stop sequences; dropped the rest`);
    }
  }
  if (request.seed !== undefined) config.seed = request.seed;
  if (request.presencePenalty !== undefined) config.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) config.frequencyPenalty = request.frequencyPenalty;
  const format = request.responseFormat;
  if (format) {
    config.responseMimeType = "application/json";
    if (format.type === "json_schema") {
      const { $schema: _, ...schema } = format.schema;
      config.responseJsonSchema = schema;
    }
  }
  const thinking = encodeThinkingConfig(request.thinking, target.modelName, warnings);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

/**
 * A function declaration under `name`, its schema cleaned within the request's `budget` (made
 * once per tool of a remembered list and name).
 */
const encodeDeclaration = perTool(
  (
    tool: Request["tools"][number],
    name: string,
    budget: SchemaBudget,
  ): GeminiFunctionDeclaration => {
    const parameters = cleanSchema(tool.inputSchema, budget);
    const hasProperties = Object.keys(parameters.properties ?? {}).length > 0;
    return {
      name,
      ...(tool.description ? { description: tool.description } : {}),
      ...(hasProperties ? { parameters } : {}),
    };
  },
);
