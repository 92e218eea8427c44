import { Stream } from "@anthropic-ai/sdk/core/streaming";
import { MessageStream } from "@anthropic-ai/sdk/lib/MessageStream";
import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import { callIdWithSignature } from "../ir/ids.ts";
import type { StreamEvent, Usage } from "../ir/types.ts";
import { createStreamEncoder } from "./stream_encoder.ts";

const start: Usage = {
  inputTokens: 25,
  outputTokens: 1,
  cacheReadTokens: 100,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};
const end: Usage = { ...start, outputTokens: 42 };

/** A full answer: thinking, text, a signed tool call and a redacted block. */
const EVENTS: StreamEvent[] = [
  { type: "message_start", id: "msg_1", model: "claude-sonnet-4-5", usage: start },
  { type: "block_start", index: 0, block: { type: "thinking" } },
  { type: "block_delta", index: 0, delta: { type: "thinking", text: "Let me" } },
  { type: "block_delta", index: 0, delta: { type: "thinking", text: " look." } },
  {
    type: "block_delta",
    index: 0,
    delta: { type: "signature", signature: { origin: "gemini", value: "CiQB" } },
  },
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { type: "text" } },
  { type: "block_delta", index: 1, delta: { type: "text", text: 'Checking "a".' } },
  { type: "block_stop", index: 1 },
  {
    type: "block_start",
    index: 2,
    block: {
      type: "tool_call",
      id: "ls_1",
      name: "ls",
      signature: { origin: "gemini", value: "CiQB" },
    },
  },
  { type: "block_delta", index: 2, delta: { type: "tool_args", json: '{"dir":' } },
  { type: "block_delta", index: 2, delta: { type: "tool_args", json: '"."}' } },
  { type: "block_stop", index: 2 },
  { type: "block_start", index: 3, block: { type: "redacted_thinking", data: "EmwK" } },
  { type: "block_stop", index: 3 },
  { type: "message_delta", stopReason: "tool_use", usage: end },
  { type: "message_stop" },
];

Deno.test("createStreamEncoder() writes Anthropic's exact SSE for a whole answer", () => {
  const encoder = createStreamEncoder();
  assert.equal(encoder.contentType, "text/event-stream");
  const signedId = callIdWithSignature("ls_1", "CiQB");
  const expected = [
    `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":100}}}\n\n`,
    `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}\n\n`,
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me"}}\n\n`,
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":" look."}}\n\n`,
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"gemini:CiQB"}}\n\n`,
    `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`,
    `event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}\n\n`,
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Checking \\"a\\"."}}\n\n`,
    `event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n`,
    `event: content_block_start\ndata: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"${signedId}","name":"ls","input":{}}}\n\n`,
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\\"dir\\":"}}\n\n`,
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"\\".\\"}"}}\n\n`,
    `event: content_block_stop\ndata: {"type":"content_block_stop","index":2}\n\n`,
    `event: content_block_start\ndata: {"type":"content_block_start","index":3,"content_block":{"type":"redacted_thinking","data":"EmwK"}}\n\n`,
    `event: content_block_stop\ndata: {"type":"content_block_stop","index":3}\n\n`,
    `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":25,"output_tokens":42,"cache_read_input_tokens":100,"cache_creation_input_tokens":0}}\n\n`,
    `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
  ];
  assert.deepEqual(EVENTS.map((e) => encoder.encode(e)), expected);
});

Deno.test("createStreamEncoder() writes stop sequences, proxy signatures and message ids", () => {
  const encoder = createStreamEncoder();
  assert.equal(
    encoder.encode({
      type: "message_delta",
      stopReason: "stop_sequence",
      stopSequence: "END",
      usage: end,
    }),
    `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"input_tokens":25,"output_tokens":42,"cache_read_input_tokens":100,"cache_creation_input_tokens":0}}\n\n`,
  );
  assert.equal(
    encoder.encode({
      type: "block_delta",
      index: 0,
      delta: { type: "signature", signature: { origin: "proxy", value: "" } },
    }),
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"proxy:v1"}}\n\n`,
  );
  assert.match(
    encoder.encode({ type: "message_start", id: "chatcmpl-9", model: "m", usage: start }),
    /"id":"msg_chatcmpl-9"/,
  );
});

