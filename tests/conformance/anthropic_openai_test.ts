/**
 * Conformance of the Anthropic ⇄ OpenAI conversion (issue 3, SPEC §4–§5): an Anthropic caller
 * (Claude Code above all) on an OpenAI-dialect upstream, and an OpenAI caller on an Anthropic
 * upstream. Every case goes through the real proxy over HTTP to a mock upstream; expected values
 * are written by hand.
 */
import assert from "node:assert/strict";
import {
  assertAnthropicStream,
  type CallerResult,
  type Case,
  fixture,
  fixtureJson,
  joinedToolInput,
  runCases,
} from "./_runner.ts";

// ---------------------------------------------------------------------------------------------
// Wire builders for the mock upstream's answers
// ---------------------------------------------------------------------------------------------

const USAGE_10_5 = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

/** A whole OpenAI `chat.completion`. */
function chatCompletion(
  message: Record<string, unknown>,
  finish = "stop",
  usage: Record<string, unknown> = USAGE_10_5,
): Record<string, unknown> {
  return {
    id: "chatcmpl-up1",
    object: "chat.completion",
    created: 1763990000,
    model: "gpt-real-1",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
    usage,
  };
}

/** A chunk body: one choice with `delta` (and a finish reason), or extra top-level fields. */
function chunk(
  delta: Record<string, unknown> | undefined,
  finish: string | null = null,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    choices: delta === undefined ? [] : [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  };
}

/** OpenAI SSE text from chunk bodies; `[DONE]` at the end unless `done` is false. */
function chatSse(chunks: Array<Record<string, unknown>>, done = true): string {
  const head = { id: "chatcmpl-s1", object: "chat.completion.chunk", created: 1763990000 };
  return chunks.map((c) => `data: ${JSON.stringify({ ...head, model: "gpt-real-1", ...c })}\n\n`)
    .join("") + (done ? "data: [DONE]\n\n" : "");
}

/** A whole Anthropic message. */
function anthropicMessage(
  content: unknown[],
  stop = "end_turn",
  usage: Record<string, unknown> = { input_tokens: 10, output_tokens: 5 },
): Record<string, unknown> {
  return {
    id: "msg_up1",
    type: "message",
    role: "assistant",
    model: "claude-real-1",
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage,
  };
}

/** Anthropic SSE text from event bodies. */
function anthropicSse(events: Array<Record<string, unknown>>): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

/** A plain Anthropic text stream. */
function anthropicTextSse(text: string, stop = "end_turn"): string {
  return anthropicSse([
    { type: "message_start", message: anthropicMessage([], "", { input_tokens: 3 }) },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
    { type: "content_block_stop", index: 0 },
    { type: "message_delta", delta: { stop_reason: stop }, usage: { output_tokens: 2 } },
    { type: "message_stop" },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Readers of what the caller got
// ---------------------------------------------------------------------------------------------

interface AnthropicStreamed {
  message: any;
  content: any[];
  stopReason?: string;
  usage?: any;
  error?: any;
}

/** An Anthropic stream checked against SPEC §5 and folded into its final message. */
function readAnthropicStream(result: CallerResult): AnthropicStreamed {
  assert.equal(result.status, 200, result.text);
  assert.match(result.headers.get("content-type") ?? "", /text\/event-stream/);
  const events = result.events!;
  assertAnthropicStream(events);
  const out: AnthropicStreamed = { message: events[0].data.message, content: [] };
  const json: string[] = [];
  for (const { data } of events) {
    switch (data.type) {
      case "content_block_start":
        out.content[data.index] = structuredClone(data.content_block);
        json[data.index] = "";
        break;
      case "content_block_delta": {
        const block = out.content[data.index];
        const d = data.delta;
        if (d.type === "text_delta") block.text += d.text;
        else if (d.type === "thinking_delta") block.thinking += d.thinking;
        else if (d.type === "signature_delta") block.signature += d.signature;
        else if (d.type === "input_json_delta") json[data.index] += d.partial_json;
        else throw new Error(`unknown delta ${d.type}`);
        break;
      }
      case "message_delta":
        out.stopReason = data.delta.stop_reason;
        out.usage = data.usage;
        break;
      case "error":
        out.error = data.error;
        break;
    }
  }
  out.content.forEach((block, i) => {
    if (block.type === "tool_use" && json[i] !== "") block.input = JSON.parse(json[i]);
  });
  return out;
}

interface OpenAIStreamed {
  role?: string;
  content: string;
  reasoning: string;
  calls: Array<{ id: string; name: string; arguments: string }>;
  finish?: string;
  usage?: any;
  done: boolean;
  error?: any;
}

/** An OpenAI stream folded the way the SDK's accumulator does, checking its chunk shape. */
function readOpenAIStream(result: CallerResult): OpenAIStreamed {
  assert.equal(result.status, 200, result.text);
  assert.match(result.headers.get("content-type") ?? "", /text\/event-stream/);
  const out: OpenAIStreamed = { content: "", reasoning: "", calls: [], done: false };
  for (const { event, data } of result.events!) {
    assert.equal(event, undefined, "OpenAI streams carry no event names");
    assert.equal(out.done, false, "nothing may follow [DONE]");
    if (data === "[DONE]") {
      out.done = true;
      continue;
    }
    if (data.error) {
      out.error = data.error;
      continue;
    }
    assert.equal(out.error, undefined, "nothing may follow an error");
    assert.equal(data.object, "chat.completion.chunk");
    assert.equal(data.model, "up-anthropic");
    if (data.usage) out.usage = data.usage;
    const choice = data.choices[0];
    if (!choice) continue;
    const d = choice.delta;
    if (d.role) out.role = d.role;
    if (typeof d.content === "string") out.content += d.content;
    if (typeof d.reasoning_content === "string") out.reasoning += d.reasoning_content;
    for (const call of d.tool_calls ?? []) {
      assert.equal(typeof call.index, "number", "every tool_calls piece carries its index");
      const known = out.calls[call.index] ??= { id: "", name: "", arguments: "" };
      if (call.id) known.id = call.id;
      if (call.function?.name) known.name += call.function.name;
      known.arguments += call.function?.arguments ?? "";
    }
    if (choice.finish_reason) out.finish = choice.finish_reason;
  }
  return out;
}

/** The caller's warnings header, decoded. */
function warnings(result: CallerResult): string {
  return decodeURIComponent(result.headers.get("x-proxy-warnings") ?? "");
}

function assertOkJson(result: CallerResult): any {
  assert.equal(result.status, 200, result.text);
  return result.json;
}

// ---------------------------------------------------------------------------------------------
// Shared request pieces
// ---------------------------------------------------------------------------------------------

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const PDF =
  "JVBERi0xLjQKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcjw8L1Jvb3QgMSAwIFI+Pgo=";
const LONG_NAME =
  "mcp__claude_in_chrome__browser_navigate_to_url_and_wait_for_network_idle_then_screenshot";

const WEATHER_SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, unit: { enum: ["c", "f"] } },
  required: ["city"],
};

const ANTHROPIC_TOOLS = [
  { name: "get_weather", description: "Weather for a city", input_schema: WEATHER_SCHEMA },
  { name: "get_time", input_schema: { type: "object", properties: {} } },
];

const OPENAI_TOOLS = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Weather for a city",
      parameters: WEATHER_SCHEMA,
    },
  },
  { type: "function", function: { name: "get_time" } },
];

const USER_HI = [{ role: "user", content: "Hi" }];

/** The DeepSeek stream's two calls, as the fixture's argument pieces join. */
const DEEPSEEK_CALLS = [
  {
    type: "tool_use",
    id: "call_00_Jt7bN1uYqzO0Hs2vD3kWfPmA",
    name: "read_file",
    input: { path: "docs/résumé – notes.md", offset: 1200, limit: 80 },
  },
  {
    type: "tool_use",
    id: "call_01_Rk2cE8wLx5Zq9Gm4Tn6Vb0Ud",
    name: "grep",
    input: {
      pattern: "tool_calls\\?\\.\\[0\\]",
      path: "src/stream",
      max_results: 25,
      case_sensitive: false,
    },
  },
];
const DEEPSEEK_REASONING =
  "The user wants the second tool call kept. I should read the decoder first and search for where `tool_calls[0]` is used.";
const DEEPSEEK_TEXT = "I'll read the decoder and search for the `[0]` index at the same time.";

/** The Anthropic fixture stream's thinking, text and calls. */
const ANTHROPIC_FIXTURE_THINKING =
  "The grep shows decode_openai.ts:41 reads only `tool_calls?.[0]`. DeepSeek put the tail of call 0 and the head of call 1 in the same delta array, so call 1's id and name were never seen and its argument pieces were appended to call 0 or dropped.\n\nFix: map over every entry of `delta.tool_calls`. Then add the capture as a fixture and run the test again.";
const ANTHROPIC_FIXTURE_TEXT =
  "Found it: `decodeOpenAI` only reads the first entry of `delta.tool_calls` (src/stream/decode_openai.ts:41). DeepSeek sends the end of one call and the start of the next in the same delta, so the second call never gets its id. Fixing the decoder and re-running the test.";
