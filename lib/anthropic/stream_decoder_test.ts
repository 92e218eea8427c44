import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import type { StreamEvent } from "../ir/types.ts";
import { decodeSse } from "../ir/_sse_decode_harness.ts";
import { createStreamDecoder } from "./stream_decoder.ts";

/** Feeds raw SSE text through the decoder into an Assembler; returns what it emitted. */
function run(sse: string, toolNames: Array<[string, string]> = []): StreamEvent[] {
  return decodeSse(createStreamDecoder, sse, {
    id: "fallback",
    model: "caller-model",
    newCallId: () => "call_new",
    context: { toolNames: new Map(toolNames), newId: (prefix) => `${prefix}new` },
  });
}

function sse(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

const RECORDED = [
  sse("message_start", {
    message: {
      id: "msg_01",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: 472,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 1200,
        output_tokens: 2,
      },
    },
  }),
  sse("ping", {}),
  sse("content_block_start", {
    index: 0,
    content_block: { type: "thinking", thinking: "", signature: "" },
  }),
  sse("content_block_delta", {
    index: 0,
    delta: { type: "thinking_delta", thinking: "Two cities," },
  }),
  sse("content_block_delta", {
    index: 0,
    delta: { type: "thinking_delta", thinking: " two calls." },
  }),
  sse("content_block_delta", {
    index: 0,
    delta: { type: "signature_delta", signature: "EqQBsig" },
  }),
  sse("content_block_stop", { index: 0 }),
  sse("content_block_start", { index: 1, content_block: { type: "text", text: "" } }),
  sse("content_block_delta", { index: 1, delta: { type: "text_delta", text: "Checking both." } }),
  sse("content_block_stop", { index: 1 }),
  sse("content_block_start", {
    index: 2,
    content_block: { type: "tool_use", id: "toolu_01", name: "get_weather_3f2a", input: {} },
  }),
  sse("content_block_delta", { index: 2, delta: { type: "input_json_delta", partial_json: "" } }),
  sse("content_block_delta", {
    index: 2,
    delta: { type: "input_json_delta", partial_json: '{"city":' },
  }),
  sse("content_block_delta", {
    index: 2,
    delta: { type: "input_json_delta", partial_json: ' "Paris"}' },
  }),
  sse("content_block_stop", { index: 2 }),
  sse("content_block_start", {
    index: 3,
    content_block: { type: "tool_use", id: "toolu_02", name: "get_weather_3f2a", input: {} },
  }),
  sse("content_block_delta", {
    index: 3,
    delta: { type: "input_json_delta", partial_json: '{"ci' },
  }),
  sse("content_block_delta", {
    index: 3,
    delta: { type: "input_json_delta", partial_json: 'ty": "Oslo"}' },
  }),
  sse("content_block_stop", { index: 3 }),
  sse("message_delta", {
    delta: { stop_reason: "tool_use", stop_sequence: null },
    usage: { output_tokens: 89, output_tokens_details: { thinking_tokens: 30 } },
  }),
  sse("message_stop", {}),
].join("");

Deno.test("createStreamDecoder() drives the Assembler through a recorded Anthropic stream", () => {
  const startUsage = {
    inputTokens: 472,
    outputTokens: 2,
    cacheReadTokens: 1200,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
  assert.deepEqual(run(RECORDED, [["get_weather_3f2a", "get_weather"]]), [
    { type: "message_start", id: "msg_01", model: "caller-model", usage: startUsage },
    { type: "block_start", index: 0, block: { type: "thinking" } },
    { type: "block_delta", index: 0, delta: { type: "thinking", text: "Two cities," } },
    { type: "block_delta", index: 0, delta: { type: "thinking", text: " two calls." } },
    {
      type: "block_delta",
      index: 0,
      delta: { type: "signature", signature: { origin: "anthropic", value: "EqQBsig" } },
    },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "text" } },
    { type: "block_delta", index: 1, delta: { type: "text", text: "Checking both." } },
    { type: "block_stop", index: 1 },
    {
      type: "block_start",
      index: 2,
      block: { type: "tool_call", id: "toolu_01", name: "get_weather" },
    },
    { type: "block_delta", index: 2, delta: { type: "tool_args", json: '{"city":' } },
    { type: "block_delta", index: 2, delta: { type: "tool_args", json: ' "Paris"}' } },
    { type: "block_stop", index: 2 },
    {
      type: "block_start",
      index: 3,
      block: { type: "tool_call", id: "toolu_02", name: "get_weather" },
    },
    { type: "block_delta", index: 3, delta: { type: "tool_args", json: '{"ci' } },
    { type: "block_delta", index: 3, delta: { type: "tool_args", json: 'ty": "Oslo"}' } },
    { type: "block_stop", index: 3 },
    {
      type: "message_delta",
      stopReason: "tool_use",
      usage: { ...startUsage, outputTokens: 89, reasoningTokens: 30 },
    },
    { type: "message_stop" },
  ]);
});

