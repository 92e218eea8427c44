/**
 * An internal Request as a body for a Responses upstream (`POST {api_base}/responses`): always
 * `store: false` (the proxy sends the whole conversation every time), and when thinking is asked
 * for, `reasoning: {effort, summary: "auto"}` with `include: ["reasoning.encrypted_content"]` so
 * that the upstream's reasoning can be replayed on the next turn. Tool names are fitted to 64
 * characters; a web search is its `web_search` tool; what has no counterpart (`stop`, `top_k`,
 * `seed`, penalties) is dropped with a warning.
 */
import type { UpstreamRequest, UpstreamTarget } from "../ir/codec.ts";
import { fitIdentifier, fitToolNames } from "../ir/ids.ts";
import type { Converted, Request, ResponseFormat, ToolChoice } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { allToolNames, clampTemperature, MAX_TOOL_NAME } from "../openai/encode_request.ts";
import { reasoningEffortOf } from "../openai/reasoning_effort.ts";
import { perTool } from "../json/remembered_tools.ts";
import { encodeInput } from "./encode_input.ts";
import { otherServerTools } from "../ir/web_search.ts";
import { encodeWebSearch, SEARCH_SOURCES } from "./web_search.ts";
import type { FunctionToolOut, ToolChoiceOut } from "./types.ts";

const MAX_USER = 64;

/** Encodes a request for a Responses upstream. */
export function encodeRequest(
  request: Request,
  target: UpstreamTarget,
): Converted<UpstreamRequest> {
  const warnings: string[] = [];
  const names = fitToolNames(allToolNames(request), MAX_TOOL_NAME);
  const toolName = (name: string) => names.toUpstream.get(name) ?? name;
  const { instructions, input } = encodeInput(request, toolName, warnings);
  const body: Record<string, unknown> = { model: target.modelName };
  if (instructions) body.instructions = instructions;
  body.input = input;
  const hasTools = request.tools.length > 0;
  const tools: unknown[] = request.tools.map((tool) => encodeTool(tool, toolName(tool.name)));
  if (request.webSearch) {
    const search = encodeWebSearch(request.webSearch, warnings);
    tools.push(search.tool);
    Object.assign(body, search.fields);
  }
  if (tools.length > 0) body.tools = tools;
  if (hasTools && request.toolChoice) {
    body.tool_choice = encodeToolChoice(request.toolChoice, toolName);
  }
  if (hasTools && request.parallelToolCalls === false) body.parallel_tool_calls = false;
  body.max_output_tokens = Math.min(target.maxTokens, request.maxTokens ?? target.maxTokens);
  const temperature = request.temperature ?? target.temperature;
  if (temperature !== undefined) body.temperature = clampTemperature(temperature, warnings);
  if (request.topP !== undefined) body.top_p = request.topP;
  const reasoning = encodeReasoning(request, target);
  if (reasoning.reasoning) body.reasoning = reasoning.reasoning;
  const include = [...reasoning.include, ...(request.webSearch ? [SEARCH_SOURCES] : [])];
  if (include.length > 0) body.include = include;
  if (request.responseFormat) body.text = { format: encodeFormat(request.responseFormat) };
  if (request.user) body.user = fitIdentifier(request.user, MAX_USER);
  body.store = false;
  if (target.stream) body.stream = true;
  warnings.push(...unsupported(request));
  const toolNames = new Map(
    [...names.toCaller].filter(([upstream, caller]) => upstream !== caller),
  );
  return { value: { body, toolNames }, warnings };
}

/**
 * `reasoning` and `include`, when thinking is asked for (or models.yaml fixes an effort); nothing
 * when it is disabled or not mentioned, or when the model's `thinking_style` is `none`.
 */
function encodeReasoning(
  request: Request,
  target: UpstreamTarget,
): { reasoning?: Record<string, unknown>; include: string[] } {
  if (target.thinkingStyle === "none") return { include: [] };
  const effort = reasoningEffortOf(request.thinking, target.reasoningEffort);
  const asked = effort !== undefined ||
    (request.thinking !== undefined && request.thinking.mode !== "disabled");
  if (!asked) return { include: [] };
  return {
    reasoning: { ...(effort ? { effort } : {}), summary: "auto" },
    include: ["reasoning.encrypted_content"],
  };
}

/** A function tool declared under `name` (made once per tool of a remembered list and name). */
const encodeTool = perTool((tool: Request["tools"][number], name: string): FunctionToolOut => ({
  type: "function",
  name,
  ...(tool.description !== undefined ? { description: tool.description } : {}),
  parameters: tool.inputSchema,
  ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
}));

function encodeToolChoice(choice: ToolChoice, toolName: (name: string) => string): ToolChoiceOut {
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { type: "function", name: toolName(choice.name) };
    default:
      return unreachable(choice);
  }
}

/** `text.format`, flat as this dialect writes it. */
function encodeFormat(format: ResponseFormat): Record<string, unknown> {
  switch (format.type) {
    case "json_object":
      return { type: "json_object" };
    case "json_schema":
      return {
        type: "json_schema",
        name: fitIdentifier(format.name ?? "response", 64),
        schema: format.schema,
        ...(format.strict !== undefined ? { strict: format.strict } : {}),
      };
    default:
      return unreachable(format);
  }
}

/** Warnings for the settings a Responses upstream has no field for. */
function unsupported(request: Request): string[] {
  const out: string[] = [];
  const server = otherServerTools(request);
  if (server.length) {
    out.push(`Dropped ${server.length} server tool(s): only Anthropic upstreams run them`);
  }
  if (request.stopSequences?.length) out.push(`Dropped "stop": Responses upstreams have none`);
  if (request.topK !== undefined) out.push(`Dropped "top_k": Responses upstreams have none`);
  if (request.seed !== undefined) out.push(`Dropped "seed": Responses upstreams have none`);
  if (request.presencePenalty !== undefined || request.frequencyPenalty !== undefined) {
    out.push("Dropped the presence/frequency penalties: Responses upstreams have none");
  }
  return out;
}