const ANTHROPIC_FIXTURE_CALLS = [
  {
    id: "toolu_01HqV4mZ8kTn2RbX6cWd9JyE",
    name: "Edit",
    input: {
      file_path: "/home/mara/src/tasklane/src/stream/decode_openai.ts",
      old_string:
        "    const tc = choice?.delta.tool_calls?.[0];\n    const toolCalls: ToolCallDelta[] = tc\n      ? [{ index: tc.index, id: tc.id, name: tc.function?.name, arguments: tc.function?.arguments }]\n      : [];",
      new_string:
        "    const toolCalls: ToolCallDelta[] = (choice?.delta.tool_calls ?? []).map((tc) => ({\n      index: tc.index,\n      id: tc.id,\n      name: tc.function?.name,\n      arguments: tc.function?.arguments,\n    }));",
    },
  },
  {
    id: "toolu_01PzL3sG7vYe5QaM1nKf8UoB",
    name: "Bash",
    input: {
      command: "npm test -- src/stream 2>&1 | tail -n 40",
      description: "Re-run stream tests",
      timeout: 120000,
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Anthropic caller → OpenAI upstream
// ---------------------------------------------------------------------------------------------

/** An Anthropic-caller case on the OpenAI upstream. */
function ao(c: Omit<Case, "caller" | "upstream">): Case {
  return { caller: "anthropic", upstream: "openai", ...c };
}

const TEXT_ANSWER = { json: chatCompletion({ content: "Hello." }) };

function assertTextMessage(result: CallerResult): any {
  const body = assertOkJson(result);
  assert.deepEqual(body.content, [{ type: "text", text: "Hello." }]);
  return body;
}

const anthropicToOpenAIMessages: Case[] = [
  ao({
    name: "system as a string becomes the leading system message",
    request: { max_tokens: 100, system: "Be brief.", messages: USER_HI },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages, [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ]);
    },
    check: assertTextMessage,
  }),
  ao({
    name:
      "system blocks join into one system message without the billing line; a mid-conversation system message stays",
    request: {
      max_tokens: 100,
      system: [
        { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.42;" },
        { type: "text", text: "You are Claude Code.", cache_control: { type: "ephemeral" } },
        { type: "text", text: "" },
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "Hi" }] },
        { role: "system", content: "# MCP Server Instructions" },
        { role: "assistant", content: "Hello." },
        { role: "user", content: "Again" },
      ],
    },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages, [
        { role: "system", content: "You are Claude Code." },
        { role: "user", content: "Hi" },
        { role: "system", content: "# MCP Server Instructions" },
        { role: "assistant", content: "Hello." },
        { role: "user", content: "Again" },
      ]);
    },
    check: assertTextMessage,
  }),
  ao({
    name: "text, base64 and URL images and a PDF become OpenAI content parts",
    request: {
      max_tokens: 100,
      messages: [{
        role: "user",
        content: [
          { type: "text", text: "What is in these?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
          {
            type: "document",
            title: "spec.pdf",
            source: { type: "base64", media_type: "application/pdf", data: PDF },
          },
          { type: "text", text: "" },
        ],
      }],
    },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages, [{
        role: "user",
        content: [
          { type: "text", text: "What is in these?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          {
            type: "file",
            file: { filename: "spec.pdf", file_data: `data:application/pdf;base64,${PDF}` },
          },
        ],
      }]);
    },
    check: assertTextMessage,
  }),
  ao({
    name: "images inside a tool result follow the tool message in a user message",
    request: {
      max_tokens: 100,
      tools: ANTHROPIC_TOOLS,
      messages: [
        { role: "user", content: "Screenshot please" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_shot", name: "get_time", input: {} }],
        },
        {
          role: "user",
          content: [{
            type: "tool_result",
            tool_use_id: "toolu_shot",
            content: [
              { type: "text", text: "Captured." },
              { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            ],
          }],
        },
      ],
    },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages.slice(1), [
        {
          role: "assistant",
          content: null,
          tool_calls: [{
            id: "toolu_shot",
            type: "function",
            function: { name: "get_time", arguments: "{}" },
          }],
        },
        { role: "tool", tool_call_id: "toolu_shot", content: "Captured." },
        {
          role: "user",
          content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }],
        },
      ]);
    },
    check: assertTextMessage,
  }),
  ao({
    name: "several calls and results in one turn: results first, in order, is_error marked",
    request: {
      max_tokens: 100,
      tools: ANTHROPIC_TOOLS,
      messages: [
        { role: "user", content: "Weather and time in Paris" },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Checking both." },
            { type: "tool_use", id: "toolu_a", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "toolu_b", name: "get_time", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "Also, be quick." },
            { type: "tool_result", tool_use_id: "toolu_b", content: "timeout", is_error: true },
            {
              type: "tool_result",
              tool_use_id: "toolu_a",
              content: [{ type: "text", text: "18°C" }],
              cache_control: { type: "ephemeral" },
            },
          ],
        },
      ],
    },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages, [
        { role: "user", content: "Weather and time in Paris" },
        {
          role: "assistant",
          content: "Checking both.",
          tool_calls: [
            {
              id: "toolu_a",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
            { id: "toolu_b", type: "function", function: { name: "get_time", arguments: "{}" } },
          ],
        },
        { role: "tool", tool_call_id: "toolu_b", content: "Error: timeout" },
        { role: "tool", tool_call_id: "toolu_a", content: "18°C" },
        { role: "user", content: "Also, be quick." },
      ]);
    },
    check: assertTextMessage,
  }),
  ao({
    name: "call ids over 40 characters are fitted alike on the call and its result",
    request: {
      max_tokens: 100,
      tools: ANTHROPIC_TOOLS,
      messages: [
        { role: "user", content: "Time?" },
        {
          role: "assistant",
          content: [{
            type: "tool_use",
            id: "list_background_processes_1763990000000_0__gsig_c2lnbmF0dXJl",
            name: "get_time",
            input: {},
          }],
        },
        {
          role: "user",
          content: [{
            type: "tool_result",
            tool_use_id: "list_background_processes_1763990000000_0__gsig_c2lnbmF0dXJl",
            content: "12:00",
          }],
        },
      ],
    },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      const callId = body.messages[1].tool_calls[0].id;
      assert.ok(callId.length <= 40, callId);
      assert.match(callId, /^[A-Za-z0-9_-]+$/);
      assert.deepEqual(body.messages[2], { role: "tool", tool_call_id: callId, content: "12:00" });
    },
    check: assertTextMessage,
  }),
];

const anthropicToOpenAITools: Case[] = [
  ...([
    [{ type: "auto" }, "auto"],
    [{ type: "any" }, "required"],
    [{ type: "none" }, "none"],
    [{ type: "tool", name: "get_weather" }, {
      type: "function",
      function: { name: "get_weather" },
    }],
  ] as const).map(([choice, expected]) =>
    ao({
      name: `tools and tool_choice ${choice.type} → ${JSON.stringify(expected)}`,
      request: { max_tokens: 100, tools: ANTHROPIC_TOOLS, tool_choice: choice, messages: USER_HI },
      answer: TEXT_ANSWER,
      checkUpstream: (body) => {
        assert.deepEqual(body.tools, [
          {
            type: "function",
            function: {
              name: "get_weather",
              description: "Weather for a city",
              parameters: WEATHER_SCHEMA,
            },
          },
          {
            type: "function",
            function: { name: "get_time", parameters: { type: "object", properties: {} } },
          },
        ]);
        assert.deepEqual(body.tool_choice, expected);
        assert.equal(body.parallel_tool_calls, undefined);
      },
      check: assertTextMessage,
    })
  ),
  ao({
    name: "disable_parallel_tool_use → parallel_tool_calls: false",
    request: {
      max_tokens: 100,
      tools: ANTHROPIC_TOOLS,
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      messages: USER_HI,
    },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      assert.equal(body.tool_choice, "auto");
      assert.equal(body.parallel_tool_calls, false);
    },
    check: assertTextMessage,
  }),
  ao({
    name: "a tool name over 64 characters is shortened upstream and restored (whole)",
    request: {
      max_tokens: 100,
      tools: [{ name: LONG_NAME, input_schema: { type: "object" } }],
      tool_choice: { type: "tool", name: LONG_NAME },
      messages: USER_HI,
    },
    answer: (req) => {
      const name = req.json.tools[0].function.name;
      return {
        json: chatCompletion({
          content: null,
          tool_calls: [{
            id: "call_1",
            type: "function",
            function: { name, arguments: '{"url":"https://example.com"}' },
          }],
        }, "tool_calls"),
      };
    },
    checkUpstream: (body) => {
      const name = body.tools[0].function.name;
      assert.ok(name.length <= 64, name);
      assert.match(name, /^[A-Za-z0-9_-]+$/);
      assert.ok(name.startsWith("mcp__claude_in_chrome__browser_"), name);
      assert.deepEqual(body.tool_choice, { type: "function", function: { name } });
    },
    check: (result) => {
      const body = assertOkJson(result);
      assert.deepEqual(body.content, [
        { type: "tool_use", id: "call_1", name: LONG_NAME, input: { url: "https://example.com" } },
      ]);
      assert.equal(body.stop_reason, "tool_use");
    },
  }),
  ao({
    name: "a tool name over 64 characters is shortened upstream and restored (streamed)",
    request: {
      max_tokens: 100,
      stream: true,
      tools: [{ name: LONG_NAME, input_schema: { type: "object" } }],
      messages: [
        { role: "user", content: "Go" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_0", name: LONG_NAME, input: { url: "a" } }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_0", content: "ok" }] },
      ],
    },
    answer: (req) => {
      const name = req.json.tools[0].function.name;
      return {
        sse: chatSse([
          chunk({ role: "assistant", content: "" }),
          chunk({
            tool_calls: [{ index: 0, id: "call_2", type: "function", function: { name } }],
          }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '{"url":' } }] }),
          chunk({ tool_calls: [{ index: 0, function: { arguments: '"b"}' } }] }),
          chunk({}, "tool_calls"),
          chunk(undefined, null, { usage: USAGE_10_5 }),
        ]),
        chunkSize: 7,
      };
    },
    checkUpstream: (body) => {
      const name = body.tools[0].function.name;
      assert.ok(name.length <= 64);
      assert.equal(body.messages[1].tool_calls[0].function.name, name);
    },
    check: (result) => {
      const out = readAnthropicStream(result);
      assert.deepEqual(out.content, [
        { type: "tool_use", id: "call_2", name: LONG_NAME, input: { url: "b" } },
      ]);
      assert.equal(out.stopReason, "tool_use");
    },
  }),
];