Deno.test("createStreamDecoder() passes redacted thinking and web searches, whole once their query is", () => {
  const events = run([
    sse("message_start", {
      message: { id: "msg_2", usage: { input_tokens: 5, output_tokens: 1 } },
    }),
    sse("content_block_start", {
      index: 0,
      content_block: { type: "redacted_thinking", data: "EmwK" },
    }),
    sse("content_block_stop", { index: 0 }),
    sse("content_block_start", {
      index: 1,
      content_block: { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} },
    }),
    sse("content_block_delta", {
      index: 1,
      delta: { type: "input_json_delta", partial_json: '{"query":"deno"}' },
    }),
    sse("content_block_stop", { index: 1 }),
    sse("content_block_start", {
      index: 2,
      content_block: {
        type: "web_search_tool_result",
        tool_use_id: "srvtoolu_1",
        content: [{ type: "web_search_result", url: "https://deno.com", title: "Deno" }],
      },
    }),
    sse("content_block_stop", { index: 2 }),
    sse("content_block_start", {
      index: 4,
      content_block: { type: "server_tool_use", id: "srvtoolu_2", name: "web_fetch", input: {} },
    }),
    sse("content_block_delta", {
      index: 4,
      delta: { type: "input_json_delta", partial_json: '{"url":"https://deno.com"}' },
    }),
    sse("content_block_stop", { index: 4 }),
    sse("content_block_start", { index: 3, content_block: { type: "text", text: "Deno " } }),
    sse("content_block_delta", { index: 3, delta: { type: "text_delta", text: "2.9" } }),
    sse("content_block_delta", { index: 3, delta: { type: "citations_delta", citation: {} } }),
    sse("content_block_stop", { index: 3 }),
    sse("message_delta", {
      delta: { stop_reason: "end_turn" },
      usage: { output_tokens: 7, server_tool_use: { web_search_requests: 1 } },
    }),
    sse("message_stop", {}),
  ].join(""));
  const usage = {
    inputTokens: 5,
    outputTokens: 1,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
  assert.deepEqual(events, [
    { type: "message_start", id: "msg_2", model: "caller-model", usage },
    { type: "block_start", index: 0, block: { type: "redacted_thinking", data: "EmwK" } },
    { type: "block_stop", index: 0 },
    {
      type: "block_start",
      index: 1,
      block: { type: "web_search_call", id: "srvtoolu_1", query: "deno" },
    },
    { type: "block_stop", index: 1 },
    {
      type: "block_start",
      index: 2,
      block: {
        type: "web_search_result",
        callId: "srvtoolu_1",
        sources: [{ url: "https://deno.com", title: "Deno" }],
      },
    },
    { type: "block_stop", index: 2 },
    { type: "block_start", index: 3, block: { type: "text" } },
    { type: "block_delta", index: 3, delta: { type: "text", text: "Deno " } },
    { type: "block_delta", index: 3, delta: { type: "text", text: "2.9" } },
    { type: "block_stop", index: 3 },
    {
      type: "message_delta",
      stopReason: "end_turn",
      usage: { ...usage, outputTokens: 7, serverToolUse: { webSearchRequests: 1 } },
    },
    { type: "message_stop" },
  ]);
});

Deno.test("createStreamDecoder() turns an error event into one error with its kind", () => {
  const events = run([
    sse("message_start", {
      message: { id: "msg_3", usage: { input_tokens: 1, output_tokens: 1 } },
    }),
    sse("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    sse("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Hi" } }),
    sse("error", { error: { type: "overloaded_error", message: "Overloaded" } }),
  ].join(""));
  const error = events.at(-1);
  assert.equal(error?.type, "error");
  const { error: proxyError } = error as { error: ProxyError };
  assert.equal(proxyError.kind, "overloaded");
  assert.equal(proxyError.status, 529);
  assert.equal(proxyError.message, "Overloaded");
  assert.deepEqual(events.map((e) => e.type), [
    "message_start",
    "block_start",
    "block_delta",
    "error",
  ]);
});

Deno.test("createStreamDecoder() fails with bad_gateway on data that is not JSON", () => {
  const events = run(`event: message_start\ndata: {"type":"message_st\n\n`);
  assert.equal(events.length, 1);
  const { error } = events[0] as { error: ProxyError };
  assert.equal(error.kind, "bad_gateway");
  assert.equal(error.status, 502);
});

Deno.test("createStreamDecoder() leaves a stream cut before message_delta to fail", () => {
  const events = run([
    sse("message_start", {
      message: { id: "msg_4", usage: { input_tokens: 1, output_tokens: 1 } },
    }),
    sse("content_block_start", { index: 0, content_block: { type: "text", text: "Hel" } }),
  ].join(""));
  assert.deepEqual(events.map((e) => e.type), [
    "message_start",
    "block_start",
    "block_delta",
    "block_stop",
    "error",
  ]);
});

Deno.test("createStreamDecoder() keeps two thinking blocks apart, each with its signature", () => {
  const events = run([
    sse("message_start", {
      message: { id: "msg_5", usage: { input_tokens: 1, output_tokens: 1 } },
    }),
    sse("content_block_start", {
      index: 0,
      content_block: { type: "thinking", thinking: "", signature: "" },
    }),
    sse("content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: "one" } }),
    sse("content_block_delta", { index: 0, delta: { type: "signature_delta", signature: "sig1" } }),
    sse("content_block_stop", { index: 0 }),
    sse("content_block_start", {
      index: 1,
      content_block: { type: "thinking", thinking: "", signature: "" },
    }),
    sse("content_block_delta", { index: 1, delta: { type: "thinking_delta", thinking: "two" } }),
    sse("content_block_delta", { index: 1, delta: { type: "signature_delta", signature: "sig2" } }),
    sse("content_block_stop", { index: 1 }),
    sse("message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 3 } }),
  ].join(""));
  assert.deepEqual(events.slice(1, 9), [
    { type: "block_start", index: 0, block: { type: "thinking" } },
    { type: "block_delta", index: 0, delta: { type: "thinking", text: "one" } },
    {
      type: "block_delta",
      index: 0,
      delta: { type: "signature", signature: { origin: "anthropic", value: "sig1" } },
    },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "thinking" } },
    { type: "block_delta", index: 1, delta: { type: "thinking", text: "two" } },
    {
      type: "block_delta",
      index: 1,
      delta: { type: "signature", signature: { origin: "anthropic", value: "sig2" } },
    },
    { type: "block_stop", index: 1 },
  ]);
});
