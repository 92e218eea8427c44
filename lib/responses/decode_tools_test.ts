import assert from "node:assert/strict";
import { decodeToolChoice, decodeTools } from "./decode_tools.ts";
import { qualifiedToolName, routeOf, toolRoutes } from "./tool_routes.ts";

const SCHEMA = { type: "object", properties: { q: { type: "string" } } };

Deno.test("decodeTools() flattens namespaces, keeps names unique, drops built-ins but the web search", () => {
  const warnings: string[] = [];
  const tools = decodeTools([{
    path: "tools",
    tools: [
      { type: "function", name: "shell", description: "Run", parameters: SCHEMA, strict: true },
      { name: "plain" },
      {
        type: "namespace",
        name: "crm",
        description: "CRM",
        tools: [
          { type: "function", name: "find", parameters: SCHEMA },
          { type: "custom", name: "note" },
        ],
      },
      { type: "namespace", name: "mcp__gh__", tools: [{ type: "function", name: "mcp__gh__pr" }] },
      { type: "web_search" },
      { type: "local_shell" },
      { type: "web_search" },
      { type: "function", name: "shell", parameters: {} },
    ],
  }, { path: "additional_tools", tools: [{ type: "function", name: "late" }] }], warnings);
  const empty = { type: "object", properties: {} };
  assert.deepEqual(tools.map((t) => [t.name, t.description, t.inputSchema === SCHEMA, t.strict]), [
    ["shell", "Run", true, true],
    ["plain", undefined, false, undefined],
    ["crm__find", undefined, true, undefined],
    ["crm__note", undefined, false, undefined],
    ["mcp__gh__pr", undefined, false, undefined],
    ["late", undefined, false, undefined],
  ]);
  assert.deepEqual(tools[1].inputSchema, empty);
  assert.deepEqual(warnings, [
    `Dropped a second tool named "shell"`,
    "Dropped built-in tool(s) local_shell: the upstream cannot run them",
  ]);
});

Deno.test("toolRoutes() restores flattened and freeform tools to the caller's names", () => {
  const routes = toolRoutes([
    { type: "function", name: "shell" },
    { type: "custom", name: "apply_patch" },
    { type: "namespace", name: "crm", tools: [{ name: "find" }, { type: "custom", name: "note" }] },
    { type: "namespace", name: "mcp__gh__", tools: [{ name: "pr" }, { name: "mcp__gh__issue" }] },
    "junk",
  ]);
  assert.deepEqual(routeOf(routes, "shell"), { kind: "function", name: "shell" });
  assert.deepEqual(routeOf(routes, "apply_patch"), { kind: "custom", name: "apply_patch" });
  assert.deepEqual(routeOf(routes, "crm__find"), {
    kind: "function",
    name: "find",
    namespace: "crm",
  });
  assert.deepEqual(routeOf(routes, "crm__note"), {
    kind: "custom",
    name: "note",
    namespace: "crm",
  });
  assert.deepEqual(routeOf(routes, "mcp__gh__pr"), {
    kind: "function",
    name: "pr",
    namespace: "mcp__gh__",
  });
  assert.deepEqual(routeOf(routes, "mcp__gh__issue"), {
    kind: "function",
    name: "mcp__gh__issue",
    namespace: "mcp__gh__",
  });
  assert.equal(toolRoutes(undefined).size, 0);
  assert.equal(qualifiedToolName(undefined, "x"), "x");
});

Deno.test("decodeTools() declares the client-run tool_search as a function, drops the hosted one", () => {
  const warnings: string[] = [];
  const tools = decodeTools([{
    path: "tools",
    tools: [
      { type: "tool_search", execution: "client", description: "Find tools", parameters: SCHEMA },
      { type: "tool_search" },
    ],
  }], warnings);
  assert.deepEqual(tools, [{
    name: "tool_search",
    description: "Find tools",
    inputSchema: SCHEMA,
  }]);
  assert.deepEqual(warnings, [
    "Dropped built-in tool(s) tool_search: the upstream cannot run them",
  ]);
  const bare = decodeTools(
    [{ path: "t", tools: [{ type: "tool_search", execution: "client" }] }],
    [],
  );
  assert.deepEqual(bare[0].inputSchema.required, ["query"]);
  const routes = toolRoutes([{ type: "tool_search", execution: "client" }]);
  assert.deepEqual(routeOf(routes, "tool_search"), { kind: "tool_search", name: "tool_search" });
  assert.deepEqual(routeOf(toolRoutes([{ type: "tool_search" }]), "tool_search"), {
    kind: "function",
    name: "tool_search",
  });
});

Deno.test("decodeTools() skips tools a search loaded again without a warning", () => {
  const warnings: string[] = [];
  const namespace = (tools: unknown[]) => ({ type: "namespace", name: "mcp__cal", tools });
  const tools = decodeTools([
    { path: "tools", tools: [{ type: "function", name: "shell" }] },
    { path: "input[5].tools", tools: [namespace([{ name: "add" }])], loaded: true },
    {
      path: "input[9].tools",
      tools: [namespace([{ name: "add" }, { name: "list" }])],
      loaded: true,
    },
    { path: "input[12].tools", tools: [{ type: "function", name: "shell" }] },
  ], warnings);
  assert.deepEqual(tools.map((t) => t.name), ["shell", "mcp__cal__add", "mcp__cal__list"]);
  assert.deepEqual(warnings, [`Dropped a second tool named "shell"`]);
});

Deno.test("decodeToolChoice() reads every choice, named tools by their flat name", () => {
  const warnings: string[] = [];
  const choice = (raw: unknown) => decodeToolChoice(raw, warnings);
  assert.equal(choice(undefined), undefined);
  assert.deepEqual(choice("auto"), { type: "auto" });
  assert.deepEqual(choice("required"), { type: "any" });
  assert.deepEqual(choice("none"), { type: "none" });
  assert.deepEqual(choice({ type: "function", name: "shell" }), { type: "tool", name: "shell" });
  assert.deepEqual(choice({ type: "function", name: "find", namespace: "crm" }), {
    type: "tool",
    name: "crm__find",
  });
  assert.deepEqual(choice({ type: "custom", name: "apply_patch" }), {
    type: "tool",
    name: "apply_patch",
  });
  assert.deepEqual(choice({ type: "allowed_tools", mode: "required", tools: [] }), { type: "any" });
  assert.deepEqual(choice({ type: "web_search_preview" }), { type: "auto" });
  assert.deepEqual(warnings, [
    `"tool_choice" allowed_tools: the list of tools is not enforced`,
    `"tool_choice" "web_search_preview" is a built-in tool: read as "auto"`,
  ]);
});