/** The DeepSeek fixture streamed at a chunk size: one thinking, one text, two tool blocks. */
function deepseekStreamCase(chunkSize: number): Case {
  return ao({
    name:
      `DeepSeek reasoning + two calls split mid-escape, delivered ${chunkSize} byte(s) at a time`,
    request: { max_tokens: 100, stream: true, tools: ANTHROPIC_TOOLS, messages: USER_HI },
    answer: { sse: fixture("streams/openai_deepseek_reasoning_tools.sse"), chunkSize },
    check: (result) => {
      const out = readAnthropicStream(result);
      assert.deepEqual(out.content, [
        { type: "thinking", thinking: DEEPSEEK_REASONING, signature: "proxy:v1" },
        { type: "text", text: DEEPSEEK_TEXT },
        ...DEEPSEEK_CALLS,
      ]);
      assert.equal(out.stopReason, "tool_use");
      // usage came in the trailing chunk after finish_reason and still reached message_delta
      assert.deepEqual(out.usage, {
        input_tokens: 422,
        output_tokens: 612,
        cache_read_input_tokens: 17920,
        cache_creation_input_tokens: 0,
      });
      const text: string = (out.content as any[])[1].text;
      assert.ok(!text.includes("The user wants"), "thinking never folded into text");
    },
  });
}

const anthropicToOpenAIStreams: Case[] = [
  deepseekStreamCase(1),
  deepseekStreamCase(7),
  deepseekStreamCase(97),
  ao({
    name: "interleaved calls (DashScope layout) become one block each, in order",
    request: { max_tokens: 100, stream: true, tools: ANTHROPIC_TOOLS, messages: USER_HI },
    answer: { sse: fixture("streams/openai_interleaved_tools.sse"), chunkSize: 13 },
    check: (result) => {
      const out = readAnthropicStream(result);
      assert.deepEqual(out.content, [
        { type: "text", text: "Let me look at the decoder and rerun the failing test." },
        {
          type: "tool_use",
          id: "call_8f2a4c1e9b7d4e0fa3c6d5b1",
          name: "Read",
          input: {
            file_path: "/home/mara/src/tasklane/src/stream/decode_openai.ts",
            offset: 30,
            limit: 40,
          },
        },
        {
          type: "tool_use",
          id: "call_2e9d7b3a6c1f4d8e90a4b7c2",
          name: "Bash",
          input: {
            command: 'npx vitest run src/stream/accumulate.test.ts -t "both calls"',
            timeout: 120000,
          },
        },
      ]);
      assert.equal(out.stopReason, "tool_use");
      assert.deepEqual(out.usage, {
        input_tokens: 717,
        output_tokens: 96,
        cache_read_input_tokens: 12160,
        cache_creation_input_tokens: 0,
      });
    },
  }),
  ao({
    name: "a gateway that omits index (CRLF lines): calls told apart by id",
    request: { max_tokens: 100, stream: true, tools: ANTHROPIC_TOOLS, messages: USER_HI },
    answer: { sse: fixture("streams/openai_no_index_tools.sse"), chunkSize: 5 },
    check: (result) => {
      const out = readAnthropicStream(result);
      assert.deepEqual(out.content, [
        {
          type: "tool_use",
          id: "call_weather_1",
          name: "get_weather",
          input: { location: "Zürich", unit: "celsius" },
        },
        {
          type: "tool_use",
          id: "call_time_2",
          name: "get_local_time",
          input: { timezone: "Europe/Zurich" },
        },
      ]);
      const joined = joinedToolInput(result.events!, 0);
      assert.ok(joined.length > 0, "arguments arrived as input_json_delta, never input: {}");
      assert.deepEqual(out.usage, {
        input_tokens: 311,
        output_tokens: 58,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 0,
      });
    },
  }),
  ao({
    name: "`reasoning` (OpenRouter) deltas become a signed thinking block; empty content skipped",
    request: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: {
      sse: chatSse([
        chunk({ role: "assistant", content: "", reasoning: "" }),
        chunk({ content: null, reasoning: "Think" }),
        chunk({ content: null, reasoning: "ing." }),
        chunk({ content: "" }),
        chunk({ content: "Done." }),
        chunk({}, "stop"),
        chunk(undefined, null, { usage: USAGE_10_5 }),
      ]),
    },
    check: (result) => {
      const out = readAnthropicStream(result);
      assert.deepEqual(out.content, [
        { type: "thinking", thinking: "Thinking.", signature: "proxy:v1" },
        { type: "text", text: "Done." },
      ]);
      assert.equal(out.stopReason, "end_turn");
    },
  }),
  ao({
    name: "usage with reasoning tokens after finish_reason reaches message_delta (text stream)",
    request: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: { sse: fixture("streams/openai_text_only.sse"), chunkSize: 31 },
    check: (result) => {
      const out = readAnthropicStream(result);
      assert.equal(out.content.length, 1);
      assert.equal(out.content[0].type, "text");
      assert.ok(out.content[0].text.startsWith("Gemini sends `usageMetadata` on every chunk"));
      assert.equal(out.stopReason, "end_turn");
      assert.deepEqual(out.usage, {
        input_tokens: 160,
        output_tokens: 46,
        cache_read_input_tokens: 1024,
        cache_creation_input_tokens: 0,
      });
    },
  }),
];

const anthropicToOpenAIThinking: Case[] = [
  ao({
    name: "reasoning_content in a whole answer becomes a proxy-signed thinking block",
    request: { max_tokens: 100, messages: USER_HI },
    answer: {
      json: chatCompletion({ content: "Four.", reasoning_content: "2+2 is 4." }, "stop", {
        prompt_tokens: 30,
        completion_tokens: 20,
        total_tokens: 50,
        prompt_tokens_details: { cached_tokens: 12 },
        completion_tokens_details: { reasoning_tokens: 15 },
      }),
    },
    check: (result) => {
      const body = assertOkJson(result);
      assert.equal(body.type, "message");
      assert.equal(body.role, "assistant");
      assert.equal(body.model, "up-openai");
      assert.match(body.id, /^msg_/);
      assert.deepEqual(body.content, [
        { type: "thinking", thinking: "2+2 is 4.", signature: "proxy:v1" },
        { type: "text", text: "Four." },
      ]);
      assert.equal(body.stop_reason, "end_turn");
      assert.deepEqual(body.usage, {
        input_tokens: 18,
        output_tokens: 20,
        cache_read_input_tokens: 12,
        cache_creation_input_tokens: 0,
      });
    },
  }),
  ao({
    name: "`reasoning` in a whole answer becomes thinking too",
    request: { max_tokens: 100, messages: USER_HI },
    answer: { json: chatCompletion({ content: "Yes.", reasoning: "Check." }) },
    check: (result) => {
      assert.deepEqual(assertOkJson(result).content, [
        { type: "thinking", thinking: "Check.", signature: "proxy:v1" },
        { type: "text", text: "Yes." },
      ]);
    },
  }),
  ao({
    name: "replayed thinking goes back as reasoning_content on its assistant message",
    request: {
      max_tokens: 100,
      tools: ANTHROPIC_TOOLS,
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Need the tool.", signature: "proxy:v1" },
            { type: "tool_use", id: "call_w", name: "get_weather", input: { city: "Oslo" } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_w", content: "2°C" }] },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Answer it.", signature: "EqQBCkYIBxgCKkBsig" },
            { type: "redacted_thinking", data: "EmwKAhgBEgy3redacted" },
            { type: "text", text: "It is 2°C." },
          ],
        },
        { role: "user", content: "Thanks" },
      ],
    },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages, [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: null,
          reasoning_content: "Need the tool.",
          tool_calls: [{
            id: "call_w",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
          }],
        },
        { role: "tool", tool_call_id: "call_w", content: "2°C" },
        { role: "assistant", content: "It is 2°C.", reasoning_content: "Answer it." },
        { role: "user", content: "Thanks" },
      ]);
    },
    check: (result) => {
      assertTextMessage(result);
      assert.match(warnings(result), /redacted thinking/);
    },
  }),
  ...([
    [{ thinking: { type: "enabled", budget_tokens: 1024 } }, "low"],
    [{ thinking: { type: "enabled", budget_tokens: 5000 } }, "medium"],
    [{ thinking: { type: "enabled", budget_tokens: 31999 } }, "high"],
    [{ thinking: { type: "adaptive" } }, undefined],
    [{ thinking: { type: "adaptive" }, output_config: { effort: "medium" } }, "medium"],
    [{ output_config: { effort: "low" } }, "low"],
    [{ thinking: { type: "disabled" }, output_config: { effort: "high" } }, undefined],
  ] as const).map(([fields, effort]) =>
    ao({
      name: `thinking ${JSON.stringify(fields)} → reasoning_effort ${effort ?? "absent"}`,
      request: { max_tokens: 32000, ...fields, messages: USER_HI },
      answer: TEXT_ANSWER,
      checkUpstream: (body) => {
        assert.equal(body.reasoning_effort, effort);
        assert.equal(body.thinking, undefined);
        assert.equal(body.output_config, undefined);
      },
      check: assertTextMessage,
    })
  ),
  ao({
    name: "a reasoning_effort in models.yaml wins over the request's thinking",
    request: { max_tokens: 100, thinking: { type: "disabled" }, messages: USER_HI },
    model: { reasoning_effort: "low" },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => assert.equal(body.reasoning_effort, "low"),
    check: assertTextMessage,
  }),
];

