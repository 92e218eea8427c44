/**
 * Clients' wire fixtures (tests/fixtures/requests/) on the pairs they were written for: what the
 * upstream must receive of a real Claude Code, opencode or Gemini CLI request.
 */
import assert from "node:assert/strict";
import { KEY } from "./_exchange.ts";
import { DEEPSEEK, fixture, fixtureJson } from "./_fixtures.ts";
import { HELLO, ok, type Quirk, runQuirks, USER_HI } from "./_quirk.ts";
import { PLACEHOLDER_SIGNATURE } from "./wire/gemini.ts";
import { KITS } from "./wire/kits.ts";

const CLAUDE_CODE = fixtureJson("requests/claude_code_request.json");
const GEMINI_CLI = fixtureJson("requests/gemini_cli_request.json");

/** Roles of the Claude Code fixture's conversation as an OpenAI upstream must receive it. */
const CLAUDE_CODE_ROLES = ["system", "user", "system", "assistant", "tool", "assistant", "tool"]
  .concat(["assistant", "tool", "tool", "user"]);

function checkClaudeCodeOnOpenAI(body: any): void {
  assert.equal(body.max_tokens, 16000);
  assert.equal(body.reasoning_effort, "high");
  assert.deepEqual(body.stream_options, { include_usage: true });
  for (const key of ["thinking", "output_config", "context_management", "metadata", "system"]) {
    assert.equal(body[key], undefined, `${key} must not reach an OpenAI upstream`);
  }
  assert.ok(typeof body.user === "string" && body.user.length <= 64);
  // Every tool, schemas passed as parameters untouched, long names fitted.
  assert.equal(body.tools.length, 24);
  body.tools.forEach((tool: any, i: number) => {
    const original = CLAUDE_CODE.tools[i];
    assert.equal(tool.function.description, original.description);
    assert.deepEqual(tool.function.parameters, original.input_schema);
    if (original.name.length <= 64) assert.equal(tool.function.name, original.name);
    else assert.ok(tool.function.name.length <= 64 && /^[A-Za-z0-9_-]+$/.test(tool.function.name));
  });
  assert.equal(new Set(body.tools.map((t: any) => t.function.name)).size, 24);
  // System first, the MCP system message in place, tool messages after their calls.
  const messages = body.messages;
  assert.deepEqual(messages.map((m: any) => m.role), CLAUDE_CODE_ROLES);
  // Claude Code's billing line (system[0]) goes only to Anthropic upstreams.
  assert.equal(
    messages[0].content,
    CLAUDE_CODE.system.slice(1).map((b: any) => b.text).join("\n\n"),
  );
  assert.ok(!JSON.stringify(body).includes("x-anthropic-billing-header"));
  assert.equal(messages[2].content, CLAUDE_CODE.messages[1].content[0].text);
  for (const [at, source] of [[3, 2], [5, 4], [7, 6]]) {
    const original = CLAUDE_CODE.messages[source].content;
    assert.equal(messages[at].reasoning_content, original[0].thinking);
    const calls = original.filter((b: any) => b.type === "tool_use");
    assert.deepEqual(
      messages[at].tool_calls.map((
        c: any,
      ) => [c.id, c.function.name, JSON.parse(c.function.arguments)]),
      calls.map((b: any) => [b.id, b.name, b.input]),
    );
  }
  assert.ok(messages[8].content.startsWith("Error: Exit code 1"), "is_error carried");
  assert.ok(!messages[9].content.startsWith("Error:"));
  assert.ok(messages[10].content.startsWith("<system-reminder>"));
  const wire = JSON.stringify(body);
  assert.ok(!wire.includes("cache_control"), "cache hints are dropped");
  assert.ok(!wire.includes('"signature"'), "no Anthropic signature leaks upstream");
}

/** Every schema keyword used anywhere in a cleaned schema (property names excluded). */
function schemaKeywords(node: any, out = new Set<string>()): Set<string> {
  if (!node || typeof node !== "object") return out;
  for (const [key, value] of Object.entries(node)) {
    out.add(key);
    if (key === "properties") Object.values(value as object).forEach((c) => schemaKeywords(c, out));
    else if (key === "items") schemaKeywords(value, out);
    else if (key === "anyOf") (value as unknown[]).forEach((c) => schemaKeywords(c, out));
  }
  return out;
}

const FORBIDDEN = ["$schema", "additionalProperties", "propertyNames", "exclusiveMinimum"]
  .concat(["exclusiveMaximum", "const", "$ref", "$defs", "default"]);

