import assert from "node:assert/strict";
import type { DecodeContext } from "../ir/codec.ts";
import { decodeResponse } from "./decode_response.ts";

function context(toolNames: Array<[string, string]> = []): DecodeContext {
  let n = 0;
  return { toolNames: new Map(toolNames), newId: (prefix) => `${prefix}gen${++n}` };
}

Deno.test("decodeResponse() reads thinking, text and tool calls with the caller's tool names", () => {
  const body = {
    id: "msg_01",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content: [
      { type: "thinking", thinking: "Need the list", signature: "EqQBsig" },
      { type: "redacted_thinking", data: "EmwK" },
      { type: "text", text: "" },
      { type: "text", text: "Listing." },
      {
        type: "tool_use",
        id: "toolu_01",
        name: "mcp__gh__search_0123456789abcdef",
        input: { q: "x" },
      },
    ],
    stop_reason: "tool_use",
    stop_sequence: null,
    usage: {
      input_tokens: 12,
      output_tokens: 40,
      cache_creation_input_tokens: 100,
      cache_read_input_tokens: 2000,
      output_tokens_details: { thinking_tokens: 25 },
    },
  };
  const { value, warnings } = decodeResponse(
    body,
    context([["mcp__gh__search_0123456789abcdef", "mcp__gh__search_repositories"]]),
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(value, {
    id: "msg_01",
    model: "claude-sonnet-4-5",
    content: [
      {
        type: "thinking",
        text: "Need the list",
        signature: { origin: "anthropic", value: "EqQBsig" },
      },
      { type: "redacted_thinking", data: "EmwK" },
      { type: "text", text: "Listing." },
      {
        type: "tool_call",
        id: "toolu_01",
        name: "mcp__gh__search_repositories",
        input: { q: "x" },
      },
    ],
    stopReason: "tool_use",
    usage: {
      inputTokens: 12,
      outputTokens: 40,
      cacheReadTokens: 2000,
      cacheWriteTokens: 100,
      reasoningTokens: 25,
    },
  });
});

Deno.test("decodeResponse() reads web searches and their count; drops other server blocks", () => {
  const { value, warnings } = decodeResponse({
    content: [
      { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "deno" } },
      {
        type: "web_search_tool_result",
        tool_use_id: "srvtoolu_1",
        content: [{
          type: "web_search_result",
          url: "https://deno.com",
          title: "Deno",
          encrypted_content: "EqcB",
          page_age: null,
        }],
      },
      { type: "server_tool_use", id: "srvtoolu_2", name: "code_execution", input: {} },
      { type: "code_execution_tool_result", tool_use_id: "srvtoolu_2", content: {} },
      { type: "text", text: "Deno 2.9 is out." },
    ],
    stop_reason: "end_turn",
    usage: { input_tokens: 9, output_tokens: 3, server_tool_use: { web_search_requests: 1 } },
  }, context());
  assert.deepEqual(value.content, [
    { type: "web_search_call", id: "srvtoolu_1", query: "deno" },
    {
      type: "web_search_result",
      callId: "srvtoolu_1",
      sources: [{ url: "https://deno.com", title: "Deno", encryptedContent: "EqcB" }],
    },
    { type: "text", text: "Deno 2.9 is out." },
  ]);
  assert.deepEqual(value.usage.serverToolUse, { webSearchRequests: 1 });
  assert.deepEqual(warnings, [
    `Dropped a "server_tool_use" block from Anthropic's answer: the caller cannot show it`,
    `Dropped a "code_execution_tool_result" block from Anthropic's answer: the caller cannot show it`,
  ]);
});

Deno.test("decodeResponse() maps stop reasons and survives a body with nothing in it", () => {
  const stops = [
    "end_turn",
    "max_tokens",
    "stop_sequence",
    "pause_turn",
    "refusal",
    "model_context_window_exceeded",
    null,
  ];
  assert.deepEqual(
    stops.map((s) => decodeResponse({ stop_reason: s }, context()).value.stopReason),
    ["end_turn", "max_tokens", "stop_sequence", "pause_turn", "refusal", "max_tokens", "end_turn"],
  );
  const withSequence = decodeResponse(
    { stop_reason: "stop_sequence", stop_sequence: "END" },
    context(),
  );
  assert.equal(withSequence.value.stopSequence, "END");
  assert.deepEqual(decodeResponse(null, context()).value, {
    id: "msg_gen1",
    model: "",
    content: [],
    stopReason: "end_turn",
    usage: {
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
  });
});

Deno.test("decodeResponse() reads a text block's web citations as citing the whole block", () => {
  const { value } = decodeResponse({
    content: [{
      type: "text",
      text: "Deno 2.9 is out.",
      citations: [
        {
          type: "web_search_result_location",
          url: "https://deno.com",
          title: "Deno",
          cited_text: "Deno 2.9 was released today",
          encrypted_index: "Eo8B",
        },
        { type: "char_location", cited_text: "x", document_index: 0 },
      ],
    }],
    stop_reason: "end_turn",
  }, context());
  assert.deepEqual(value.content, [{
    type: "text",
    text: "Deno 2.9 is out.",
    citations: [{ url: "https://deno.com", title: "Deno", start: 0, end: 16 }],
  }]);
});