const anthropicToOpenAIEnding: Case[] = [
  ...([
    ["stop", "end_turn"],
    ["length", "max_tokens"],
    ["content_filter", "refusal"],
    ["eos", "end_turn"],
  ] as const).map(([finish, stop]) =>
    ao({
      name: `finish_reason ${finish} → stop_reason ${stop}`,
      request: { max_tokens: 100, messages: USER_HI },
      answer: { json: chatCompletion({ content: "Hello." }, finish) },
      check: (result) => {
        const body = assertTextMessage(result);
        assert.equal(body.stop_reason, stop);
        assert.equal(body.stop_sequence, null);
      },
    })
  ),
  ao({
    name: "tool_calls with empty content: only tool_use blocks, stop_reason tool_use",
    request: { max_tokens: 100, tools: ANTHROPIC_TOOLS, messages: USER_HI },
    answer: {
      json: chatCompletion({
        content: "",
        tool_calls: [
          {
            id: "call_a",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Rome"}' },
          },
          { id: "call_b", type: "function", function: { name: "get_time", arguments: "" } },
        ],
      }, "tool_calls"),
    },
    check: (result) => {
      const body = assertOkJson(result);
      assert.deepEqual(body.content, [
        { type: "tool_use", id: "call_a", name: "get_weather", input: { city: "Rome" } },
        { type: "tool_use", id: "call_b", name: "get_time", input: {} },
      ]);
      assert.equal(body.stop_reason, "tool_use");
    },
  }),
  ao({
    name: "a streamed length stop → max_tokens",
    request: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: {
      sse: chatSse([
        chunk({ role: "assistant", content: "Cut" }),
        chunk({ content: " off" }, "length"),
        chunk(undefined, null, { usage: USAGE_10_5 }),
      ]),
    },
    check: (result) => {
      const out = readAnthropicStream(result);
      assert.deepEqual(out.content, [{ type: "text", text: "Cut off" }]);
      assert.equal(out.stopReason, "max_tokens");
      assert.equal(out.usage.output_tokens, 5);
    },
  }),
];

const anthropicToOpenAIHardening: Case[] = [
  ao({
    name: 'whitespace-only content ("\\n\\n", GLM/Kimi) before streamed calls is no text block',
    request: { max_tokens: 100, stream: true, tools: ANTHROPIC_TOOLS, messages: USER_HI },
    answer: {
      sse: chatSse([
        chunk({ role: "assistant", content: "\n" }),
        chunk({ content: "\n" }),
        chunk({
          tool_calls: [{
            index: 0,
            id: "call_ws",
            type: "function",
            function: { name: "get_time", arguments: "{}" },
          }],
        }),
        chunk({}, "tool_calls"),
      ]),
      chunkSize: 3,
    },
    check: (result) => {
      const out = readAnthropicStream(result);
      assert.deepEqual(out.content, [
        { type: "tool_use", id: "call_ws", name: "get_time", input: {} },
      ]);
    },
  }),
  ao({
    name: "whitespace-only content beside calls in a whole answer is no text block",
    request: { max_tokens: 100, tools: ANTHROPIC_TOOLS, messages: USER_HI },
    answer: {
      json: chatCompletion({
        content: "\n\n",
        tool_calls: [{
          id: "call_ws",
          type: "function",
          function: { name: "get_time", arguments: "{}" },
        }],
      }, "tool_calls"),
    },
    check: (result) => {
      assert.deepEqual(assertOkJson(result).content, [
        { type: "tool_use", id: "call_ws", name: "get_time", input: {} },
      ]);
    },
  }),
  ao({
    name: "[DONE] without any finish_reason ends the message normally",
    request: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: { sse: chatSse([chunk({ role: "assistant", content: "Hello." })]) },
    check: (result) => {
      const out = readAnthropicStream(result);
      assert.deepEqual(out.content, [{ type: "text", text: "Hello." }]);
      assert.equal(out.stopReason, "end_turn");
      assert.equal(out.error, undefined);
    },
  }),
  ao({
    name: 'finish_reason "tool_calls" with no call is end_turn (whole and streamed)',
    request: { max_tokens: 100, messages: USER_HI },
    answer: { json: chatCompletion({ content: "Hello." }, "tool_calls") },
    check: (result) => assert.equal(assertTextMessage(result).stop_reason, "end_turn"),
  }),
  ao({
    name: 'streamed finish_reason "tool_calls" with no call is end_turn',
    request: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: { sse: chatSse([chunk({ content: "Hello." }), chunk({}, "tool_calls")]) },
    check: (result) => assert.equal(readAnthropicStream(result).stopReason, "end_turn"),
  }),
];

const anthropicToOpenAIFields: Case[] = [
  ao({
    name: "max_tokens above the cap is capped (16K)",
    request: { max_tokens: 64000, messages: USER_HI },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      assert.equal(body.max_tokens, 16000);
      assert.equal(body.max_completion_tokens, undefined);
    },
    check: assertTextMessage,
  }),
  ao({
    name: "max_tokens under the cap is kept; no stream fields on a whole request",
    request: { max_tokens: 321, messages: USER_HI },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      assert.equal(body.max_tokens, 321);
      assert.equal(body.stream, undefined);
      assert.equal(body.stream_options, undefined);
      assert.equal(body.model, "gpt-real-1");
    },
    check: assertTextMessage,
  }),
  ao({
    name: "temperature, top_p and stop_sequences carry over; top_k dropped with a warning",
    request: {
      max_tokens: 100,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ["END", "###"],
      messages: USER_HI,
    },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      assert.equal(body.temperature, 0.3);
      assert.equal(body.top_p, 0.9);
      assert.deepEqual(body.stop, ["END", "###"]);
      assert.equal(body.top_k, undefined);
    },
    check: (result) => {
      assertTextMessage(result);
      assert.match(warnings(result), /top_k/);
    },
  }),
  ao({
    name: "metadata.user_id (Claude Code's JSON string) → user, fitted to 64 characters",
    request: {
      max_tokens: 100,
      metadata: {
        user_id:
          '{"device_id":"40fe188b83f2e2955bbcd89aff19e2e6d8efb32f75fb8ae96d330083dccfe03a","session_id":"c933affa"}',
      },
      messages: USER_HI,
    },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => {
      assert.equal(typeof body.user, "string");
      assert.ok(body.user.length <= 64 && body.user.length > 16, body.user);
      assert.equal(body.metadata, undefined);
    },
    check: assertTextMessage,
  }),
  ao({
    name: "a short metadata.user_id goes as user unchanged",
    request: { max_tokens: 100, metadata: { user_id: "user-42" }, messages: USER_HI },
    answer: TEXT_ANSWER,
    checkUpstream: (body) => assert.equal(body.user, "user-42"),
    check: assertTextMessage,
  }),
  ao({
    name: "output_config.format json_schema → response_format json_schema",
    request: {
      max_tokens: 100,
      output_config: {
        format: {
          type: "json_schema",
          schema: {
            type: "object",
            properties: { title: { type: "string" } },
            required: ["title"],
            additionalProperties: false,
          },
        },
      },
      messages: USER_HI,
    },
    answer: { json: chatCompletion({ content: '{"title":"Hi"}' }) },
    checkUpstream: (body) => {
      assert.deepEqual(body.response_format, {
        type: "json_schema",
        json_schema: {
          name: "response",
          schema: {
            type: "object",
            properties: { title: { type: "string" } },
            required: ["title"],
            additionalProperties: false,
          },
        },
      });
    },
    check: (result) => {
      assert.deepEqual(assertOkJson(result).content, [{ type: "text", text: '{"title":"Hi"}' }]);
    },
  }),
  ao({
    name: "Claude Code's title request (no tools, output_config.format) converts",
    request: fixtureJson("requests/claude_code_title_request.json"),
    answer: { json: chatCompletion({ content: '{"title":"Fix stream decoder"}' }) },
    checkUpstream: (body) => {
      assert.equal(body.response_format.type, "json_schema");
      assert.equal(body.response_format.json_schema.schema.type, "object");
      assert.equal(body.tools, undefined);
      assert.equal(body.stream, undefined);
      for (const m of body.messages) assert.notEqual(m.content, "");
    },
    check: (result) => {
      assert.deepEqual(assertOkJson(result).content, [
        { type: "text", text: '{"title":"Fix stream decoder"}' },
      ]);
    },
  }),
  ao({
    name: "an empty or blank answer text never becomes an empty text block",
    request: { max_tokens: 100, messages: USER_HI },
    answer: { json: chatCompletion({ content: "" }) },
    check: (result) => {
      const body = assertOkJson(result);
      assert.deepEqual(body.content, []);
      assert.equal(body.stop_reason, "end_turn");
    },
  }),
];