/** Claude Code's 24 tools as Gemini must receive them: cleaned, with their meaning kept. */
function checkToolsOnGemini(body: any): void {
  const declarations = body.tools[0].functionDeclarations;
  assert.equal(declarations.length, 24);
  for (const d of declarations) {
    assert.ok(d.name.length <= 64, `${d.name} is over 64 characters`);
    const used = schemaKeywords(d.parameters ?? {});
    for (const key of FORBIDDEN) assert.ok(!used.has(key), `${d.name} keeps "${key}"`);
    assert.ok(![...used].some((k) => k.startsWith("$")), d.name);
    assert.ok(!Array.isArray(d.parameters?.type), `${d.name}: a type array`);
  }
  const byName = (n: string) => declarations.find((d: any) => d.name === n).parameters;
  const todo = byName("TodoWrite");
  assert.deepEqual(todo.required, ["todos"]);
  assert.deepEqual(todo.properties.todos.items.required, ["content", "status", "activeForm"]);
  assert.deepEqual(todo.properties.todos.items.properties.status.enum, [
    "pending",
    "in_progress",
    "completed",
  ]);
  const question = byName("AskUserQuestion").properties.questions.items; // was a $ref into $defs
  assert.deepEqual(question.required, ["question", "header", "options", "multiSelect"]);
  assert.deepEqual(question.properties.options.items.required, ["label", "description"]);
  assert.deepEqual(byName("Grep").properties.output_mode.enum, [
    "content",
    "files_with_matches",
    "count",
  ]);
  assert.deepEqual(byName("Bash").required, ["command"]);
}

/** A history without Gemini signatures: the placeholder on each step's first call, nothing foreign. */
function checkPlaceholders(body: any, raw: string): void {
  let steps = 0;
  for (const content of body.contents.filter((c: any) => c.role === "model")) {
    const calls = content.parts.filter((p: any) => p.functionCall);
    if (calls.length === 0) continue;
    steps++;
    assert.equal(calls[0].thoughtSignature, PLACEHOLDER_SIGNATURE);
    for (const c of calls.slice(1)) assert.equal(c.thoughtSignature, undefined);
  }
  assert.ok(steps > 0);
  assert.ok(!raw.includes("Eo4KCkYI"), "an Anthropic signature reached Gemini");
  assert.ok(!raw.includes('"thought":true'), "unsigned thinking reached Gemini");
}

const claudeCode: Quirk[] = [
  {
    name: "Claude Code's ~115 KB request: what the upstream receives, and the stream back",
    caller: "anthropic",
    upstream: "openai",
    body: CLAUDE_CODE,
    headers: { "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14" },
    answer: { sse: fixture("streams/openai_deepseek_reasoning_tools.sse"), chunk: 97 },
    checkUpstream: (body, received) => {
      assert.equal(received.path, "/v1/chat/completions");
      assert.equal(received.headers.get("authorization"), `Bearer ${KEY}`);
      assert.equal(received.headers.get("anthropic-beta"), null);
      assert.equal(body.model, "gpt-real-1");
      assert.equal(body.stream, true);
      checkClaudeCodeOnOpenAI(body);
    },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks, DEEPSEEK);
    },
  },
  {
    name: "Claude Code's title request (no tools, output_config.format) converts",
    caller: "anthropic",
    upstream: "openai",
    body: fixtureJson("requests/claude_code_title_request.json"),
    answer: {
      reply: {
        blocks: [{ type: "text", text: '{"title":"Fix stream decoder"}' }],
        stop: "end",
        usage: { input: 10, output: 5 },
      },
    },
    checkUpstream: (body) => {
      assert.equal(body.response_format.type, "json_schema");
      assert.equal(body.response_format.json_schema.schema.type, "object");
      assert.equal(body.tools, undefined);
      assert.equal(body.stream, undefined);
      for (const m of body.messages) assert.notEqual(m.content, "");
    },
    check: (got) =>
      assert.deepEqual(got.blocks, [{ type: "text", text: '{"title":"Fix stream decoder"}' }]),
  },
  {
    name: "Claude Code: system blocks and the mid-conversation system message → systemInstruction",
    caller: "anthropic",
    upstream: "gemini",
    body: CLAUDE_CODE,
    answer: HELLO,
    checkUpstream: (body, received) => {
      const system = body.systemInstruction.parts.map((p: any) => p.text);
      // Claude Code's billing line (system[0]) goes only to Anthropic upstreams.
      assert.equal(system.length, 3);
      assert.match(system[0], /^You are Claude Code/);
      assert.match(system[2], /^# MCP Server Instructions/);
      assert.ok(!JSON.stringify(body).includes("cch="), "no billing nonce upstream");
      checkToolsOnGemini(body);
      checkPlaceholders(body, received.body);
    },
    check: ok,
  },
  {
    name: "Claude Code's tools as OpenAI tools: schemas cleaned for Gemini, meaning kept",
    caller: "openai",
    upstream: "gemini",
    body: {
      messages: USER_HI,
      tools: CLAUDE_CODE.tools.map((t: any) => ({
        type: "function",
        function: { name: t.name, description: t.description, parameters: t.input_schema },
      })),
    },
    answer: HELLO,
    checkUpstream: checkToolsOnGemini,
    check: ok,
  },
  {
    name: "opencode's history without signatures: a placeholder on each step's first call",
    caller: "openai",
    upstream: "gemini",
    body: fixtureJson("requests/opencode_request.json"),
    answer: HELLO,
    checkUpstream: (body, received) => checkPlaceholders(body, received.body),
    check: ok,
  },
];

