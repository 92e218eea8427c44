/**
 * Writes the internal Request as an Anthropic Messages body, for an OpenAI or Gemini caller
 * served by an Anthropic-dialect upstream. What Anthropic cannot take is dropped with a warning.
 */
import type { UpstreamRequest, UpstreamTarget } from "../ir/codec.ts";
import { fitIdentifier, fitToolNames } from "../ir/ids.ts";
import type { Converted, Request, ToolChoice } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { encodeMessages, type NameOf } from "./encode_content.ts";
import { encodeThinking } from "./encode_thinking.ts";
import { isWebSearchServerTool } from "../ir/web_search.ts";
import { encodeWebSearchTool } from "./web_search.ts";
import type { AnthropicRequestBody, AnthropicTextBlock, AnthropicToolChoice } from "./types.ts";
import { perTool } from "../json/remembered_tools.ts";

/** Anthropic's limit on tool names (`^[a-zA-Z0-9_-]{1,64}$`). */
const MAX_NAME = 64;

/** Encodes `request` for `target`; `toolNames` maps shortened names back to the caller's. */
export function encodeRequest(
  request: Request,
  target: UpstreamTarget,
): Converted<UpstreamRequest> {
  const warnings: string[] = [];
  const maxTokens = Math.min(target.maxTokens, request.maxTokens ?? target.maxTokens);
  const names = fitToolNames(request.tools.map((tool) => tool.name), MAX_NAME);
  const nameOf: NameOf = (name) => names.toUpstream.get(name) ?? fitIdentifier(name, MAX_NAME);
  const body: AnthropicRequestBody = {
    model: target.modelName,
    max_tokens: maxTokens,
    messages: encodeMessages(request.messages, nameOf, warnings),
  };
  const system = encodeSystem(request);
  if (system.length) body.system = system;
  encodeTools(request, body, nameOf);
  const { thinking, effort } = encodeThinking(request, maxTokens, warnings, target.thinkingStyle);
  if (thinking && unsignedToolTurn(body)) {
    warnings.push(
      "Thinking was not sent: the last assistant turn calls tools without Anthropic-signed thinking",
    );
  } else if (thinking) {
    body.thinking = thinking;
    if (effort) body.output_config = { effort };
  }
  encodeSampling(request, target, body, warnings);
  if (request.responseFormat?.type === "json_schema") {
    body.output_config = {
      ...body.output_config,
      format: { type: "json_schema", schema: request.responseFormat.schema },
    };
  } else if (request.responseFormat?.type === "json_object") {
    warnings.push("Anthropic has no plain JSON mode: response_format json_object was not sent");
  }
  if (request.user) body.metadata = { user_id: request.user };
  body.stream = target.stream;
  return {
    value: { body: { ...body }, toolNames: names.toCaller },
    warnings: [...new Set(warnings)],
  };
}

/**
 * True when the last assistant message calls a tool but does not start with thinking: Anthropic
 * refuses thinking then ("a final assistant message must start with a thinking block"), which is
 * what a history from a caller without Anthropic signatures looks like.
 */
function unsignedToolTurn(body: AnthropicRequestBody): boolean {
  const last = body.messages.findLast((m) => m.role === "assistant");
  if (!last || !last.content.some((b) => b.type === "tool_use")) return false;
  const first = last.content[0].type;
  return first !== "thinking" && first !== "redacted_thinking";
}

function encodeSystem(request: Request): AnthropicTextBlock[] {
  return request.system
    .filter((part) => part.text.trim() !== "")
    .map((part) => ({
      type: "text",
      text: part.text,
      ...(part.cacheControl != null ? { cache_control: part.cacheControl } : {}),
    }));
}

/**
 * `tools` and `tool_choice`. Anthropic refuses `tool_use`/`tool_result` blocks in a request that
 * declares no tools, so such a history gets a bare declaration per called name and `none`.
 */
