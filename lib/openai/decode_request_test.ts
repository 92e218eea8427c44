import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import { callIdWithSignature } from "../ir/ids.ts";
import { decodeRequest } from "./decode_request.ts";

function decode(body: Record<string, unknown>) {
  return decodeRequest({ model: "gpt-x", ...body }).value;
}

function assert400(body: unknown, message: string) {
  assert.throws(() => decodeRequest(body), (e: unknown) => {
    assert.ok(e instanceof ProxyError);
    assert.equal(e.status, 400);
    assert.equal(e.message, message);
    return true;
  });
}

Deno.test("decodeRequest() puts leading system/developer text in system and keeps later ones in place", () => {
  const request = decode({
    messages: [
      { role: "system", content: "You are terse." },
      { role: "developer", content: [{ type: "text", text: "Use tools." }] },
      { role: "user", content: "hi" },
      { role: "system", content: "Reminder: be nice." },
      { role: "user", content: "again" },
    ],
  });
  assert.deepEqual(request.system, [
    { type: "text", text: "You are terse." },
    { type: "text", text: "Use tools." },
  ]);
  assert.deepEqual(request.messages, [
    { role: "user", content: [{ type: "text", text: "hi" }] },
    { role: "system", content: [{ type: "text", text: "Reminder: be nice." }] },
    { role: "user", content: [{ type: "text", text: "again" }] },
  ]);
});

Deno.test("decodeRequest() reads user images, files and keeps two user messages apart", () => {
  const request = decode({
    messages: [
      { role: "user", content: "Generate a title" },
      {
        role: "user",
        content: [
          { type: "text", text: "Look" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBOR" } },
          { type: "image_url", image_url: { url: "https://x.test/a.jpg", detail: "low" } },
          {
            type: "file",
            file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBER" },
          },
          { type: "text", text: "" },
        ],
      },
    ],
  });
  assert.deepEqual(request.messages, [
    { role: "user", content: [{ type: "text", text: "Generate a title" }] },
    {
      role: "user",
      content: [
        { type: "text", text: "Look" },
        { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBOR" } },
        { type: "image", source: { kind: "url", url: "https://x.test/a.jpg" } },
        {
          type: "document",
          source: { kind: "base64", mediaType: "application/pdf", data: "JVBER" },
          filename: "a.pdf",
        },
      ],
    },
  ]);
});

Deno.test("decodeRequest() reads an opencode tool turn: reasoning first, null content, merged tool results", () => {
  const request = decode({
    messages: [
      { role: "user", content: "list files" },
      {
        role: "assistant",
        content: "",
        reasoning_content: "I should call ls.",
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "ls", arguments: '{"dir":"."}' } },
          { id: "call_2", type: "function", function: { name: "pwd", arguments: "" } },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "a.txt" },
      { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "/home" }] },
      { role: "user", content: "thanks" },
    ],
  });
  assert.deepEqual(request.messages.slice(1), [
    {
      role: "assistant",
      content: [
        { type: "thinking", text: "I should call ls." },
        { type: "tool_call", id: "call_1", name: "ls", input: { dir: "." } },
        { type: "tool_call", id: "call_2", name: "pwd", input: {} },
      ],
    },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          toolCallId: "call_1",
          name: "ls",
          content: [{ type: "text", text: "a.txt" }],
          isError: false,
        },
        {
          type: "tool_result",
          toolCallId: "call_2",
          name: "pwd",
          content: [{ type: "text", text: "/home" }],
          isError: false,
        },
      ],
    },
    { role: "user", content: [{ type: "text", text: "thanks" }] },
  ]);
});

Deno.test("decodeRequest() keeps a signed call id whole and lifts its Gemini signature", () => {
  const id = callIdWithSignature("call_9", "sig/+=");
  const request = decode({
    messages: [
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: null,
        reasoning: "thinking via reasoning",
        tool_calls: [
          { id, type: "function", function: { name: "f", arguments: "{}" } },
          {
            id: "call_10",
            type: "function",
            function: { name: "g", arguments: "{}" },
            extra_content: { google: { thought_signature: "extra-sig" } },
          },
        ],
      },
    ],
  });
  assert.deepEqual(request.messages[1].content, [
    { type: "thinking", text: "thinking via reasoning" },
    {
      type: "tool_call",
      id,
      name: "f",
      input: {},
      signature: { origin: "gemini", value: "sig/+=" },
    },
    {
      type: "tool_call",
      id: "call_10",
      name: "g",
      input: {},
      signature: { origin: "gemini", value: "extra-sig" },
    },
  ]);
});

Deno.test("decodeRequest() maps tools, tool_choice and sampling options", () => {
  const request = decode({
    messages: [{ role: "user", content: "x" }],
    tools: [
      { type: "function", function: { name: "noargs" } },
      {
        type: "function",
        function: { name: "f", description: "d", parameters: { type: "object" }, strict: true },
      },
    ],
    tool_choice: { type: "function", function: { name: "f" } },
    parallel_tool_calls: false,
    max_tokens: 100,
    temperature: 0.5,
    top_p: 0.9,
    stop: "END",
    seed: 7,
    presence_penalty: 0.1,
    frequency_penalty: 0.2,
    user: "u1",
    stream: true,
    stream_options: { include_usage: true },
    response_format: {
      type: "json_schema",
      json_schema: { name: "r", schema: { type: "object" } },
    },
    logit_bias: null,
  });
  assert.deepEqual(request, {
    model: "gpt-x",
    stream: true,
    system: [],
    messages: [{ role: "user", content: [{ type: "text", text: "x" }] }],
    tools: [
      { name: "noargs", inputSchema: { type: "object", properties: {} } },
      { name: "f", description: "d", inputSchema: { type: "object" }, strict: true },
    ],
    toolChoice: { type: "tool", name: "f" },
    parallelToolCalls: false,
    maxTokens: 100,
    temperature: 0.5,
    topP: 0.9,
    stopSequences: ["END"],
    seed: 7,
    presencePenalty: 0.1,
    frequencyPenalty: 0.2,
    responseFormat: { type: "json_schema", name: "r", schema: { type: "object" } },
    user: "u1",
    includeUsage: true,
  });
});

