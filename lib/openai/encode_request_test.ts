import assert from "node:assert/strict";
import type { UpstreamTarget } from "../ir/codec.ts";
import { fitIdentifier } from "../ir/ids.ts";
import type { Request } from "../ir/types.ts";
import { encodeRequest } from "./encode_request.ts";

const TARGET: UpstreamTarget = { modelName: "deepseek-chat", maxTokens: 8192, stream: true };

function request(overrides: Partial<Request>): Request {
  return {
    model: "claude-sonnet",
    stream: true,
    system: [],
    messages: [],
    tools: [],
    ...overrides,
  };
}

const LONG_NAME = "mcp__claude_in_chrome_extension_server__browser_navigate_to_url_and_wait";
const LONG_ID = "toolu_01ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdef";

Deno.test("encodeRequest() turns a Claude Code turn into DeepSeek messages", () => {
  const { value, warnings } = encodeRequest(
    request({
      system: [
        { type: "text", text: "x-anthropic-billing-header: cc_version=2" },
        { type: "text", text: "You are Claude Code.", cacheControl: { type: "ephemeral" } },
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "fix the bug" }] },
        {
          role: "system",
          content: [{ type: "text", text: "<system-reminder>todo</system-reminder>" }],
        },
        {
          role: "assistant",
          content: [
            { type: "thinking", text: "Look first.", signature: { origin: "proxy", value: "" } },
            { type: "thinking", text: "Then act.", signature: { origin: "anthropic", value: "s" } },
            { type: "text", text: "Reading." },
            { type: "tool_call", id: LONG_ID, name: LONG_NAME, input: { url: "a" } },
            { type: "tool_call", id: "toolu_2", name: "Read", input: { path: "b" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "also check tests" },
            {
              type: "tool_result",
              toolCallId: LONG_ID,
              content: [{ type: "text", text: "loaded" }],
              isError: false,
            },
            {
              type: "tool_result",
              toolCallId: "toolu_2",
              content: [
                { type: "text", text: "no such file" },
                { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAA" } },
              ],
              isError: true,
            },
          ],
        },
      ],
      tools: [
        { name: "Read", description: "Reads", inputSchema: { type: "object" } },
        { name: LONG_NAME, inputSchema: { type: "object", properties: {} } },
      ],
      serverTools: [
        { type: "web_search_20250305", name: "web_search" },
        { type: "web_fetch_20250910", name: "web_fetch" },
      ],
      webSearch: {},
      toolChoice: { type: "auto" },
      maxTokens: 32000,
      temperature: 1,
      topK: 40,
      thinking: { mode: "enabled", budgetTokens: 31999 },
      user: '{"device_id":"abc","session_id":"s-1"}',
    }),
    TARGET,
  );
  const shortName = fitIdentifier(LONG_NAME, 64);
  const shortId = fitIdentifier(LONG_ID, 40);
  assert.equal(shortName.length, 64);
  assert.equal(shortId.length, 40);
  assert.deepEqual(value.body, {
    model: "deepseek-chat",
    messages: [
      {
        role: "system",
        content: "x-anthropic-billing-header: cc_version=2\n\nYou are Claude Code.",
      },
      { role: "user", content: "fix the bug" },
      { role: "system", content: "<system-reminder>todo</system-reminder>" },
      {
        role: "assistant",
        content: "Reading.",
        reasoning_content: "Look first.\n\nThen act.",
        tool_calls: [
          {
            id: shortId,
            type: "function",
            function: { name: shortName, arguments: '{"url":"a"}' },
          },
          {
            id: "toolu_2",
            type: "function",
            function: { name: "Read", arguments: '{"path":"b"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: shortId, content: "loaded" },
      { role: "tool", tool_call_id: "toolu_2", content: "Error: no such file" },
      {
        role: "user",
        content: [
          { type: "image_url", image_url: { url: "data:image/png;base64,AAA" } },
          { type: "text", text: "also check tests" },
        ],
      },
    ],
    tools: [
      {
        type: "function",
        function: { name: "Read", description: "Reads", parameters: { type: "object" } },
      },
      {
        type: "function",
        function: { name: shortName, parameters: { type: "object", properties: {} } },
      },
    ],
    tool_choice: "auto",
    max_tokens: 8192,
    temperature: 1,
    reasoning_effort: "high",
    user: fitIdentifier('{"device_id":"abc","session_id":"s-1"}', 64),
    stream: true,
    stream_options: { include_usage: true },
  });
  assert.deepEqual(value.toolNames, new Map([[shortName, LONG_NAME]]));
  assert.deepEqual(warnings, [
    `Dropped 1 server tool(s): only Anthropic upstreams run them`,
    "Dropped the web search: OpenAI-dialect upstreams cannot search",
    `Dropped "top_k": OpenAI-dialect upstreams have none`,
  ]);
});

Deno.test("encodeRequest() sends text-only user content as a string and files as file parts", () => {
  const { value } = encodeRequest(
    request({
      messages: [{
        role: "user",
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      }, {
        role: "user",
        content: [
          {
            type: "document",
            source: { kind: "base64", mediaType: "application/pdf", data: "JVB" },
            filename: "r.pdf",
          },
          { type: "document", source: { kind: "base64", mediaType: "text/plain", data: "aGk=" } },
          { type: "image", source: { kind: "url", url: "https://x.test/i.png" } },
        ],
      }],
    }),
    { ...TARGET, stream: false },
  );
  assert.deepEqual(value.body.messages, [
    { role: "user", content: "a\n\nb" },
    {
      role: "user",
      content: [
        { type: "file", file: { filename: "r.pdf", file_data: "data:application/pdf;base64,JVB" } },
        { type: "text", text: "hi" },
        { type: "image_url", image_url: { url: "https://x.test/i.png" } },
      ],
    },
  ]);
  assert.equal(value.body.stream, undefined);
});

Deno.test("encodeRequest() answers a tool call the history left unanswered", () => {
  const { value, warnings } = encodeRequest(
    request({
      messages: [
        { role: "user", content: [{ type: "text", text: "go" }] },
        { role: "assistant", content: [{ type: "tool_call", id: "c1", name: "f", input: {} }] },
        { role: "user", content: [{ type: "text", text: "never mind" }] },
      ],
    }),
    TARGET,
  );
  assert.deepEqual((value.body.messages as unknown[]).slice(1), [
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
    },
    { role: "tool", tool_call_id: "c1", content: "(no result: the call was not answered)" },
    { role: "user", content: "never mind" },
  ]);
  assert.deepEqual(warnings, ["Added a placeholder result for 1 unanswered tool call(s)"]);
});

Deno.test("encodeRequest() maps thinking to reasoning_effort, a fixed effort winning", () => {
  const effort = (thinking: Request["thinking"], fixed?: UpstreamTarget["reasoningEffort"]) =>
    encodeRequest(request({ thinking }), { ...TARGET, reasoningEffort: fixed }).value.body
      .reasoning_effort;
  assert.equal(effort({ mode: "enabled", budgetTokens: 1024 }), "low");
  assert.equal(effort({ mode: "enabled", budgetTokens: 8192 }), "medium");
  assert.equal(effort({ mode: "enabled", budgetTokens: 8193 }), "high");
  assert.equal(effort({ mode: "enabled", effort: "minimal" }), "minimal");
  assert.equal(effort({ mode: "adaptive", effort: "medium" }), "medium");
  assert.equal(effort({ mode: "adaptive" }), undefined);
  assert.equal(effort({ mode: "adaptive", effort: "max" }), "high", "OpenAI's scale ends at high");
  assert.equal(effort({ mode: "enabled", effort: "xhigh" }), "high");
  assert.equal(effort({ mode: "disabled" }), undefined);
  assert.equal(effort(undefined), undefined);
  assert.equal(effort({ mode: "enabled", budgetTokens: 31999 }, "low"), "low");
  assert.equal(effort(undefined, "minimal"), "minimal");
});

Deno.test("encodeRequest() clamps temperature, keeps caps, and sends tool options only with tools", () => {
  const { value, warnings } = encodeRequest(
    request({
      temperature: 3,
      maxTokens: 100,
      toolChoice: { type: "any" },
      parallelToolCalls: false,
      stopSequences: ["\n\nHuman:"],
      seed: 1,
      topP: 0.5,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      responseFormat: { type: "json_schema", schema: { type: "object" } },
    }),
    { ...TARGET, stream: false, temperature: 0.2 },
  );
  assert.deepEqual(value.body, {
    model: "deepseek-chat",
    messages: [],
    max_tokens: 100,
    temperature: 2,
    top_p: 0.5,
    stop: ["\n\nHuman:"],
    seed: 1,
    presence_penalty: 0.1,
    frequency_penalty: 0.2,
    response_format: {
      type: "json_schema",
      json_schema: { name: "response", schema: { type: "object" } },
    },
  });
  assert.deepEqual(warnings, [`Clamped "temperature" 3 to 2`]);
  const withTools = encodeRequest(
    request({
      tools: [{ name: "f", inputSchema: {} }],
      toolChoice: { type: "tool", name: "f" },
      parallelToolCalls: false,
    }),
    { ...TARGET, temperature: 0.2 },
  ).value.body;
  assert.deepEqual(withTools.tool_choice, { type: "function", function: { name: "f" } });
  assert.equal(withTools.parallel_tool_calls, false);
  assert.equal(withTools.temperature, 0.2);
});

Deno.test("encodeRequest() drops redacted thinking with a warning and passes Gemini signatures on", () => {
  const { value, warnings } = encodeRequest(
    request({
      messages: [{
        role: "assistant",
        content: [
          { type: "redacted_thinking", data: "xx" },
          {
            type: "tool_call",
            id: "c",
            name: "f",
            input: {},
            signature: { origin: "gemini", value: "gs" },
          },
        ],
      }],
    }),
    TARGET,
  );
  assert.deepEqual(value.body.messages, [{
    role: "assistant",
    content: null,
    tool_calls: [{
      id: "c",
      type: "function",
      function: { name: "f", arguments: "{}" },
    }],
  }]);
  assert.deepEqual(warnings, [
    "Dropped a redacted thinking block: OpenAI-dialect upstreams cannot read it",
  ]);
});

Deno.test("encodeRequest() sends a Gemini signature only to a Gemini model, never inside ids", () => {
  const signedId = "read_file_1763990000000_0__gsig_c2lnbmF0dXJlLXZhbHVl";
  const conversation = request({
    messages: [
      {
        role: "assistant",
        content: [{
          type: "tool_call",
          id: signedId,
          name: "f",
          input: {},
          signature: { origin: "gemini", value: "gs" },
        }],
      },
      {
        role: "user",
        content: [{ type: "tool_result", toolCallId: signedId, content: [], isError: false }],
      },
    ],
  });
  const toGpt = encodeRequest(conversation, TARGET).value.body.messages as any[];
  const toGemini = encodeRequest(conversation, { ...TARGET, modelName: "gemini-2.5-flash" })
    .value.body.messages as any[];
  assert.equal(toGpt[0].tool_calls[0].id, "read_file_1763990000000_0");
  assert.equal(toGpt[1].tool_call_id, "read_file_1763990000000_0");
  assert.equal(toGpt[0].tool_calls[0].extra_content, undefined);
  assert.deepEqual(toGemini[0].tool_calls[0].extra_content, {
    google: { thought_signature: "gs" },
  });
});

Deno.test("encodeRequest() gives image-only and empty tool results a readable text", () => {
  const { value } = encodeRequest(
    request({
      messages: [
        {
          role: "assistant",
          content: [
            { type: "tool_call", id: "s", name: "screenshot", input: {} },
            { type: "tool_call", id: "t", name: "touch", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              toolCallId: "s",
              content: [{ type: "image", source: { kind: "url", url: "https://x.test/s.png" } }],
              isError: false,
            },
            { type: "tool_result", toolCallId: "t", content: [], isError: false },
          ],
        },
      ],
    }),
    TARGET,
  );
  assert.deepEqual((value.body.messages as unknown[]).slice(1), [
    {
      role: "tool",
      tool_call_id: "s",
      content: "(the result's attachments follow in the next message)",
    },
    { role: "tool", tool_call_id: "t", content: "(no output)" },
    { role: "user", content: [{ type: "image_url", image_url: { url: "https://x.test/s.png" } }] },
  ]);
});

Deno.test("encodeRequest() sends max_completion_tokens to OpenAI's reasoning models only", () => {
  const request = {
    model: "m",
    stream: false,
    system: [],
    messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "hi" }] }],
    tools: [],
    maxTokens: 500,
  };
  const target = { maxTokens: 8192, stream: false };
  for (const modelName of ["o3", "o4-mini", "gpt-5", "openai/gpt-5-mini"]) {
    const body = encodeRequest(request, { ...target, modelName }).value.body;
    assert.equal(body.max_completion_tokens, 500, modelName);
    assert.equal(body.max_tokens, undefined, modelName);
  }
  for (const modelName of ["deepseek-chat", "gpt-4.1", "qwen3-coder-plus"]) {
    const body = encodeRequest(request, { ...target, modelName }).value.body;
    assert.equal(body.max_tokens, 500, modelName);
    assert.equal(body.max_completion_tokens, undefined, modelName);
  }
});

Deno.test("encodeRequest() sends a search in the history as assistant text", () => {
  const { value, warnings } = encodeRequest(
    request({
      messages: [
        { role: "user", content: [{ type: "text", text: "News?" }] },
        {
          role: "assistant",
          content: [
            { type: "web_search_call", id: "srvtoolu_1", query: "news" },
            {
              type: "web_search_result",
              callId: "srvtoolu_1",
              sources: [{ url: "https://n.example", title: "N", encryptedContent: "Eq" }],
            },
            { type: "text", text: "Here is the news." },
          ],
        },
      ],
    }),
    TARGET,
  );
  assert.deepEqual((value.body.messages as unknown[])[1], {
    role: "assistant",
    content: 'Searched the web for "news".\n\nWeb search results:\n- N: https://n.example\n\n' +
      "Here is the news.",
  });
  assert.deepEqual(warnings, []);
});
