/**
 * A Responses caller's `tools` and `tool_choice` as internal tool definitions: flat `function`
 * tools as they are, `custom` (freeform) tools as functions taking one string with their grammar
 * written into the description, `namespace` tools flattened (lib/responses/tool_routes.ts),
 * Codex's client-run `tool_search` as a function (Codex runs the search; it is how a session on
 * a model in Codex's catalog reaches its MCP and sub-agent tools), `web_search` as the request's
 * web search (served where the upstream can search), and other built-in tools (`local_shell`,
 * the hosted `tool_search`…), which no other upstream runs, dropped with a warning.
 */
import { invalidRequest } from "../errors.ts";
import type { ToolChoice, ToolDefinition, WebSearchTool } from "../ir/types.ts";
import { perTool } from "../json/remembered_tools.ts";
import {
  expectObject,
  fieldError,
  isObject,
  joinPath,
  type JsonObject,
  optionalBoolean,
  optionalString,
  requiredString,
} from "../json/fields.ts";
import { isClientToolSearch, qualifiedToolName, TOOL_SEARCH } from "./tool_routes.ts";
import { isWebSearchTool, webSearchToolOf } from "./web_search.ts";

/** The schema a freeform tool's single string argument is declared with. */
export const CUSTOM_TOOL_SCHEMA: Record<string, unknown> = Object.freeze({
  type: "object",
  properties: Object.freeze({
    input: Object.freeze({
      type: "string",
      description: "The raw input, exactly as the tool takes it",
    }),
  }),
  required: Object.freeze(["input"]),
  additionalProperties: false,
});

/** A list of tool declarations and where it sits in the caller's body. */
export interface ToolList {
  tools: unknown[];
  path: string;
  /**
   * Tools a `tool_search` loaded: each search may load a namespace again, so a repeated name is
   * expected there and skipped without a warning.
   */
  loaded?: boolean;
}

/**
 * Decodes `tools`, and the tools declared inside `input` (Codex Desktop's `additional_tools`,
 * what Codex's `tool_search` loaded); names stay unique, first wins.
 */
export function decodeTools(lists: ToolList[], warnings: string[]): ToolDefinition[] {
  const out: ToolDefinition[] = [];
  const seen = new Set<string>();
  const builtIn = new Set<string>();
  for (const { tools, path, loaded } of lists) {
    const add = (tool: ToolDefinition) => {
      if (seen.has(tool.name)) {
        if (!loaded) warnings.push(`Dropped a second tool named ${JSON.stringify(tool.name)}`);
        return;
      }
      seen.add(tool.name);
      out.push(tool);
    };
    tools.forEach((raw, i) => {
      const toolPath = joinPath(path, i);
      const tool = expectObject(raw, toolPath);
      const type = optionalString(tool, "type", toolPath) ?? "function";
      if (type === "function" || type === "custom") add(decodeTool(tool, type, toolPath));
      else if (type === "namespace") decodeNamespace(tool, toolPath).forEach(add);
      else if (isClientToolSearch(tool)) add(decodeToolSearch(tool, toolPath));
      else if (!isWebSearchTool(type)) builtIn.add(type); // a search is decodeWebSearch's
    });
  }
  if (builtIn.size > 0) {
    warnings.push(
      `Dropped built-in tool(s) ${[...builtIn].join(", ")}: the upstream cannot run them`,
    );
  }
  return out;
}

/**
 * The web search the caller's tools allow, if one does. Codex's cached mode
 * (`external_web_access: false`) asks for OpenAI's cached index, which no other upstream has:
 * such a search is dropped with a warning rather than run live against the caller's choice.
 */
export function decodeWebSearch(lists: ToolList[], warnings: string[]): WebSearchTool | undefined {
  for (const { tools } of lists) {
    for (const tool of tools) {
      if (!isObject(tool) || typeof tool.type !== "string" || !isWebSearchTool(tool.type)) continue;
      if (tool.external_web_access === false) {
        warnings.push(
          "Dropped the web_search tool: it asks for cached results only " +
            "(external_web_access: false), which no other upstream serves",
        );
        return undefined;
      }
      return webSearchToolOf(tool);
    }
  }
  return undefined;
}

function decodeTool(
  tool: JsonObject,
  type: "function" | "custom",
  path: string,
  namespace?: string,
): ToolDefinition {
  return rememberedTool(tool, `${type} ${namespace ?? ""}`, { type, path, namespace });
}