function encodeTools(request: Request, body: AnthropicRequestBody, nameOf: NameOf): void {
  const tools: unknown[] = request.tools.map((tool) => encodeTool(tool, nameOf(tool.name)));
  for (const tool of request.serverTools ?? []) tools.push(tool);
  // another dialect's caller asked for a search: Anthropic runs it as its server tool
  if (request.webSearch && !request.serverTools?.some(isWebSearchServerTool)) {
    tools.push(encodeWebSearchTool(request.webSearch));
  }
  let choice = request.toolChoice;
  if (tools.length === 0) {
    const called = new Set(
      body.messages.flatMap((m) => m.content).flatMap((b) => b.type === "tool_use" ? [b.name] : []),
    );
    if (called.size === 0) return;
    for (const name of called) tools.push({ name, input_schema: { type: "object" } });
    choice = { type: "none" };
  }
  body.tools = tools;
  const noParallel = request.parallelToolCalls === false;
  if (!choice && !noParallel) return;
  body.tool_choice = encodeChoice(choice ?? { type: "auto" }, noParallel, nameOf);
}

function encodeChoice(
  choice: ToolChoice,
  noParallel: boolean,
  nameOf: NameOf,
): AnthropicToolChoice {
  const parallel = noParallel ? { disable_parallel_tool_use: true } : {};
  switch (choice.type) {
    case "none":
      return { type: "none" };
    case "auto":
    case "any":
      return { type: choice.type, ...parallel };
    case "tool":
      return { type: "tool", name: nameOf(choice.name), ...parallel };
    default:
      return unreachable(choice);
  }
}

/**
 * temperature (clamped to Anthropic's 0–1), top_p, top_k, stop sequences. With thinking on,
 * Anthropic takes neither temperature nor top_k, and top_p only from 0.95; recent models also
 * refuse temperature and top_p together, so top_p gives way.
 */
function encodeSampling(
  request: Request,
  target: UpstreamTarget,
  body: AnthropicRequestBody,
  warnings: string[],
): void {
  const thinking = body.thinking !== undefined;
  let temperature = request.temperature ?? target.temperature;
  let topP = request.topP;
  let topK = request.topK;
  if (temperature !== undefined && (temperature < 0 || temperature > 1)) {
    const clamped = Math.min(Math.max(temperature, 0), 1);
    warnings.push(`temperature ${temperature} clamped to ${clamped} (Anthropic takes 0–1)`);
    temperature = clamped;
  }
  if (thinking && temperature !== undefined) {
    if (temperature !== 1) {
      warnings.push("temperature was not sent: Anthropic refuses it with thinking");
    }
    temperature = undefined;
  }
  if (thinking && topK !== undefined) {
    warnings.push("top_k was not sent: Anthropic refuses it with thinking");
    topK = undefined;
  }
  if (thinking && topP !== undefined && topP < 0.95) {
    warnings.push("top_p was not sent: Anthropic takes only 0.95–1 with thinking");
    topP = undefined;
  }
  if (temperature !== undefined && topP !== undefined) {
    warnings.push("top_p was not sent: Anthropic refuses temperature and top_p together");
    topP = undefined;
  }
  if (temperature !== undefined) body.temperature = temperature;
  if (topP !== undefined) body.top_p = topP;
  if (topK !== undefined) body.top_k = topK;
  if (request.stopSequences?.length) body.stop_sequences = request.stopSequences;
  for (
    const [value, name] of [
      [request.seed, "seed"],
      [request.presencePenalty, "presence_penalty"],
      [request.frequencyPenalty, "frequency_penalty"],
    ] as const
  ) {
    if (value !== undefined) warnings.push(`${name} was not sent: Anthropic has no such setting`);
  }
}

/** A tool declared under `name` (made once per tool of a remembered list and name). */
const encodeTool = perTool((tool: Request["tools"][number], name: string) => ({
  name,
  ...(tool.description ? { description: tool.description } : {}),
  input_schema: { type: "object", ...tool.inputSchema },
  ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
  ...(tool.cacheControl != null ? { cache_control: tool.cacheControl } : {}),
}));
