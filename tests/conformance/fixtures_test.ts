/**
 * The wire fixtures (tests/fixtures/): real clients' requests and real providers' streams, each on
 * the pairs it was written for. The shared suite (pairs_test.ts) covers the same rules on built
 * wire; these keep the layouts only a real client or provider produces.
 */
import assert from "node:assert/strict";
import { KEY } from "./_exchange.ts";
import { fixture, fixtureJson, type Got, type Quirk, runQuirks } from "./_quirk.ts";
import { PLACEHOLDER_SIGNATURE } from "./wire/gemini.ts";
import { KITS } from "./wire/kits.ts";

const CLAUDE_CODE = fixtureJson("requests/claude_code_request.json");
const GEMINI_CLI = fixtureJson("requests/gemini_cli_request.json");
const TOOLS = [{ name: "get_weather", input_schema: { type: "object" } }];
const USER_HI = [{ role: "user", content: "Hi" }];

/** The DeepSeek stream's blocks, as the fixture's pieces join. */
const DEEPSEEK = [
  {
    type: "thinking",
    text:
      "The user wants the second tool call kept. I should read the decoder first and search for where `tool_calls[0]` is used.",
    signature: "proxy:v1",
  },
  {
    type: "text",
    text: "I'll read the decoder and search for the `[0]` index at the same time.",
  },
  {
    type: "tool_call",
    id: "call_00_Jt7bN1uYqzO0Hs2vD3kWfPmA",
    name: "read_file",
    args: { path: "docs/résumé – notes.md", offset: 1200, limit: 80 },
  },
  {
    type: "tool_call",
    id: "call_01_Rk2cE8wLx5Zq9Gm4Tn6Vb0Ud",
    name: "grep",
    args: {
      pattern: "tool_calls\\?\\.\\[0\\]",
      path: "src/stream",
      max_results: 25,
      case_sensitive: false,
    },
  },
];

/** The Anthropic fixture stream's thinking, text and calls. */
const ANTHROPIC_STREAM = {
  thinking:
    "The grep shows decode_openai.ts:41 reads only `tool_calls?.[0]`. DeepSeek put the tail of call 0 and the head of call 1 in the same delta array, so call 1's id and name were never seen and its argument pieces were appended to call 0 or dropped.\n\nFix: map over every entry of `delta.tool_calls`. Then add the capture as a fixture and run the test again.",
  text:
    "Found it: `decodeOpenAI` only reads the first entry of `delta.tool_calls` (src/stream/decode_openai.ts:41). DeepSeek sends the end of one call and the start of the next in the same delta, so the second call never gets its id. Fixing the decoder and re-running the test.",
  calls: [
    {
      type: "tool_call",
      id: "toolu_01HqV4mZ8kTn2RbX6cWd9JyE",
      name: "Edit",
      args: {
        file_path: "/home/mara/src/tasklane/src/stream/decode_openai.ts",
        old_string:
          "    const tc = choice?.delta.tool_calls?.[0];\n    const toolCalls: ToolCallDelta[] = tc\n      ? [{ index: tc.index, id: tc.id, name: tc.function?.name, arguments: tc.function?.arguments }]\n      : [];",
        new_string:
          "    const toolCalls: ToolCallDelta[] = (choice?.delta.tool_calls ?? []).map((tc) => ({\n      index: tc.index,\n      id: tc.id,\n      name: tc.function?.name,\n      arguments: tc.function?.arguments,\n    }));",
      },
    },
    {
      type: "tool_call",
      id: "toolu_01PzL3sG7vYe5QaM1nKf8UoB",
      name: "Bash",
      args: {
        command: "npm test -- src/stream 2>&1 | tail -n 40",
        description: "Re-run stream tests",
        timeout: 120000,
      },
    },
  ],
};

const ok = (got: Got) => assert.equal(got.status, 200, got.text);

function deepseek(chunk: number): Quirk {
  return {
    name: `DeepSeek reasoning + two calls split mid-escape, ${chunk} byte(s) at a time`,
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, tools: TOOLS, messages: USER_HI },
    answer: { sse: fixture("streams/openai_deepseek_reasoning_tools.sse"), chunk },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks, DEEPSEEK);
      assert.equal(got.stop, "tool");
      // Usage came in the trailing chunk after finish_reason and still reached message_delta.
      assert.deepEqual(got.usage, {
        input: 422 + 17920,
        output: 612,
        cacheRead: 17920,
        cacheWrite: 0,
      });
    },
  };
}

