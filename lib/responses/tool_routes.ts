/**
 * How a Responses caller's tools look to other upstreams and back. Every other dialect knows only
 * functions taking a JSON object: a tool inside a `namespace` (Codex's MCP servers) is flattened
 * to `<namespace>__<tool>`, a freeform `custom` tool (Codex's `apply_patch`) becomes a
 * function taking one string, `input`, and Codex's client-run `tool_search` becomes a function of
 * that name. The answer restores all three from the caller's own `tools`: Codex runs a call only
 * in the form it declared the tool (a flattened name is an "unsupported call", `apply_patch` as a
 * `function_call` is "aborted", a `tool_search` `function_call` a fatal error).
 */
import { isObject } from "../json/fields.ts";

/** What a flattened tool name stands for in the caller's terms. */
export interface ToolRoute {
  kind: "function" | "custom" | "tool_search";
  /** The tool's own name, inside its namespace. */
  name: string;
  namespace?: string;
}

/** The name a client-run `tool_search` tool is declared under upstream (it has none of its own). */
export const TOOL_SEARCH = "tool_search";

/** True for Codex's `tool_search` tool that the client runs (the hosted one has no counterpart). */
export function isClientToolSearch(tool: Record<string, unknown>): boolean {
  return tool.type === "tool_search" && tool.execution === "client";
}

/**
 * The flat name of `name` inside `namespace`. Codex names namespaces like `mcp__github__` and
 * some of their tools already carry the prefix, so neither is doubled.
 */
export function qualifiedToolName(namespace: string | undefined, name: string): string {
  if (!namespace || name.startsWith(namespace) || name.startsWith("mcp__")) return name;
  return namespace.endsWith("__") ? namespace + name : `${namespace}__${name}`;
}

/**
 * Flat name → route, for the caller's custom, namespaced and `tool_search` tools (plain functions
 * need none).
 * Reads the tools as the caller wrote them; malformed entries are skipped (the decoder has
 * already refused them).
 */
export function toolRoutes(tools: unknown): Map<string, ToolRoute> {
  const routes = new Map<string, ToolRoute>();
  if (!Array.isArray(tools)) return routes;
  for (const tool of tools) {
    if (!isObject(tool)) continue;
    if (tool.type === "custom" && typeof tool.name === "string") {
      routes.set(tool.name, { kind: "custom", name: tool.name });
    } else if (isClientToolSearch(tool)) {
      routes.set(TOOL_SEARCH, { kind: "tool_search", name: TOOL_SEARCH });
    } else if (
      tool.type === "namespace" && typeof tool.name === "string" && Array.isArray(tool.tools)
    ) {
      addNamespace(routes, tool.name, tool.tools);
    }
  }
  return routes;
}

function addNamespace(routes: Map<string, ToolRoute>, namespace: string, tools: unknown[]): void {
  for (const child of tools) {
    if (!isObject(child) || typeof child.name !== "string") continue;
    const flat = qualifiedToolName(namespace, child.name);
    if (routes.has(flat)) continue;
    routes.set(flat, {
      kind: child.type === "custom" ? "custom" : "function",
      name: child.name,
      namespace,
    });
  }
}

/** The route of a flat name: the caller's custom or namespaced tool, else a plain function. */
export function routeOf(routes: Map<string, ToolRoute>, flatName: string): ToolRoute {
  return routes.get(flatName) ?? { kind: "function", name: flatName };
}