Deno.test("createStreamEncoder() writes an error event in Anthropic's envelope", () => {
  const encoder = createStreamEncoder();
  assert.equal(
    encoder.encode({ type: "error", error: new ProxyError("overloaded", "Upstream is busy") }),
    `event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Upstream is busy"}}\n\n`,
  );
});

Deno.test("createStreamEncoder() output is assembled by @anthropic-ai/sdk's MessageStream", async () => {
  const encoder = createStreamEncoder();
  const sse = EVENTS.map((e) => encoder.encode(e)).join("");
  const response = new Response(sse, { headers: { "content-type": "text/event-stream" } });
  const events = Stream.fromSSEResponse(response, new AbortController());
  const message = await MessageStream.fromReadableStream(events.toReadableStream()).finalMessage();
  assert.equal(message.id, "msg_1");
  assert.equal(message.stop_reason, "tool_use");
  assert.equal(message.usage.output_tokens, 42);
  assert.equal(message.usage.cache_read_input_tokens, 100);
  assert.deepEqual(JSON.parse(JSON.stringify(message.content)), [
    { type: "thinking", thinking: "Let me look.", signature: "gemini:CiQB" },
    { type: "text", text: 'Checking "a".' },
    { type: "tool_use", id: callIdWithSignature("ls_1", "CiQB"), name: "ls", input: { dir: "." } },
    { type: "redacted_thinking", data: "EmwK" },
  ]);
});

/** A searched answer: the search, what it found, then the text, with the searches counted. */
const SEARCH: StreamEvent[] = [
  { type: "message_start", id: "msg_s", model: "m", usage: start },
  { type: "block_start", index: 0, block: { type: "web_search_call", id: "gs_1", query: "deno" } },
  { type: "block_stop", index: 0 },
  {
    type: "block_start",
    index: 1,
    block: {
      type: "web_search_result",
      callId: "gs_1",
      sources: [{ url: "https://deno.com", title: "Deno" }],
    },
  },
  { type: "block_stop", index: 1 },
  { type: "block_start", index: 2, block: { type: "text" } },
  { type: "block_delta", index: 2, delta: { type: "text", text: "Deno is a runtime." } },
  { type: "block_stop", index: 2 },
  {
    type: "message_delta",
    stopReason: "end_turn",
    usage: { ...end, serverToolUse: { webSearchRequests: 1 } },
  },
  { type: "message_stop" },
];

Deno.test("createStreamEncoder() streams a search as Anthropic does: query as an input delta", () => {
  const encoder = createStreamEncoder();
  assert.deepEqual(SEARCH.slice(1, 5).map((e) => encoder.encode(e)), [
    `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_gs_1","name":"web_search","input":{}}}\n\n` +
    `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"query\\":\\"deno\\"}"}}\n\n`,
    `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`,
    `event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"web_search_tool_result","tool_use_id":"srvtoolu_gs_1","content":[{"type":"web_search_result","url":"https://deno.com","title":"Deno","encrypted_content":"","page_age":null}]}}\n\n`,
    `event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n`,
  ]);
  assert.equal(
    encoder.encode(SEARCH[8]),
    `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":25,"output_tokens":42,"cache_read_input_tokens":100,"cache_creation_input_tokens":0,"server_tool_use":{"web_search_requests":1}}}\n\n`,
  );
});

Deno.test("createStreamEncoder() search blocks are assembled by @anthropic-ai/sdk's MessageStream", async () => {
  const encoder = createStreamEncoder();
  const sse = SEARCH.map((e) => encoder.encode(e)).join("");
  const response = new Response(sse, { headers: { "content-type": "text/event-stream" } });
  const events = Stream.fromSSEResponse(response, new AbortController());
  const message = await MessageStream.fromReadableStream(events.toReadableStream()).finalMessage();
  assert.deepEqual(JSON.parse(JSON.stringify(message.content)), [
    { type: "server_tool_use", id: "srvtoolu_gs_1", name: "web_search", input: { query: "deno" } },
    {
      type: "web_search_tool_result",
      tool_use_id: "srvtoolu_gs_1",
      content: [{
        type: "web_search_result",
        url: "https://deno.com",
        title: "Deno",
        encrypted_content: "",
        page_age: null,
      }],
    },
    { type: "text", text: "Deno is a runtime." },
  ]);
  assert.deepEqual(message.usage.server_tool_use, { web_search_requests: 1 });
});
