/**
 * decodeRequest() on what the real Codex CLI 0.171 sent (tests/fixtures/requests/codex_request*.json,
 * captured offline): no `instructions`, item ids on every replayed item, tools that depend on
 * whether Codex knows the model, reasoning replayed in each of its forms.
 */
import assert from "node:assert/strict";
import type { Message, Part, Request, ToolCallPart, ToolResultPart } from "../ir/types.ts";
import { CUSTOM_TOOL_SCHEMA } from "./decode_tools.ts";
import { decodeRequest } from "./decode_request.ts";
import { toolRoutes } from "./tool_routes.ts";

function capture(name: string): any {
  return JSON.parse(
    Deno.readTextFileSync(new URL(`../../tests/fixtures/requests/${name}`, import.meta.url)),
  );
}

const FIRST = capture("codex_request.json");
const TURN2 = capture("codex_request_turn2.json");
const TURN3 = capture("codex_request_turn3.json");
const MCP = capture("codex_request_mcp.json");
const SEARCH = capture("codex_request_tool_search.json");
const ALL = { FIRST, TURN2, TURN3, MCP, SEARCH };

const text = (t: string) => ({ type: "text" as const, text: t });
const texts = (item: any) => item.content.map((part: any) => text(part.text));
const parts = (request: Request): Part[] => request.messages.flatMap((m) => m.content);
const callsOf = (request: Request) =>
  parts(request).filter((p): p is ToolCallPart => p.type === "tool_call");
const resultsOf = (request: Request) =>
  parts(request).filter((p): p is ToolResultPart => p.type === "tool_result");

/** The first turn: the developer messages, the environment context, the prompt. */
const OPENING = (body: any): Message[] => [
  { role: "user", content: texts(body.input[2]) },
  { role: "user", content: texts(body.input[3]) },
];

Deno.test("decodeRequest() takes Codex's base prompt from its first developer message, in order", () => {
  for (const [name, body] of Object.entries(ALL)) {
    const { value } = decodeRequest(body);
    assert.equal(body.instructions, undefined, name);
    assert.deepEqual(value.system, [...texts(body.input[0]), ...texts(body.input[1])], name);
    assert.deepEqual(value.messages.slice(0, 2), OPENING(body), name);
  }
  assert.match(decodeRequest(FIRST).value.system[0].text, /^You are Codex, a coding agent/);
  assert.match(decodeRequest(MCP).value.system[0].text, /^You are a coding agent running in/);
});

Deno.test("decodeRequest() reads Codex's tools for a model in its catalog", () => {
  const { value, warnings } = decodeRequest(FIRST);
  assert.deepEqual(value.tools.map((t) => t.name), [
    "exec_command",
    "write_stdin",
    "request_user_input",
    "apply_patch",
    "view_image",
    "get_goal",
    "create_goal",
    "update_goal",
    "tool_search",
  ]);
  const patch = value.tools[3];
  assert.deepEqual(patch.inputSchema, CUSTOM_TOOL_SCHEMA);
  assert.ok(patch.description?.includes(FIRST.tools[3].format.definition));
  // the client-run search, as a function: it is how the model reaches the deferred tools
  const search = FIRST.tools[8];
  assert.deepEqual(value.tools[8], {
    name: "tool_search",
    description: search.description,
    inputSchema: search.parameters,
  });
  assert.deepEqual(warnings, []);
  // Codex's web_search tool (live access) is served where the upstream can search
  assert.deepEqual(value.webSearch, {});
  assert.deepEqual(value.thinking, { mode: "enabled", effort: "medium" });
  assert.deepEqual(value.toolChoice, { type: "auto" });
  assert.equal(value.parallelToolCalls, true);
  assert.equal(value.responseFormat, undefined);
  assert.equal(value.stream, true);
  assert.equal(value.callerSettings?.prompt_cache_key, FIRST.prompt_cache_key);
});

Deno.test("decodeRequest() reads Codex's tools for a model it does not know: namespaces flattened", () => {
  const { value, warnings } = decodeRequest(MCP);
  const names = value.tools.map((t) => t.name);
  assert.deepEqual(names.filter((n) => n.includes("__")), [
    "multi_agent_v1__close_agent",
    "multi_agent_v1__resume_agent",
    "multi_agent_v1__send_input",
    "multi_agent_v1__spawn_agent",
    "multi_agent_v1__wait_agent",
    "mcp__stub__lookup_word",
  ]);
  assert.ok(!names.includes("apply_patch") && !names.includes("tool_search"));
  assert.equal(value.tools.length, 16);
  assert.deepEqual(warnings, []);
  assert.equal(value.thinking, undefined, `reasoning {summary: "auto"} asks for no level`);
  const routes = toolRoutes(value.callerSettings?.tools);
  assert.deepEqual(routes.get("mcp__stub__lookup_word"), {
    kind: "function",
    name: "lookup_word",
    namespace: "mcp__stub",
  });
});

