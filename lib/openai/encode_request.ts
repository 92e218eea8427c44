/**
 * An internal Request as a Chat Completions body for an OpenAI-dialect upstream (OpenAI, DeepSeek,
 * Kimi, Qwen, GLM, OpenRouter…). Uses only fields every such provider accepts (`max_tokens`,
 * except for OpenAI's own reasoning models, which take only `max_completion_tokens`), fits tool
 * names to 64 characters and call ids to 40, and reports what it had to drop.
 */
import type { UpstreamRequest, UpstreamTarget } from "../ir/codec.ts";
import { fitIdentifier, fitToolNames } from "../ir/ids.ts";
import type { Converted, Request, ResponseFormat, ToolChoice } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { encodeMessages } from "./encode_messages.ts";
import { otherServerTools } from "../ir/web_search.ts";
import { thinkingFields } from "./thinking_style.ts";

/** OpenAI's reasoning models (o1, o3, o4-mini, gpt-5…) reject `max_tokens`. */
const OPENAI_REASONING_MODEL = /^(?:openai\/)?(?:o\d|gpt-5)/;
import type { ChatToolChoiceOut, ChatToolOut } from "./types.ts";
import { perTool } from "../json/remembered_tools.ts";

/** OpenAI rejects function names longer than this. */
export const MAX_TOOL_NAME = 64;
const MAX_USER = 64;

/** Encodes a request for an OpenAI-dialect upstream. */
export function encodeRequest(
  request: Request,
  target: UpstreamTarget,
): Converted<UpstreamRequest> {
  const warnings: string[] = [];
  const names = fitToolNames(allToolNames(request), MAX_TOOL_NAME);
  const toolName = (name: string) => names.toUpstream.get(name) ?? name;
  const body: Record<string, unknown> = {
    model: target.modelName,
    messages: encodeMessages(request, toolName, warnings, {
      geminiSignatures: /gemini/i.test(target.modelName),
      promptCache: target.promptCache,
    }),
  };
  const hasTools = request.tools.length > 0;
  if (hasTools) body.tools = request.tools.map((t) => encodeTool(t, toolName(t.name)));
  const server = otherServerTools(request);
  if (server.length) {
    warnings.push(`Dropped ${server.length} server tool(s): only Anthropic upstreams run them`);
  }
  if (request.webSearch) {
    // Chat Completions has no search tool (search-preview models search always, with no tools)
    warnings.push("Dropped the web search: OpenAI-dialect upstreams cannot search");
  }
  if (hasTools && request.toolChoice) {
    body.tool_choice = encodeToolChoice(request.toolChoice, toolName);
  }
  if (hasTools && request.parallelToolCalls === false) body.parallel_tool_calls = false;
  const maxTokens = Math.min(target.maxTokens, request.maxTokens ?? target.maxTokens);
  if (OPENAI_REASONING_MODEL.test(target.modelName)) body.max_completion_tokens = maxTokens;
  else body.max_tokens = maxTokens;
  const temperature = request.temperature ?? target.temperature;
  if (temperature !== undefined) body.temperature = clampTemperature(temperature, warnings);
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) {
    warnings.push(`Dropped "top_k": OpenAI-dialect upstreams have none`);
  }
  if (request.stopSequences?.length) body.stop = request.stopSequences;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;
  Object.assign(
    body,
    thinkingFields(request.thinking, target.thinkingStyle, target.reasoningEffort),
  );
  if (request.responseFormat) body.response_format = encodeResponseFormat(request.responseFormat);
  if (request.user) body.user = fitIdentifier(request.user, MAX_USER);
  if (target.stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  const toolNames = new Map(
    [...names.toCaller].filter(([upstream, caller]) => upstream !== caller),
  );
  return { value: { body, toolNames }, warnings };
}

/** Every tool name the upstream will see: declared tools and calls in the history. */
export function allToolNames(request: Request): Set<string> {
  const names = new Set(request.tools.map((t) => t.name));
  for (const message of request.messages) {
    for (const part of message.content) if (part.type === "tool_call") names.add(part.name);
  }
  return names;
}

/** A function tool declared under `name` (made once per tool of a remembered list and name). */
const encodeTool = perTool((tool: Request["tools"][number], name: string): ChatToolOut => ({
  type: "function",
  function: {
    name,
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    parameters: tool.inputSchema,
    ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
  },
}));

function encodeToolChoice(
  choice: ToolChoice,
  toolName: (name: string) => string,
): ChatToolChoiceOut {
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { type: "function", function: { name: toolName(choice.name) } };
    default:
      return unreachable(choice);
  }
}

/** `temperature` within the 0–2 OpenAI accepts, with a warning when it had to move. */
export function clampTemperature(value: number, warnings: string[]): number {
  const clamped = Math.min(2, Math.max(0, value));
  if (clamped !== value) warnings.push(`Clamped "temperature" ${value} to ${clamped}`);
  return clamped;
}

function encodeResponseFormat(format: ResponseFormat): Record<string, unknown> {
  switch (format.type) {
    case "json_object":
      return { type: "json_object" };
    case "json_schema":
      return {
        type: "json_schema",
        json_schema: {
          name: fitIdentifier(format.name ?? "response", 64),
          schema: format.schema,
          ...(format.strict !== undefined ? { strict: format.strict } : {}),
        },
      };
    default:
      return unreachable(format);
  }
}