const anthropicToOpenAIErrors: Case[] = [
  ao({
    name: "upstream 429 with Retry-After → rate_limit_error 429, Retry-After kept",
    request: { max_tokens: 100, messages: USER_HI },
    answer: {
      status: 429,
      headers: { "retry-after": "17" },
      json: { error: { message: "Rate limit reached for requests", type: "requests" } },
    },
    check: (result) => {
      assert.equal(result.status, 429);
      assert.equal(result.headers.get("retry-after"), "17");
      assert.deepEqual(result.json, {
        type: "error",
        error: { type: "rate_limit_error", message: "Rate limit reached for requests" },
      });
    },
  }),
  ao({
    name: "upstream 400 → invalid_request_error 400 with the upstream's message",
    request: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: {
      status: 400,
      json: { error: { message: "Invalid 'messages[0].content': string too long" } },
    },
    check: (result) => {
      assert.equal(result.status, 400);
      assert.deepEqual(result.json, {
        type: "error",
        error: {
          type: "invalid_request_error",
          message: "Invalid 'messages[0].content': string too long",
        },
      });
    },
  }),
  ao({
    name: "upstream 503 with Retry-After → overloaded_error 503 (streaming caller, before a byte)",
    request: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: {
      status: 503,
      headers: { "retry-after": "5" },
      json: { error: { message: "Service is too busy" } },
    },
    check: (result) => {
      assert.equal(result.status, 503);
      assert.equal(result.headers.get("retry-after"), "5");
      assert.equal(result.json.type, "error");
      assert.equal(result.json.error.message, "Service is too busy");
    },
  }),
  ao({
    name: "upstream 500 → api_error 500",
    request: { max_tokens: 100, messages: USER_HI },
    answer: { status: 500, json: { error: { message: "Internal error" } } },
    check: (result) => {
      assert.equal(result.status, 500);
      assert.deepEqual(result.json, {
        type: "error",
        error: { type: "api_error", message: "Internal error" },
      });
    },
  }),
  ao({
    name: "a stream cut inside a tool call's arguments ends with an error event, not a finish",
    request: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: { sse: fixture("streams/openai_truncated.sse"), chunkSize: 50 },
    check: (result) => {
      assert.equal(result.status, 200);
      const events = result.events!;
      assertAnthropicStream(events);
      const last = events.at(-1)!;
      assert.equal(last.event, "error");
      assert.equal(last.data.type, "error");
      assert.equal(last.data.error.type, "api_error");
      assert.ok(!events.some((e) => e.event === "message_delta" || e.event === "message_stop"));
    },
  }),
  ao({
    name: "an error chunk mid-stream ends the stream with an Anthropic error event",
    request: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: {
      sse: chatSse([chunk({ role: "assistant", content: "Hel" })], false) +
        `data: {"error":{"message":"Upstream overloaded","type":"server_error","code":503}}\n\n`,
    },
    check: (result) => {
      const events = result.events!;
      assertAnthropicStream(events);
      const last = events.at(-1)!;
      assert.deepEqual(last.data, {
        type: "error",
        error: { type: "overloaded_error", message: "Upstream overloaded" },
      });
      assert.ok(!events.some((e) => e.event === "message_stop"));
    },
  }),
  ao({
    name: "can_stream: false — a streaming caller still gets a proper stream",
    request: { max_tokens: 100, stream: true, tools: ANTHROPIC_TOOLS, messages: USER_HI },
    model: { can_stream: false },
    answer: {
      json: chatCompletion({
        content: "Checking.",
        reasoning_content: "Tool needed.",
        tool_calls: [{
          id: "call_c",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Lima"}' },
        }],
      }, "tool_calls"),
    },
    checkUpstream: (body) => {
      assert.equal(body.stream, undefined);
      assert.equal(body.stream_options, undefined);
    },
    check: (result) => {
      const out = readAnthropicStream(result);
      assert.deepEqual(out.content, [
        { type: "thinking", thinking: "Tool needed.", signature: "proxy:v1" },
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "call_c", name: "get_weather", input: { city: "Lima" } },
      ]);
      assert.equal(out.stopReason, "tool_use");
      assert.equal(out.usage.output_tokens, 5);
      assert.equal(out.message.model, "up-openai");
    },
  }),
];

/** Roles of the Claude Code fixture's conversation as an OpenAI upstream must receive it. */
const CLAUDE_CODE_ROLES = [
  "system",
  "user",
  "system",
  "assistant",
  "tool",
  "assistant",
  "tool",
  "assistant",
  "tool",
  "tool",
  "user",
];

function checkClaudeCodeUpstream(body: any): void {
  const sent = fixtureJson("requests/claude_code_request.json");
  assert.equal(body.model, "gpt-real-1");
  assert.equal(body.max_tokens, 16000);
  assert.equal(body.reasoning_effort, "high");
  assert.equal(body.stream, true);
  assert.deepEqual(body.stream_options, { include_usage: true });
  for (const key of ["thinking", "output_config", "context_management", "metadata", "system"]) {
    assert.equal(body[key], undefined, `${key} must not reach an OpenAI upstream`);
  }
  assert.ok(typeof body.user === "string" && body.user.length <= 64);
  // tools: every one, schemas passed as parameters untouched, long names fitted
  assert.equal(body.tools.length, 24);
  body.tools.forEach((tool: any, i: number) => {
    const original = sent.tools[i];
    assert.equal(tool.type, "function");
    assert.equal(tool.function.description, original.description);
    assert.deepEqual(tool.function.parameters, original.input_schema);
    if (original.name.length <= 64) assert.equal(tool.function.name, original.name);
    else {
      assert.ok(tool.function.name.length <= 64);
      assert.match(tool.function.name, /^[A-Za-z0-9_-]+$/);
    }
  });
  assert.equal(new Set(body.tools.map((t: any) => t.function.name)).size, 24);
  assert.equal(body.tools[1].function.parameters.properties.timeout.exclusiveMinimum, 0);
  assert.equal(body.tools[1].function.parameters.$schema, sent.tools[1].input_schema.$schema);
  // conversation: system first, the MCP system message in place, tool messages after their calls
  const messages = body.messages;
  assert.deepEqual(messages.map((m: any) => m.role), CLAUDE_CODE_ROLES);
  // Claude Code's billing line (system[0]) goes only to Anthropic upstreams.
  const systemTexts = sent.system.slice(1).map((b: any) => b.text);
  assert.equal(messages[0].content, systemTexts.join("\n\n"));
  assert.ok(!JSON.stringify(body).includes("x-anthropic-billing-header"));
  assert.equal(messages[1].content, sent.messages[0].content.map((b: any) => b.text).join("\n\n"));
  assert.equal(messages[2].content, sent.messages[1].content[0].text);
  for (const [at, source] of [[3, 2], [5, 4], [7, 6]]) {
    const assistant = messages[at];
    const original = sent.messages[source].content;
    assert.equal(assistant.reasoning_content, original[0].thinking);
    const calls = original.filter((b: any) => b.type === "tool_use");
    assert.deepEqual(
      assistant.tool_calls.map((
        c: any,
      ) => [c.id, c.function.name, JSON.parse(c.function.arguments)]),
      calls.map((b: any) => [b.id, b.name, b.input]),
    );
    const text = original.filter((b: any) => b.type === "text").map((b: any) => b.text);
    assert.equal(assistant.content, text.length ? text.join("\n\n") : null);
  }
  assert.equal(messages[4].tool_call_id, "toolu_01ewLiIwwm6vyRbGayGVTYSr");
  assert.equal(messages[6].tool_call_id, "toolu_01sRlYIVBreTGRWTFZYyvVkB");
  assert.equal(messages[8].tool_call_id, "toolu_01wYyONN3trQZFqIf4sAKxWe");
  assert.ok(messages[8].content.startsWith("Error: Exit code 1"), "is_error carried");
  assert.equal(messages[9].tool_call_id, "toolu_01VCI0y3AH5NkCH3HuqkWZFc");
  assert.ok(!messages[9].content.startsWith("Error:"));
  assert.ok(messages[10].content.startsWith("<system-reminder>"));
  const wire = JSON.stringify(body);
  assert.ok(!wire.includes("cache_control"), "cache hints are dropped");
  assert.ok(!wire.includes('"signature"'), "no Anthropic signature leaks upstream");
}

const anthropicToOpenAIClaudeCode: Case[] = [
  ao({
    name: "Claude Code's ~115 KB request: what the upstream receives, and the stream back",
    request: fixtureJson("requests/claude_code_request.json"),
    headers: { "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14" },
    answer: { sse: fixture("streams/openai_deepseek_reasoning_tools.sse"), chunkSize: 97 },
    checkUpstream: (body, req) => {
      assert.equal(req.path, "/chat/completions");
      assert.equal(req.headers.get("authorization"), "Bearer sk-conformance-0000");
      assert.equal(req.headers.get("anthropic-beta"), null);
      checkClaudeCodeUpstream(body);
    },
    check: (result) => {
      const out = readAnthropicStream(result);
      assert.equal(out.message.model, "up-openai");
      assert.deepEqual(out.content.map((b) => b.type), [
        "thinking",
        "text",
        "tool_use",
        "tool_use",
      ]);
      assert.equal(out.content[0].signature, "proxy:v1");
      assert.deepEqual(out.content.slice(2), DEEPSEEK_CALLS);
    },
  }),
];

// ---------------------------------------------------------------------------------------------
// OpenAI caller → Anthropic upstream
// ---------------------------------------------------------------------------------------------

/** An OpenAI-caller case on the Anthropic upstream. */
function oa(c: Omit<Case, "caller" | "upstream">): Case {
  return { caller: "openai", upstream: "anthropic", ...c };
}

const HELLO_ANSWER = { json: anthropicMessage([{ type: "text", text: "Hello." }]) };

function assertHelloCompletion(result: CallerResult): any {
  const body = assertOkJson(result);
  assert.equal(body.object, "chat.completion");
  assert.equal(body.model, "up-anthropic");
  assert.deepEqual(body.choices[0].message, { role: "assistant", content: "Hello." });
  assert.equal(body.choices[0].finish_reason, "stop");
  return body;
}