Deno.test("decodeRequest() pairs each of Codex's calls with its output by call_id, never by item id", () => {
  for (const [name, body] of Object.entries(ALL)) {
    const { value } = decodeRequest(body);
    const itemIds = new Set(body.input.map((item: any) => item.id));
    const callIds = body.input.filter((item: any) => item.call_id).map((item: any) => item.call_id);
    const calls = callsOf(value);
    const results = resultsOf(value);
    assert.deepEqual(calls.map((c) => c.id), [...new Set(callIds)], name);
    assert.deepEqual(results.map((r) => r.toolCallId), calls.map((c) => c.id), name);
    for (const id of [...calls.map((c) => c.id), ...results.map((r) => r.toolCallId)]) {
      assert.ok(!itemIds.has(id), `${name}: ${id} is an item id`);
    }
    // each result follows its call, in the next message
    for (const call of calls) {
      const at = value.messages.findIndex((m) => m.content.includes(call));
      const next = value.messages[at + 1];
      assert.equal(next.role, "user", name);
      assert.ok(
        next.content.some((p) => p.type === "tool_result" && p.toolCallId === call.id),
        name,
      );
    }
  }
});

Deno.test("decodeRequest() reads Codex's replayed reasoning, shell call and apply_patch call", () => {
  const { value, warnings } = decodeRequest(TURN3);
  const [, , , , reasoning0, shell, shellOut, reasoning1, patch, patchOut] = TURN3.input;
  assert.equal(reasoning0.content, null);
  assert.equal(patch.type, "custom_tool_call");
  assert.deepEqual(value.messages.slice(2), [
    {
      role: "assistant",
      content: [
        {
          type: "thinking",
          text: reasoning0.summary[0].text,
          signature: { origin: "responses", value: reasoning0.encrypted_content },
        },
        {
          type: "tool_call",
          id: shell.call_id,
          name: "exec_command",
          input: { cmd: "echo hello-from-shell", yield_time_ms: 1000 },
        },
      ],
    },
    {
      role: "user",
      content: [{
        type: "tool_result",
        toolCallId: shell.call_id,
        name: "exec_command",
        content: [text(shellOut.output)],
        isError: false,
      }],
    },
    {
      role: "assistant",
      content: [
        {
          type: "thinking",
          text: reasoning1.summary[0].text,
          signature: { origin: "responses", value: reasoning1.encrypted_content },
        },
        {
          type: "tool_call",
          id: patch.call_id,
          name: "apply_patch",
          input: { input: patch.input },
        },
      ],
    },
    {
      role: "user",
      content: [{
        type: "tool_result",
        toolCallId: patch.call_id,
        name: "apply_patch",
        content: [text(patchOut.output)],
        isError: false,
      }],
    },
  ]);
  assert.deepEqual(warnings, []);
});

Deno.test("decodeRequest() reads a namespaced MCP call and its output parts", () => {
  const { value } = decodeRequest(MCP);
  const [call, output] = MCP.input.slice(4);
  assert.equal(call.namespace, "mcp__stub");
  assert.deepEqual(value.messages.slice(2), [
    {
      role: "assistant",
      content: [{
        type: "tool_call",
        id: call.call_id,
        name: "mcp__stub__lookup_word",
        input: { word: "zebra" },
      }],
    },
    {
      role: "user",
      content: [{
        type: "tool_result",
        toolCallId: call.call_id,
        name: "mcp__stub__lookup_word",
        content: output.output.map((part: any) => text(part.text)),
        isError: false,
      }],
    },
  ]);
});

Deno.test("decodeRequest() reads Codex's tool_search round trip and the tools it loaded", () => {
  const { value, warnings } = decodeRequest(SEARCH);
  const [reasoning, search, found, lookup, lookupOut] = SEARCH.input.slice(4);
  // raw reasoning text, streamed without a proof, comes back with `encrypted_content: null`
  assert.deepEqual(reasoning.content, [{
    type: "reasoning_text",
    text: reasoning.content[0].text,
  }]);
  assert.equal(reasoning.encrypted_content, null);
  assert.equal(found.type, "tool_search_output");
  assert.deepEqual(value.messages.slice(2), [
    {
      role: "assistant",
      content: [
        { type: "thinking", text: reasoning.content[0].text },
        {
          type: "tool_call",
          id: search.call_id,
          name: "tool_search",
          input: { query: "look up a word in a dictionary", limit: 3 },
        },
      ],
    },
    {
      role: "user",
      content: [{
        type: "tool_result",
        toolCallId: search.call_id,
        name: "tool_search",
        content: [text("Tools found, callable from now on: mcp__stub__lookup_word")],
        isError: false,
      }],
    },
    {
      role: "assistant",
      content: [{
        type: "tool_call",
        id: lookup.call_id,
        name: "mcp__stub__lookup_word",
        input: { word: "zebra" },
      }],
    },
    {
      role: "user",
      content: [{
        type: "tool_result",
        toolCallId: lookup.call_id,
        name: "mcp__stub__lookup_word",
        content: lookupOut.output.map((part: any) => text(part.text)),
        isError: false,
      }],
    },
  ]);
  // the loaded namespace is callable, and its calls go back to Codex under their namespace
  const loaded = found.tools[0].tools[0];
  assert.deepEqual(value.tools.at(-1), {
    name: "mcp__stub__lookup_word",
    description: loaded.description,
    inputSchema: loaded.parameters,
    strict: false,
  });
  assert.equal(value.tools.at(-2)?.name, "tool_search");
  assert.deepEqual(value.callerSettings?.tools, [...SEARCH.tools, ...found.tools]);
  assert.deepEqual(toolRoutes(value.callerSettings?.tools).get("mcp__stub__lookup_word"), {
    kind: "function",
    name: "lookup_word",
    namespace: "mcp__stub",
  });
  assert.deepEqual(warnings, []);
});