const geminiCli: Quirk[] = (["openai", "anthropic"] as const).flatMap((upstream): Quirk[] => [{
  name: "Gemini CLI: tools (parametersJsonSchema), history ids and results, no signature upstream",
  caller: "gemini",
  upstream,
  body: GEMINI_CLI,
  answer: HELLO,
  checkUpstream: (body, received) => {
    const tools = upstream === "openai"
      ? body.tools.map((t: any) => ({ name: t.function.name, schema: t.function.parameters }))
      : body.tools.map((t: any) => ({ name: t.name, schema: t.input_schema }));
    const declared = GEMINI_CLI.tools[0].functionDeclarations;
    assert.deepEqual(tools.map((t: any) => t.name), declared.map((d: any) => d.name));
    const readFile = tools.find((t: any) => t.name === "read_file").schema;
    const original = declared.find((d: any) => d.name === "read_file").parametersJsonSchema;
    assert.deepEqual(readFile.required, original.required);
    assert.deepEqual(Object.keys(readFile.properties), Object.keys(original.properties));
    // The last tool step: two calls, both results in order, ids kept.
    const sent = KITS[upstream].upstream.read(received);
    const at = sent.turns.findLastIndex((t) => t.role === "assistant");
    const calls = sent.turns[at].parts.flatMap((p) => p.type === "tool_call" ? [p] : []);
    assert.deepEqual(calls.map((c) => [c.id, c.name]), [
      ["list_directory_1732451234567_0", "list_directory"],
      ["read_file_1732451234567_1", "read_file"],
    ]);
    const results = sent.turns[at + 1].parts.flatMap((p) => p.type === "tool_result" ? [p] : []);
    assert.deepEqual(results.map((r) => r.id), calls.map((c) => c.id));
    assert.match(results[0].text, /Directory listing/);
    assert.match(results[1].text, /DEEPSEEK_BASE_URL/);
    const wire = received.body;
    const signature = GEMINI_CLI.contents[3].parts[0].thoughtSignature;
    assert.ok(!wire.includes(signature.slice(0, 40)), "the Gemini signature went upstream");
    assert.ok(!wire.includes("__gsig_"));
  },
  check: ok,
}]);

const passThrough: Quirk[] = [{
  name:
    "Gemini CLI's alt=sse stream byte for byte, signatures included; body untouched but the cap",
  caller: "gemini",
  upstream: "gemini",
  mode: "stream",
  body: GEMINI_CLI,
  answer: { sse: fixture("streams/gemini_thinking_tools.sse"), chunk: 200 },
  checkUpstream: (body, received) => {
    assert.equal(received.path, "/v1beta/models/gemini-3-pro-preview:streamGenerateContent");
    const sent = structuredClone(GEMINI_CLI);
    sent.generationConfig.maxOutputTokens = 16000; // the cap of a caller without a limit
    assert.deepEqual(body, sent);
  },
  check: (got) => assert.equal(got.text, fixture("streams/gemini_thinking_tools.sse")),
}];

Deno.test("fixtures: clients' requests on the pairs they were written for", async (t) => {
  await runQuirks(t, [...claudeCode, ...geminiCli, ...passThrough]);
});