const openAIToAnthropicMessages: Case[] = [
  oa({
    name: "leading system and developer messages → system blocks; a later one stays in place",
    request: {
      messages: [
        { role: "system", content: "Be brief." },
        { role: "developer", content: [{ type: "text", text: "Use metric units." }] },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello." },
        { role: "system", content: "The user is in Oslo." },
        { role: "user", content: "Weather?" },
      ],
    },
    answer: HELLO_ANSWER,
    checkUpstream: (body, req) => {
      assert.equal(req.path, "/v1/messages");
      assert.equal(req.headers.get("x-api-key"), "sk-conformance-0000");
      assert.equal(req.headers.get("anthropic-version"), "2023-06-01");
      assert.equal(body.model, "claude-real-1");
      assert.deepEqual(body.system, [
        { type: "text", text: "Be brief." },
        { type: "text", text: "Use metric units." },
      ]);
      assert.deepEqual(body.messages, [
        { role: "user", content: [{ type: "text", text: "Hi" }] },
        { role: "assistant", content: [{ type: "text", text: "Hello." }] },
        { role: "system", content: [{ type: "text", text: "The user is in Oslo." }] },
        { role: "user", content: [{ type: "text", text: "Weather?" }] },
      ]);
    },
    check: assertHelloCompletion,
  }),
  oa({
    name: "text, data-URL and https images and a PDF file → Anthropic blocks",
    request: {
      messages: [{
        role: "user",
        content: [
          { type: "text", text: "What is in these?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}`, detail: "low" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          {
            type: "file",
            file: { filename: "spec.pdf", file_data: `data:application/pdf;base64,${PDF}` },
          },
          { type: "text", text: "" },
        ],
      }],
    },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages, [{
        role: "user",
        content: [
          { type: "text", text: "What is in these?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
          {
            type: "document",
            source: { type: "base64", media_type: "application/pdf", data: PDF },
            title: "spec.pdf",
          },
        ],
      }]);
    },
    check: assertHelloCompletion,
  }),
  oa({
    name: "several calls, tool messages and a following image: one user turn, results first",
    request: {
      tools: OPENAI_TOOLS,
      messages: [
        { role: "user", content: "Weather and time?" },
        {
          role: "assistant",
          content: "",
          reasoning_content: "Two tools.",
          tool_calls: [
            {
              id: "call_a",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Paris"}' },
            },
            { id: "call_b", type: "function", function: { name: "get_time", arguments: "" } },
          ],
        },
        { role: "tool", tool_call_id: "call_a", content: "18°C" },
        { role: "tool", tool_call_id: "call_b", content: [{ type: "text", text: "12:00" }] },
        {
          role: "user",
          content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }],
        },
      ],
    },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages, [
        { role: "user", content: [{ type: "text", text: "Weather and time?" }] },
        {
          role: "assistant",
          content: [
            { type: "tool_use", id: "call_a", name: "get_weather", input: { city: "Paris" } },
            { type: "tool_use", id: "call_b", name: "get_time", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "call_a",
              content: [{ type: "text", text: "18°C" }],
            },
            {
              type: "tool_result",
              tool_use_id: "call_b",
              content: [{ type: "text", text: "12:00" }],
            },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          ],
        },
      ]);
      const wire = JSON.stringify(body);
      assert.ok(!wire.includes("Two tools."), "unsigned reasoning never reaches Anthropic");
      assert.ok(!wire.includes('"thinking"'));
    },
    check: (result) => {
      assertHelloCompletion(result);
      assert.match(warnings(result), /did not sign/);
    },
  }),
  oa({
    name: "a history with tool calls but no declared tools still converts (bare declarations)",
    request: {
      messages: [
        { role: "user", content: "Time?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{
            id: "call_t",
            type: "function",
            function: { name: "get_time", arguments: "{}" },
          }],
        },
        { role: "tool", tool_call_id: "call_t", content: "12:00" },
      ],
    },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.tools, [{ name: "get_time", input_schema: { type: "object" } }]);
      assert.deepEqual(body.tool_choice, { type: "none" });
    },
    check: assertHelloCompletion,
  }),
];

const openAIToAnthropicHardening: Case[] = [
  oa({
    name: "calls the caller left unanswered (an interrupted turn) get an error tool_result",
    request: {
      tools: OPENAI_TOOLS,
      messages: [
        { role: "user", content: "Time?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{
            id: "call_x",
            type: "function",
            function: { name: "get_time", arguments: "{}" },
          }],
        },
        { role: "user", content: "Never mind, say hi." },
      ],
    },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages[2], {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "call_x",
            content: [{ type: "text", text: "(no result: the call was not answered)" }],
            is_error: true,
          },
          { type: "text", text: "Never mind, say hi." },
        ],
      });
    },
    check: assertHelloCompletion,
  }),
];

const openAIToAnthropicTools: Case[] = [
  ...([
    ["auto", { type: "auto" }],
    ["required", { type: "any" }],
    ["none", { type: "none" }],
    [{ type: "function", function: { name: "get_weather" } }, {
      type: "tool",
      name: "get_weather",
    }],
  ] as const).map(([choice, expected]) =>
    oa({
      name: `tools and tool_choice ${JSON.stringify(choice)} → ${JSON.stringify(expected)}`,
      request: { tools: OPENAI_TOOLS, tool_choice: choice, messages: USER_HI },
      answer: HELLO_ANSWER,
      checkUpstream: (body) => {
        assert.deepEqual(body.tools, [
          { name: "get_weather", description: "Weather for a city", input_schema: WEATHER_SCHEMA },
          { name: "get_time", input_schema: { type: "object", properties: {} } },
        ]);
        assert.deepEqual(body.tool_choice, expected);
      },
      check: assertHelloCompletion,
    })
  ),
  oa({
    name: "parallel_tool_calls: false → disable_parallel_tool_use",
    request: {
      tools: OPENAI_TOOLS,
      tool_choice: "required",
      parallel_tool_calls: false,
      messages: USER_HI,
    },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.tool_choice, { type: "any", disable_parallel_tool_use: true });
    },
    check: assertHelloCompletion,
  }),
  oa({
    name: "parallel_tool_calls: false without tool_choice → auto + disable_parallel_tool_use",
    request: { tools: OPENAI_TOOLS, parallel_tool_calls: false, messages: USER_HI },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.tool_choice, { type: "auto", disable_parallel_tool_use: true });
    },
    check: assertHelloCompletion,
  }),
  oa({
    name: "a tool name over 64 characters is shortened upstream and restored (whole)",
    request: {
      tools: [{ type: "function", function: { name: LONG_NAME, parameters: { type: "object" } } }],
      messages: USER_HI,
    },
    answer: (req) => ({
      json: anthropicMessage([{
        type: "tool_use",
        id: "toolu_L",
        name: req.json.tools[0].name,
        input: { url: "https://example.com" },
      }], "tool_use"),
    }),
    checkUpstream: (body) => {
      assert.ok(body.tools[0].name.length <= 64);
      assert.match(body.tools[0].name, /^[A-Za-z0-9_-]+$/);
    },
    check: (result) => {
      const body = assertOkJson(result);
      assert.deepEqual(body.choices[0].message.tool_calls, [{
        id: "toolu_L",
        type: "function",
        function: { name: LONG_NAME, arguments: '{"url":"https://example.com"}' },
      }]);
      assert.equal(body.choices[0].finish_reason, "tool_calls");
    },
  }),
  oa({
    name: "a tool name over 64 characters is shortened upstream and restored (streamed)",
    request: {
      stream: true,
      tools: [{ type: "function", function: { name: LONG_NAME, parameters: { type: "object" } } }],
      messages: USER_HI,
    },
    answer: (req) => ({
      sse: anthropicSse([
        { type: "message_start", message: anthropicMessage([], "", { input_tokens: 3 }) },
        {
          type: "content_block_start",
          index: 0,
          content_block: {
            type: "tool_use",
            id: "toolu_S",
            name: req.json.tools[0].name,
            input: {},
          },
        },
        {
          type: "content_block_delta",
          index: 0,
          delta: { type: "input_json_delta", partial_json: "" },
        },
        {
          type: "content_block_delta",
          index: 0,
          delta: { type: "input_json_delta", partial_json: '{"url":"h' },
        },
        {
          type: "content_block_delta",
          index: 0,
          delta: { type: "input_json_delta", partial_json: 'ttps://x.org"}' },
        },
        { type: "content_block_stop", index: 0 },
        { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } },
        { type: "message_stop" },
      ]),
      chunkSize: 11,
    }),
    check: (result) => {
      const out = readOpenAIStream(result);
      assert.deepEqual(out.calls, [
        { id: "toolu_S", name: LONG_NAME, arguments: '{"url":"https://x.org"}' },
      ]);
      assert.equal(out.finish, "tool_calls");
      assert.equal(out.done, true);
    },
  }),
];

/** The Anthropic fixture stream at a chunk size, for an OpenAI caller asking for usage. */
function anthropicFixtureStreamCase(chunkSize: number): Case {
  return oa({
    name: `Anthropic thinking + text + two calls, delivered ${chunkSize} byte(s) at a time`,
    request: {
      stream: true,
      stream_options: { include_usage: true },
      tools: OPENAI_TOOLS,
      messages: USER_HI,
    },
    answer: { sse: fixture("streams/anthropic_thinking_tools.sse"), chunkSize },
    checkUpstream: (body) => {
      assert.equal(body.stream, true);
      assert.equal(body.stream_options, undefined);
    },
    check: (result) => {
      const out = readOpenAIStream(result);
      assert.equal(out.role, "assistant");
      assert.equal(out.reasoning, ANTHROPIC_FIXTURE_THINKING);
      assert.equal(out.content, ANTHROPIC_FIXTURE_TEXT);
      assert.deepEqual(
        out.calls.map((c) => ({ id: c.id, name: c.name, input: JSON.parse(c.arguments) })),
        ANTHROPIC_FIXTURE_CALLS,
      );
      assert.equal(out.finish, "tool_calls");
      assert.deepEqual(out.usage, {
        prompt_tokens: 9 + 2412 + 51730,
        completion_tokens: 731,
        total_tokens: 9 + 2412 + 51730 + 731,
        prompt_tokens_details: { cached_tokens: 51730 },
        completion_tokens_details: { reasoning_tokens: 0 },
      });
      assert.equal(out.done, true);
    },
  });
}