function anthropicStream(chunk: number): Quirk {
  return {
    name: `Anthropic thinking + text + two calls, ${chunk} byte(s) at a time`,
    caller: "openai",
    upstream: "anthropic",
    body: {
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: "function", function: { name: "Edit" } }],
      messages: USER_HI,
    },
    answer: { sse: fixture("streams/anthropic_thinking_tools.sse"), chunk },
    checkUpstream: (body) => {
      assert.equal(body.stream, true);
      assert.equal(body.stream_options, undefined);
    },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks, [
        { type: "thinking", text: ANTHROPIC_STREAM.thinking },
        { type: "text", text: ANTHROPIC_STREAM.text },
        ...ANTHROPIC_STREAM.calls,
      ]);
      assert.equal(got.stop, "tool");
      assert.deepEqual(got.usage, {
        input: 9 + 2412 + 51730,
        output: 731,
        cacheRead: 51730,
        reasoning: 0,
      });
    },
  };
}

const providerStreams: Quirk[] = [
  deepseek(1),
  deepseek(7),
  deepseek(97),
  {
    name: "interleaved calls (DashScope layout) become one block each, in order",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, tools: TOOLS, messages: USER_HI },
    answer: { sse: fixture("streams/openai_interleaved_tools.sse"), chunk: 13 },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks, [
        { type: "text", text: "Let me look at the decoder and rerun the failing test." },
        {
          type: "tool_call",
          id: "call_8f2a4c1e9b7d4e0fa3c6d5b1",
          name: "Read",
          args: {
            file_path: "/home/mara/src/tasklane/src/stream/decode_openai.ts",
            offset: 30,
            limit: 40,
          },
        },
        {
          type: "tool_call",
          id: "call_2e9d7b3a6c1f4d8e90a4b7c2",
          name: "Bash",
          args: {
            command: 'npx vitest run src/stream/accumulate.test.ts -t "both calls"',
            timeout: 120000,
          },
        },
      ]);
      assert.deepEqual(got.usage, {
        input: 717 + 12160,
        output: 96,
        cacheRead: 12160,
        cacheWrite: 0,
      });
    },
  },
  {
    name: "a gateway that omits index (CRLF lines): calls told apart by id",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, tools: TOOLS, messages: USER_HI },
    answer: { sse: fixture("streams/openai_no_index_tools.sse"), chunk: 5 },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks, [
        {
          type: "tool_call",
          id: "call_weather_1",
          name: "get_weather",
          args: { location: "Zürich", unit: "celsius" },
        },
        {
          type: "tool_call",
          id: "call_time_2",
          name: "get_local_time",
          args: { timezone: "Europe/Zurich" },
        },
      ]);
      const pieces = got.events!.filter((e) => e.data?.delta?.type === "input_json_delta");
      assert.ok(pieces.some((e) => e.data.delta.partial_json), "arguments as input_json_delta");
      assert.deepEqual(got.usage, { input: 311, output: 58, cacheRead: 0, cacheWrite: 0 });
    },
  },
  {
    name: "usage with reasoning tokens after finish_reason reaches message_delta (text stream)",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: { sse: fixture("streams/openai_text_only.sse"), chunk: 31 },
    check: (got) => {
      ok(got);
      assert.equal(got.blocks.length, 1);
      assert.match(
        got.blocks[0].type === "text" ? got.blocks[0].text : "",
        /^Gemini sends `usageMetadata` on every chunk/,
      );
      assert.deepEqual(got.usage, {
        input: 160 + 1024,
        output: 46,
        cacheRead: 1024,
        cacheWrite: 0,
      });
    },
  },
  anthropicStream(1),
  anthropicStream(7),
  anthropicStream(97),
  ...(["anthropic", "openai"] as const).map((caller): Quirk => ({
    name: "Gemini 3 stream: thoughts, text, two calls and usage in the caller's stream",
    caller,
    upstream: "gemini",
    body: {
      ...(caller === "anthropic"
        ? { max_tokens: 1000 }
        : { stream_options: { include_usage: true } }),
      stream: true,
      messages: USER_HI,
    },
    answer: { sse: fixture("streams/gemini_thinking_tools.sse"), chunk: 100 },
    checkUpstream: (_body, received) => assert.equal(received.search, "?alt=sse"),
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks.map((b) => b.type), [
        "thinking",
        "text",
        "tool_call",
        "tool_call",
      ]);
      const [thinking, text, , glob] = got.blocks;
      assert.match(
        thinking.type === "thinking" ? thinking.text : "",
        /^\*\*Tracing[\s\S]*\*\*Planning/,
      );
      assert.equal(
        text.type === "text" && text.text,
        "I'll read the decoder loop and look for an existing Gemini fixture to base the test on.",
      );
      assert.deepEqual(glob.type === "tool_call" && glob.args, {
        pattern: "src/stream/fixtures/gemini_*.sse",
      });
      assert.equal(got.stop, "tool");
      assert.equal(got.usage?.input, 9811);
      assert.equal(got.usage?.output, 96 + 412);
      assert.equal(got.usage?.cacheRead, 8190);
    },
  })),
  ...(["anthropic", "openai"] as const).map((caller): Quirk => ({
    name: "Gemini 2.5 plain text stream, usage on every chunk",
    caller,
    upstream: "gemini",
    body: {
      ...(caller === "anthropic" ? { max_tokens: 1000 } : {}),
      stream: true,
      messages: USER_HI,
    },
    answer: { sse: fixture("streams/gemini_text.sse"), chunk: 50 },
    check: (got) => {
      ok(got);
      const text = got.blocks.map((b) => b.type === "text" ? b.text : "").join("");
      assert.match(text, /^Gemini puts `usageMetadata`[\s\S]* ends\.$/);
    },
  })),
  ...(["openai_deepseek_reasoning_tools.sse", "anthropic_thinking_tools.sse"] as const).map((
    sse,
  ): Quirk => ({
    name: `${sse} streamed to a Gemini caller: thoughts, text, then the calls`,
    caller: "gemini",
    upstream: sse.startsWith("openai") ? "openai" : "anthropic",
    mode: "stream",
    body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }] },
    answer: { sse: fixture(`streams/${sse}`), chunk: 61 },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks.map((b) => b.type), [
        "thinking",
        "text",
        "tool_call",
        "tool_call",
      ]);
      for (const b of got.blocks) {
        assert.equal(
          "signature" in b ? b.signature : undefined,
          undefined,
          "no signature of Gemini's",
        );
      }
      assert.equal(got.stop, "tool");
      assert.ok(got.usage!.input! > 0 && got.usage!.output! > 0);
    },
  })),
];