/** A function or custom tool (made once per tool of a remembered list, type and namespace). */
const rememberedTool = perTool((
  tool: JsonObject,
  _key,
  { type, path, namespace }: { type: "function" | "custom"; path: string; namespace?: string },
): ToolDefinition => {
  const name = qualifiedToolName(namespace, requiredString(tool, "name", path));
  const description = optionalString(tool, "description", path);
  if (type === "custom") {
    const full = customDescription(description, tool.format, path);
    return { name, ...(full ? { description: full } : {}), inputSchema: CUSTOM_TOOL_SCHEMA };
  }
  const parameters = tool.parameters ?? { type: "object", properties: {} };
  if (!isObject(parameters)) throw fieldError(path, "parameters", "must be an object");
  const strict = optionalBoolean(tool, "strict", path);
  return {
    name,
    ...(description !== undefined ? { description } : {}),
    inputSchema: parameters,
    ...(strict !== undefined ? { strict } : {}),
  };
});

/**
 * Codex's client-run `tool_search` (`{type, execution: "client", description, parameters}`) as
 * the function the model calls to find the tools Codex holds back.
 */
function decodeToolSearch(tool: JsonObject, path: string): ToolDefinition {
  return rememberedToolSearch(tool, "", path);
}

const rememberedToolSearch = perTool((tool: JsonObject, _key, path: string): ToolDefinition => {
  const description = optionalString(tool, "description", path);
  const parameters = tool.parameters ?? TOOL_SEARCH_SCHEMA;
  if (!isObject(parameters)) throw fieldError(path, "parameters", "must be an object");
  return {
    name: TOOL_SEARCH,
    ...(description !== undefined ? { description } : {}),
    inputSchema: parameters,
  };
});

/** What Codex declares `tool_search` with, for one that comes without `parameters`. */
const TOOL_SEARCH_SCHEMA: Record<string, unknown> = Object.freeze({
  type: "object",
  properties: Object.freeze({
    query: Object.freeze({ type: "string", description: "Search query for deferred tools." }),
    limit: Object.freeze({ type: "number", description: "Maximum number of tools to return." }),
  }),
  required: Object.freeze(["query"]),
  additionalProperties: false,
});

function decodeNamespace(tool: JsonObject, path: string): ToolDefinition[] {
  const namespace = requiredString(tool, "name", path);
  const children = tool.tools;
  if (!Array.isArray(children)) throw fieldError(path, "tools", "must be an array");
  return children.map((raw, i) => {
    const childPath = joinPath(joinPath(path, "tools"), i);
    const child = expectObject(raw, childPath);
    const type = optionalString(child, "type", childPath) ?? "function";
    if (type !== "function" && type !== "custom") {
      throw fieldError(childPath, "type", `must be "function" or "custom"`);
    }
    return decodeTool(child, type, childPath, namespace);
  });
}

/** A freeform tool's description, with its grammar, which the function form cannot declare. */
function customDescription(description: string | undefined, format: unknown, path: string) {
  const head = description ?? "";
  if (format === undefined || format === null) return head;
  const spec = expectObject(format, joinPath(path, "format"));
  if (spec.type === "text") return head;
  if (spec.type !== "grammar") {
    throw fieldError(joinPath(path, "format"), "type", `must be "text" or "grammar"`);
  }
  const syntax = optionalString(spec, "syntax", joinPath(path, "format")) ?? "lark";
  const definition = requiredString(spec, "definition", joinPath(path, "format"));
  return `${head}\n\nPass the raw text as the \`input\` string (not JSON). It must match ` +
    `this ${syntax} grammar:\n\`\`\`\n${definition}\n\`\`\``;
}

/**
 * `tool_choice`: `auto` / `none` / `required`, a named function or custom tool; an
 * `allowed_tools` list reads as its mode (the list is not enforced), and a built-in tool choice
 * as `auto`, both with a warning.
 */
export function decodeToolChoice(raw: unknown, warnings: string[]): ToolChoice | undefined {
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
  if (!isObject(raw) || typeof raw.type !== "string") {
    throw invalidRequest(
      `"tool_choice" must be "auto", "required", "none" or an object with a "type"`,
    );
  }
  const path = "tool_choice";
  switch (raw.type) {
    case "function":
    case "custom": {
      const namespace = optionalString(raw, "namespace", path);
      return {
        type: "tool",
        name: qualifiedToolName(namespace, requiredString(raw, "name", path)),
      };
    }
    case "allowed_tools":
      warnings.push(`"tool_choice" allowed_tools: the list of tools is not enforced`);
      return raw.mode === "required" ? { type: "any" } : { type: "auto" };
  }
  warnings.push(`"tool_choice" ${JSON.stringify(raw.type)} is a built-in tool: read as "auto"`);
  return { type: "auto" };
}