const openAIToAnthropicStreams: Case[] = [
  anthropicFixtureStreamCase(1),
  anthropicFixtureStreamCase(7),
  anthropicFixtureStreamCase(97),
  oa({
    name: "without include_usage the stream has no usage chunk",
    request: { stream: true, messages: USER_HI },
    answer: { sse: anthropicTextSse("Hello.") },
    check: (result) => {
      const out = readOpenAIStream(result);
      assert.equal(out.content, "Hello.");
      assert.equal(out.finish, "stop");
      assert.equal(out.usage, undefined);
      assert.equal(out.done, true);
    },
  }),
];

const openAIToAnthropicThinking: Case[] = [
  oa({
    name: "thinking and redacted thinking in a whole answer → reasoning_content only",
    request: { messages: USER_HI },
    answer: {
      json: anthropicMessage(
        [
          { type: "thinking", thinking: "Let me think.", signature: "EqQBsig" },
          { type: "redacted_thinking", data: "EmwKAhgBredacted" },
          { type: "text", text: "Hello." },
        ],
        "end_turn",
        {
          input_tokens: 7,
          output_tokens: 30,
          cache_read_input_tokens: 100,
          cache_creation_input_tokens: 20,
        },
      ),
    },
    check: (result) => {
      const body = assertOkJson(result);
      assert.deepEqual(body.choices[0].message, {
        role: "assistant",
        content: "Hello.",
        reasoning_content: "Let me think.",
      });
      assert.deepEqual(body.usage, {
        prompt_tokens: 127,
        completion_tokens: 30,
        total_tokens: 157,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 0 },
      });
      assert.match(body.id, /^chatcmpl-/);
    },
  }),
  oa({
    name: "a streamed redacted_thinking block shows nothing; thinking streams as reasoning_content",
    request: { stream: true, messages: USER_HI },
    answer: {
      sse: anthropicSse([
        { type: "message_start", message: anthropicMessage([], "", { input_tokens: 3 }) },
        {
          type: "content_block_start",
          index: 0,
          content_block: { type: "redacted_thinking", data: "EmwKAhgB" },
        },
        { type: "content_block_stop", index: 0 },
        {
          type: "content_block_start",
          index: 1,
          content_block: { type: "thinking", thinking: "", signature: "" },
        },
        {
          type: "content_block_delta",
          index: 1,
          delta: { type: "thinking_delta", thinking: "Hmm." },
        },
        {
          type: "content_block_delta",
          index: 1,
          delta: { type: "signature_delta", signature: "S" },
        },
        { type: "content_block_stop", index: 1 },
        { type: "content_block_start", index: 2, content_block: { type: "text", text: "" } },
        { type: "content_block_delta", index: 2, delta: { type: "text_delta", text: "Yes." } },
        { type: "content_block_stop", index: 2 },
        { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 4 } },
        { type: "message_stop" },
      ]),
    },
    check: (result) => {
      const out = readOpenAIStream(result);
      assert.equal(out.reasoning, "Hmm.");
      assert.equal(out.content, "Yes.");
      assert.equal(out.finish, "stop");
      assert.ok(!result.text.includes("EmwKAhgB"));
    },
  }),
  ...([
    ["minimal", { max_tokens: 4000 }, { type: "enabled", budget_tokens: 1024 }],
    ["low", {}, { type: "enabled", budget_tokens: 1024 }],
    ["medium", {}, { type: "enabled", budget_tokens: 8192 }],
    ["high", {}, { type: "enabled", budget_tokens: 15999 }],
    ["high", { max_tokens: 8192 }, { type: "enabled", budget_tokens: 8191 }],
    ["high", { max_completion_tokens: 1024 }, undefined],
    ["none", {}, undefined],
  ] as const).map(([effort, limits, thinking]) =>
    oa({
      name: `reasoning_effort ${effort} with ${JSON.stringify(limits)} → thinking ${
        JSON.stringify(thinking) ?? "absent"
      }`,
      request: { reasoning_effort: effort, ...limits, messages: USER_HI },
      answer: HELLO_ANSWER,
      checkUpstream: (body) => {
        assert.deepEqual(body.thinking, thinking);
        assert.equal(body.reasoning_effort, undefined);
      },
      check: assertHelloCompletion,
    })
  ),
  oa({
    name: "temperature is not sent with thinking (Anthropic refuses it)",
    request: { reasoning_effort: "low", temperature: 0.2, messages: USER_HI },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => {
      assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 1024 });
      assert.equal(body.temperature, undefined);
    },
    check: (result) => {
      assertHelloCompletion(result);
      assert.match(warnings(result), /temperature/);
    },
  }),
];

const openAIToAnthropicEnding: Case[] = [
  ...([
    ["end_turn", "stop"],
    ["stop_sequence", "stop"],
    ["pause_turn", "stop"],
    ["max_tokens", "length"],
    ["refusal", "content_filter"],
  ] as const).map(([stop, finish]) =>
    oa({
      name: `stop_reason ${stop} → finish_reason ${finish}`,
      request: { messages: USER_HI },
      answer: { json: anthropicMessage([{ type: "text", text: "Hello." }], stop) },
      check: (result) => {
        const body = assertOkJson(result);
        assert.equal(body.choices[0].message.content, "Hello.");
        assert.equal(body.choices[0].finish_reason, finish);
      },
    })
  ),
  oa({
    name: "a streamed max_tokens stop → length, with usage when asked",
    request: { stream: true, stream_options: { include_usage: true }, messages: USER_HI },
    answer: { sse: anthropicTextSse("Cut", "max_tokens") },
    check: (result) => {
      const out = readOpenAIStream(result);
      assert.equal(out.content, "Cut");
      assert.equal(out.finish, "length");
      assert.deepEqual(out.usage, {
        prompt_tokens: 3,
        completion_tokens: 2,
        total_tokens: 5,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      });
    },
  }),
  oa({
    name: "an empty text block from Anthropic leaves content null beside tool_calls",
    request: { tools: OPENAI_TOOLS, messages: USER_HI },
    answer: {
      json: anthropicMessage([
        { type: "text", text: "" },
        { type: "tool_use", id: "toolu_T", name: "get_time", input: {} },
      ], "tool_use"),
    },
    check: (result) => {
      const body = assertOkJson(result);
      assert.deepEqual(body.choices[0].message, {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "toolu_T",
          type: "function",
          function: { name: "get_time", arguments: "{}" },
        }],
      });
      assert.equal(body.choices[0].finish_reason, "tool_calls");
    },
  }),
];

const openAIToAnthropicFields: Case[] = [
  oa({
    name: "no output limit → the cap; max_completion_tokens wins over max_tokens",
    request: { max_completion_tokens: 500, max_tokens: 9000, messages: USER_HI },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => assert.equal(body.max_tokens, 500),
    check: assertHelloCompletion,
  }),
  oa({
    name: "a caller without max_tokens gets the model's cap (Anthropic requires one)",
    request: { messages: USER_HI },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => assert.equal(body.max_tokens, 16000),
    check: assertHelloCompletion,
  }),
  oa({
    name: "max_tokens above the cap is capped",
    request: { max_tokens: 100000, messages: USER_HI },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => assert.equal(body.max_tokens, 16000),
    check: assertHelloCompletion,
  }),
  oa({
    name: "temperature over Anthropic's range is clamped; stop string → stop_sequences",
    request: { temperature: 1.5, stop: "END", seed: 7, messages: USER_HI },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => {
      assert.equal(body.temperature, 1);
      assert.deepEqual(body.stop_sequences, ["END"]);
      assert.equal(body.seed, undefined);
      assert.equal(body.stop, undefined);
    },
    check: (result) => {
      assertHelloCompletion(result);
      assert.match(warnings(result), /temperature 1\.5 clamped to 1/);
      assert.match(warnings(result), /seed/);
    },
  }),
  oa({
    name: "top_p and a stop list carry over",
    request: { top_p: 0.8, stop: ["a", "b"], messages: USER_HI },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => {
      assert.equal(body.top_p, 0.8);
      assert.deepEqual(body.stop_sequences, ["a", "b"]);
    },
    check: assertHelloCompletion,
  }),
  oa({
    name: "user → metadata.user_id",
    request: { user: "user-42", messages: USER_HI },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => assert.deepEqual(body.metadata, { user_id: "user-42" }),
    check: assertHelloCompletion,
  }),
  oa({
    name: "response_format json_schema → output_config.format",
    request: {
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "title",
          strict: true,
          schema: { type: "object", properties: { title: { type: "string" } } },
        },
      },
      messages: USER_HI,
    },
    answer: { json: anthropicMessage([{ type: "text", text: '{"title":"Hi"}' }]) },
    checkUpstream: (body) => {
      assert.deepEqual(body.output_config, {
        format: {
          type: "json_schema",
          schema: { type: "object", properties: { title: { type: "string" } } },
        },
      });
    },
    check: (result) => {
      assert.equal(assertOkJson(result).choices[0].message.content, '{"title":"Hi"}');
    },
  }),
  oa({
    name: "response_format json_object has no Anthropic form: dropped with a warning",
    request: { response_format: { type: "json_object" }, messages: USER_HI },
    answer: HELLO_ANSWER,
    checkUpstream: (body) => assert.equal(body.output_config, undefined),
    check: (result) => {
      assertHelloCompletion(result);
      assert.match(warnings(result), /json_object/);
    },
  }),
  oa({
    name: "n > 1 cannot be honoured: a 400 in OpenAI's envelope",
    request: { n: 2, messages: USER_HI },
    answer: HELLO_ANSWER,
    check: (result) => {
      assert.equal(result.status, 400);
      assert.equal(result.json.error.type, "invalid_request_error");
      assert.match(result.json.error.message, /"n"/);
    },
  }),
];

