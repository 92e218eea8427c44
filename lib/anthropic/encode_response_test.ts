import assert from "node:assert/strict";
import { callIdWithSignature } from "../ir/ids.ts";
import type { Response } from "../ir/types.ts";
import { decodeRequest } from "./decode_request.ts";
import { encodeResponse } from "./encode_response.ts";

const usage = {
  inputTokens: 10,
  outputTokens: 20,
  cacheReadTokens: 5,
  cacheWriteTokens: 2,
  reasoningTokens: 4,
};

Deno.test("encodeResponse() writes Anthropic's message shape", () => {
  const response: Response = {
    id: "chatcmpl-abc",
    model: "claude-sonnet-4-5",
    content: [
      { type: "thinking", text: "hmm", signature: { origin: "anthropic", value: "EqQB" } },
      { type: "thinking", text: "deepseek thoughts" },
      { type: "redacted_thinking", data: "EmwK" },
      { type: "text", text: "" },
      { type: "text", text: "Done." },
      { type: "tool_call", id: "call_9", name: "Read", input: { file_path: "a.ts" } },
    ],
    stopReason: "tool_use",
    usage,
  };
  assert.deepEqual(encodeResponse(response), {
    id: "msg_chatcmpl-abc",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content: [
      { type: "thinking", thinking: "hmm", signature: "EqQB" },
      { type: "thinking", thinking: "deepseek thoughts", signature: "proxy:v1" },
      { type: "redacted_thinking", data: "EmwK" },
      { type: "text", text: "Done." },
      { type: "tool_use", id: "call_9", name: "Read", input: { file_path: "a.ts" } },
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: {
      input_tokens: 10,
      output_tokens: 20,
      cache_creation_input_tokens: 2,
      cache_read_input_tokens: 5,
    },
  });
});

Deno.test("encodeResponse() writes gemini signatures as gemini: strings and inside call ids", () => {
  const gemini = { origin: "gemini" as const, value: "CiQBsig" };
  const { content, stop_sequence, id } = encodeResponse({
    id: "msg_x",
    model: "m",
    content: [
      { type: "thinking", text: "plan", signature: gemini },
      { type: "tool_call", id: "ls_1", name: "ls", input: {}, signature: gemini },
      {
        type: "tool_call",
        id: callIdWithSignature("ls_2", "CiQBsig"),
        name: "ls",
        input: {},
        signature: gemini,
      },
    ],
    stopReason: "stop_sequence",
    stopSequence: "END",
    usage,
  });
  assert.equal(id, "msg_x");
  assert.equal(stop_sequence, "END");
  assert.deepEqual(content, [
    { type: "thinking", thinking: "plan", signature: "gemini:CiQBsig" },
    { type: "tool_use", id: callIdWithSignature("ls_1", "CiQBsig"), name: "ls", input: {} },
    { type: "tool_use", id: callIdWithSignature("ls_2", "CiQBsig"), name: "ls", input: {} },
  ]);
});

Deno.test("encodeResponse() then decodeRequest() round-trips a signed call and its result", () => {
  const gemini = { origin: "gemini" as const, value: "CiQB/sig+==" };
  const answer = encodeResponse({
    id: "msg_1",
    model: "m",
    content: [{
      type: "tool_call",
      id: "read_1",
      name: "read",
      input: { p: 1 },
      signature: gemini,
    }],
    stopReason: "tool_use",
    usage,
  });
  const callerId = (answer.content[0] as { id: string }).id;
  const { value } = decodeRequest({
    model: "m",
    messages: [
      { role: "user", content: "go" },
      { role: "assistant", content: answer.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: callerId, content: "ok" }] },
    ],
  });
  assert.deepEqual(value.messages[1].content, [
    { type: "tool_call", id: callerId, name: "read", input: { p: 1 }, signature: gemini },
  ]);
  assert.deepEqual(value.messages[2].content, [{
    type: "tool_result",
    toolCallId: callerId,
    name: "read",
    content: [{ type: "text", text: "ok" }],
    isError: false,
  }]);
});

Deno.test("encodeResponse() leaves out whitespace-only text blocks", () => {
  const body = encodeResponse({
    id: "msg_1",
    model: "m",
    content: [
      { type: "text", text: "\n\n" },
      { type: "tool_call", id: "toolu_1", name: "f", input: {} },
    ],
    stopReason: "tool_use",
    usage: {
      inputTokens: 1,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
  });
  assert.deepEqual(body.content, [{ type: "tool_use", id: "toolu_1", name: "f", input: {} }]);
});

Deno.test("encodeResponse() writes a search as Anthropic does, with the searches in its usage", () => {
  const response: Response = {
    id: "msg_s",
    model: "m",
    content: [
      { type: "web_search_call", id: "gs_1", query: "deno 2.9" },
      {
        type: "web_search_result",
        callId: "gs_1",
        sources: [
          { url: "https://deno.com/blog", title: "Deno blog" },
          { url: "https://a.example", title: "A", pageAge: "3 weeks ago", encryptedContent: "Eq1" },
        ],
      },
      { type: "web_search_call", id: "srvtoolu_2", query: "more" },
      { type: "web_search_result", callId: "srvtoolu_2", sources: [], errorCode: "unavailable" },
      { type: "text", text: "Deno 2.9 is out." },
    ],
    stopReason: "end_turn",
    usage: { ...usage, serverToolUse: { webSearchRequests: 2 } },
  };
  const { content, usage: wire } = encodeResponse(response);
  assert.deepEqual(content, [
    {
      type: "server_tool_use",
      id: "srvtoolu_gs_1",
      name: "web_search",
      input: { query: "deno 2.9" },
    },
    {
      type: "web_search_tool_result",
      tool_use_id: "srvtoolu_gs_1",
      content: [
        {
          type: "web_search_result",
          url: "https://deno.com/blog",
          title: "Deno blog",
          encrypted_content: "",
          page_age: null,
        },
        {
          type: "web_search_result",
          url: "https://a.example",
          title: "A",
          encrypted_content: "Eq1",
          page_age: "3 weeks ago",
        },
      ],
    },
    { type: "server_tool_use", id: "srvtoolu_2", name: "web_search", input: { query: "more" } },
    {
      type: "web_search_tool_result",
      tool_use_id: "srvtoolu_2",
      content: { type: "web_search_tool_result_error", error_code: "unavailable" },
    },
    { type: "text", text: "Deno 2.9 is out." },
  ]);
  assert.deepEqual(wire.server_tool_use, { web_search_requests: 2 });
});

Deno.test("encodeResponse() writes search blocks that its own decoder reads back", () => {
  const content: Response["content"] = [
    { type: "web_search_call", id: "srvtoolu_1", query: "q" },
    {
      type: "web_search_result",
      callId: "srvtoolu_1",
      sources: [{ url: "https://u", title: "T" }],
    },
    { type: "text", text: "ok" },
  ];
  const message = encodeResponse({ id: "m", model: "m", content, stopReason: "end_turn", usage });
  const { value } = decodeRequest({
    model: "m",
    messages: [{ role: "assistant", content: message.content }],
  });
  assert.deepEqual(value.messages[0].content, content);
});