Deno.test("decodeRequest() maps string tool_choice and prefers max_completion_tokens", () => {
  assert.deepEqual(decode({ messages: [], tool_choice: "required" }).toolChoice, { type: "any" });
  assert.deepEqual(decode({ messages: [], tool_choice: "none" }).toolChoice, { type: "none" });
  assert.deepEqual(decode({ messages: [], tool_choice: "auto" }).toolChoice, { type: "auto" });
  assert.equal(decode({ messages: [], max_tokens: 5, max_completion_tokens: 9 }).maxTokens, 9);
  assert.deepEqual(
    decode({ messages: [], response_format: { type: "json_object" } }).responseFormat,
    {
      type: "json_object",
    },
  );
});

Deno.test("decodeRequest() maps reasoning_effort to a thinking setting", () => {
  assert.deepEqual(decode({ messages: [], reasoning_effort: "high" }).thinking, {
    mode: "enabled",
    effort: "high",
  });
  assert.deepEqual(decode({ messages: [], reasoning_effort: "minimal" }).thinking, {
    mode: "enabled",
    effort: "minimal",
  });
  assert.deepEqual(decode({ messages: [], reasoning_effort: "xhigh" }).thinking, {
    mode: "enabled",
    effort: "xhigh",
  });
  assert.deepEqual(decode({ messages: [], reasoning_effort: "none" }).thinking, {
    mode: "disabled",
  });
  assert.equal(decode({ messages: [] }).thinking, undefined);
  assert400(
    { model: "m", messages: [], reasoning_effort: "max" },
    `"reasoning_effort" must be one of none, minimal, low, medium, high, xhigh: got "max"`,
  );
});

Deno.test("decodeRequest() rejects n > 1, which it cannot honour", () => {
  assert400(
    { model: "m", messages: [], n: 2 },
    `"n" must be 1: this proxy returns a single choice`,
  );
  assert.equal(decode({ messages: [], n: 1 }).model, "gpt-x");
});

Deno.test("decodeRequest() names the field of a malformed body", () => {
  assert400([], "Request body must be a JSON object");
  assert400({ model: "m" }, `"messages" must be an array`);
  assert400({ messages: [] }, `"model" is required`);
  assert400(
    { model: "m", messages: [{ role: "user", content: [{ type: "text", text: 3 }] }] },
    `messages[0].content[0]: "text" must be a string`,
  );
  assert400(
    { model: "m", messages: [{ role: "user", content: [{ type: "input_audio" }] }] },
    "messages[0].content[0]: audio input is not supported by this proxy",
  );
  assert400(
    { model: "m", messages: [{ role: "function", name: "f", content: "x" }] },
    `messages[0]: role "function" is not supported; use "tool" messages`,
  );
  assert400({ model: "m", messages: [], temperature: "hot" }, `"temperature" must be a number`);
  assert400(
    { model: "m", messages: [{ role: "tool", content: "x" }] },
    `messages[0]: "tool_call_id" is required`,
  );
  assert400(
    { model: "m", messages: [], tools: [{ type: "custom", custom: {} }] },
    `tools[0]: "type" must be "function": got "custom"`,
  );
});

Deno.test("decodeRequest() keeps a replayed call whose arguments were cut short, raw", () => {
  // A call truncated by max_tokens is replayed by clients on every later turn: refusing it
  // would end the session, so it goes on as {_raw_arguments}.
  const request = decode({
    messages: [{
      role: "assistant",
      tool_calls: [{
        id: "c",
        type: "function",
        function: { name: "f", arguments: '{"command": "ls' },
      }],
    }, { role: "tool", tool_call_id: "c", content: "ok" }],
  });
  assert.deepEqual(request.messages[0].content, [{
    type: "tool_call",
    id: "c",
    name: "f",
    input: { _raw_arguments: '{"command": "ls' },
  }]);
});

Deno.test("decodeRequest() keeps cache_control marks on content parts", () => {
  const request = decode({
    messages: [{
      role: "system",
      content: [{ type: "text", text: "Long prompt", cache_control: { type: "ephemeral" } }],
    }],
  });
  assert.deepEqual(request.system, [
    { type: "text", text: "Long prompt", cacheControl: { type: "ephemeral" } },
  ]);
});

Deno.test("decodeRequest() runs no web search for web_search_options, and says so", () => {
  const { value, warnings } = decodeRequest({
    model: "gpt-x",
    messages: [{ role: "user", content: "news?" }],
    web_search_options: { search_context_size: "low" },
  });
  assert.equal(value.webSearch, undefined);
  assert.deepEqual(warnings, [
    `"web_search_options" is not supported and was ignored: no web search was run`,
  ]);
});