const brokenStreams: Quirk[] = [
  ...(["stream", "stream as a JSON array"] as const).flatMap((mode) =>
    (["openai_truncated.sse", "anthropic_error_midstream.sse"] as const).map((sse): Quirk => ({
      name: `${sse} to a Gemini caller (${mode}): an error item ends it`,
      caller: "gemini",
      upstream: sse.startsWith("openai") ? "openai" : "anthropic",
      mode,
      body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }] },
      answer: { sse: fixture(`streams/${sse}`) },
      check: (got) => {
        ok(got);
        assert.ok(got.error?.message && got.error.kind, got.text);
        assert.equal(got.finished, false);
      },
    }))
  ),
  {
    name: "a stream cut inside a tool call's arguments: an api_error event, no finish",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: { sse: fixture("streams/openai_truncated.sse"), chunk: 50 },
    check: (got) => {
      ok(got);
      assert.equal(got.error?.kind, "api_error");
      assert.equal(got.finished, false);
      assert.ok(!got.events!.some((e) => e.event === "message_delta"));
    },
  },
  {
    name: "an error event mid-stream: the text so far, then a server_error line, no [DONE]",
    caller: "openai",
    upstream: "anthropic",
    body: { stream: true, messages: USER_HI },
    answer: { sse: fixture("streams/anthropic_error_midstream.sse"), chunk: 40 },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks, [{
        type: "text",
        text: "The decoder now keeps every entry of `tool_calls`. Running",
      }]);
      assert.deepEqual(got.error, { message: "Overloaded", kind: "server_error" });
      assert.equal(got.finished, false);
    },
  },
];

Deno.test("fixtures: providers' streams on the pairs they were written for", async (t) => {
  await runQuirks(t, [...providerStreams, ...brokenStreams]);
});

// ---- clients' requests ----

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
  assert.equal(messages[0].content, CLAUDE_CODE.system.map((b: any) => b.text).join("\n\n"));
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

const HELLO = {
  reply: {
    blocks: [{ type: "text" as const, text: "Hello." }],
    stop: "end" as const,
    usage: { input: 10, output: 5 },
  },
};

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
      assert.equal(system.length, 4);
      assert.match(system[3], /^# MCP Server Instructions/);
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