const openAIToAnthropicErrors: Case[] = [
  oa({
    name: "upstream 429 with Retry-After → OpenAI rate_limit_error 429, Retry-After kept",
    request: { messages: USER_HI },
    answer: {
      status: 429,
      headers: { "retry-after": "30" },
      json: { type: "error", error: { type: "rate_limit_error", message: "Slow down" } },
    },
    check: (result) => {
      assert.equal(result.status, 429);
      assert.equal(result.headers.get("retry-after"), "30");
      assert.deepEqual(result.json, {
        error: { message: "Slow down", type: "rate_limit_error", param: null, code: null },
      });
    },
  }),
  oa({
    name: "upstream 529 overloaded → server_error 529 (streaming caller, before a byte)",
    request: { stream: true, messages: USER_HI },
    answer: {
      status: 529,
      json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    },
    check: (result) => {
      assert.equal(result.status, 529);
      assert.deepEqual(result.json, {
        error: { message: "Overloaded", type: "server_error", param: null, code: null },
      });
    },
  }),
  oa({
    name: "upstream 400 → invalid_request_error 400",
    request: { messages: USER_HI },
    answer: {
      status: 400,
      json: {
        type: "error",
        error: {
          type: "invalid_request_error",
          message: "messages: text content blocks must be non-empty",
        },
      },
    },
    check: (result) => {
      assert.equal(result.status, 400);
      assert.equal(result.json.error.type, "invalid_request_error");
      assert.equal(result.json.error.message, "messages: text content blocks must be non-empty");
    },
  }),
  oa({
    name: "an error event mid-stream → a data: {error} line, no finish and no [DONE]",
    request: { stream: true, messages: USER_HI },
    answer: { sse: fixture("streams/anthropic_error_midstream.sse"), chunkSize: 40 },
    check: (result) => {
      const out = readOpenAIStream(result);
      assert.equal(out.content, "The decoder now keeps every entry of `tool_calls`. Running");
      assert.equal(out.finish, undefined);
      assert.equal(out.done, false);
      assert.deepEqual(out.error, {
        message: "Overloaded",
        type: "server_error",
        param: null,
        code: null,
      });
    },
  }),
  oa({
    name: "an Anthropic stream that stops without message_stop is an error, not a finish",
    request: { stream: true, messages: USER_HI },
    answer: {
      sse: anthropicSse([
        { type: "message_start", message: anthropicMessage([], "", { input_tokens: 3 }) },
        { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Par" } },
      ]),
    },
    check: (result) => {
      const out = readOpenAIStream(result);
      assert.equal(out.content, "Par");
      assert.equal(out.finish, undefined);
      assert.equal(out.done, false);
      assert.equal(out.error?.type, "server_error");
    },
  }),
  oa({
    name: "can_stream: false — a streaming caller still gets chunks, finish, usage and [DONE]",
    request: {
      stream: true,
      stream_options: { include_usage: true },
      tools: OPENAI_TOOLS,
      messages: USER_HI,
    },
    model: { can_stream: false },
    answer: {
      json: anthropicMessage(
        [
          { type: "thinking", thinking: "Time.", signature: "sig" },
          { type: "text", text: "One moment." },
          { type: "tool_use", id: "toolu_N", name: "get_time", input: { tz: "UTC" } },
        ],
        "tool_use",
        { input_tokens: 11, output_tokens: 22 },
      ),
    },
    checkUpstream: (body) => assert.equal(body.stream, false),
    check: (result) => {
      const out = readOpenAIStream(result);
      assert.equal(out.reasoning, "Time.");
      assert.equal(out.content, "One moment.");
      assert.deepEqual(out.calls, [{ id: "toolu_N", name: "get_time", arguments: '{"tz":"UTC"}' }]);
      assert.equal(out.finish, "tool_calls");
      assert.equal(out.usage.prompt_tokens, 11);
      assert.equal(out.usage.completion_tokens, 22);
      assert.equal(out.done, true);
    },
  }),
];

// ---------------------------------------------------------------------------------------------
// Anthropic caller → Anthropic upstream: the signature rule also holds in pass-through
// ---------------------------------------------------------------------------------------------

const signatureRule: Case[] = [{
  name: "an Anthropic upstream never receives a proxy- or gemini-signed thinking block",
  caller: "anthropic",
  upstream: "anthropic",
  request: {
    max_tokens: 2000,
    messages: [
      { role: "user", content: "Hi" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "From DeepSeek.", signature: "proxy:v1" },
          { type: "thinking", thinking: "From Gemini.", signature: "gemini:c2ln" },
          { type: "thinking", thinking: "From Claude.", signature: "EqQBCkYIBxgC" },
          { type: "text", text: "Hello." },
        ],
      },
      { role: "user", content: "Again" },
    ],
  },
  answer: HELLO_ANSWER,
  checkUpstream: (body) => {
    assert.deepEqual(body.messages[1].content, [
      { type: "thinking", thinking: "From Claude.", signature: "EqQBCkYIBxgC" },
      { type: "text", text: "Hello." },
    ]);
  },
  check: (result) => assert.equal(result.status, 200),
}, {
  name:
    "a session switched to Claude mid tool loop: foreign thinking, its blank text and thinking go",
  caller: "anthropic",
  upstream: "anthropic",
  request: {
    max_tokens: 4000,
    thinking: { type: "enabled", budget_tokens: 2000 },
    messages: [
      { role: "user", content: "List the files" },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Use LS.", signature: "proxy:v1" },
          { type: "text", text: "\n\n" },
          { type: "tool_use", id: "toolu_1", name: "LS", input: { path: "." } },
        ],
      },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "a.txt" }],
      },
    ],
  },
  answer: HELLO_ANSWER,
  checkUpstream: (body) => {
    assert.deepEqual(body.messages[1].content, [
      { type: "tool_use", id: "toolu_1", name: "LS", input: { path: "." } },
    ]);
    assert.equal(body.thinking, undefined, "Anthropic refuses thinking on an unsigned tool turn");
    assert.equal(body.max_tokens, 4000);
  },
  check: (result) => assert.equal(result.status, 200),
}, {
  name: "an OpenAI caller's echoed reasoning_content never reaches Anthropic as thinking",
  caller: "openai",
  upstream: "anthropic",
  request: {
    reasoning_effort: "low",
    messages: [
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello.", reasoning_content: "Greeting back." },
      { role: "user", content: "Again" },
    ],
  },
  answer: HELLO_ANSWER,
  checkUpstream: (body) => {
    assert.deepEqual(body.messages[1], {
      role: "assistant",
      content: [{ type: "text", text: "Hello." }],
    });
    assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 1024 });
  },
  check: assertHelloCompletion,
}];

Deno.test("conformance: Anthropic caller → OpenAI upstream, messages and content", async (t) => {
  await runCases(t, anthropicToOpenAIMessages);
});

Deno.test("conformance: Anthropic caller → OpenAI upstream, tools", async (t) => {
  await runCases(t, anthropicToOpenAITools);
});

Deno.test("conformance: Anthropic caller → OpenAI upstream, streamed tool calls", async (t) => {
  await runCases(t, anthropicToOpenAIStreams);
});

Deno.test("conformance: Anthropic caller → OpenAI upstream, thinking", async (t) => {
  await runCases(t, anthropicToOpenAIThinking);
});

Deno.test("conformance: Anthropic caller → OpenAI upstream, stop reasons", async (t) => {
  await runCases(t, anthropicToOpenAIEnding);
});

Deno.test("conformance: Anthropic caller → OpenAI upstream, provider quirks", async (t) => {
  await runCases(t, anthropicToOpenAIHardening);
});

Deno.test("conformance: Anthropic caller → OpenAI upstream, other fields", async (t) => {
  await runCases(t, anthropicToOpenAIFields);
});

Deno.test("conformance: Anthropic caller → OpenAI upstream, errors and can_stream", async (t) => {
  await runCases(t, anthropicToOpenAIErrors);
});

Deno.test("conformance: Claude Code's request on an OpenAI-dialect upstream", async (t) => {
  await runCases(t, anthropicToOpenAIClaudeCode);
});

Deno.test("conformance: OpenAI caller → Anthropic upstream, messages and content", async (t) => {
  await runCases(t, openAIToAnthropicMessages);
});

Deno.test("conformance: OpenAI caller → Anthropic upstream, tools", async (t) => {
  await runCases(t, [...openAIToAnthropicTools, ...openAIToAnthropicHardening]);
});

Deno.test("conformance: OpenAI caller → Anthropic upstream, streams", async (t) => {
  await runCases(t, openAIToAnthropicStreams);
});

Deno.test("conformance: OpenAI caller → Anthropic upstream, thinking", async (t) => {
  await runCases(t, openAIToAnthropicThinking);
});

Deno.test("conformance: OpenAI caller → Anthropic upstream, stop reasons", async (t) => {
  await runCases(t, openAIToAnthropicEnding);
});

Deno.test("conformance: OpenAI caller → Anthropic upstream, other fields", async (t) => {
  await runCases(t, openAIToAnthropicFields);
});

Deno.test("conformance: OpenAI caller → Anthropic upstream, errors and can_stream", async (t) => {
  await runCases(t, openAIToAnthropicErrors);
});

Deno.test("conformance: thinking signatures go back only to the dialect that made them", async (t) => {
  await runCases(t, signatureRule);
});
