import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import type { StreamEncoderOptions } from "../ir/codec.ts";
import { callIdWithSignature } from "../ir/ids.ts";
import type { Request, StreamEvent } from "../ir/types.ts";
import { createStreamEncoder } from "./stream_encoder.ts";

const REQUEST: Request = {
  model: "gpt-caller",
  stream: true,
  system: [],
  messages: [],
  tools: [],
  includeUsage: true,
};
const OPTIONS: StreamEncoderOptions = {
  newId: (prefix) => `${prefix}new`,
  now: () => 1_700_000_000_900,
};
const USAGE = {
  inputTokens: 10,
  outputTokens: 20,
  cacheReadTokens: 5,
  cacheWriteTokens: 0,
  reasoningTokens: 7,
};

function encodeAll(events: StreamEvent[], request = REQUEST, options = OPTIONS): string {
  const encoder = createStreamEncoder(request, options);
  assert.equal(encoder.contentType, "text/event-stream");
  return events.map((e) => encoder.encode(e)).join("");
}

const HEAD = '"id":"chatcmpl-msg_1","object":"chat.completion.chunk","created":1700000000,' +
  '"model":"gpt-caller"';

function line(delta: string, finish = "null"): string {
  return `data: {${HEAD},"choices":[{"index":0,"delta":${delta},"logprobs":null,` +
    `"finish_reason":${finish}}]}\n\n`;
}

Deno.test("createStreamEncoder() writes chunks for thinking, text, tool calls, finish and usage", () => {
  const signed = callIdWithSignature("call_b", "gs");
  const text = encodeAll([
    { type: "message_start", id: "msg_1", model: "gpt-caller", usage: USAGE },
    { type: "block_start", index: 0, block: { type: "thinking" } },
    { type: "block_delta", index: 0, delta: { type: "thinking", text: "Hmm." } },
    {
      type: "block_delta",
      index: 0,
      delta: { type: "signature", signature: { origin: "anthropic", value: "sig" } },
    },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "text" } },
    { type: "block_delta", index: 1, delta: { type: "text", text: "Hi" } },
    { type: "block_stop", index: 1 },
    { type: "block_start", index: 2, block: { type: "tool_call", id: "call_a", name: "f" } },
    { type: "block_delta", index: 2, delta: { type: "tool_args", json: '{"a":' } },
    { type: "block_delta", index: 2, delta: { type: "tool_args", json: "1}" } },
    { type: "block_stop", index: 2 },
    {
      type: "block_start",
      index: 3,
      block: {
        type: "tool_call",
        id: "call_b",
        name: "g",
        signature: { origin: "gemini", value: "gs" },
      },
    },
    { type: "block_delta", index: 3, delta: { type: "tool_args", json: "{}" } },
    { type: "block_stop", index: 3 },
    { type: "message_delta", stopReason: "tool_use", usage: USAGE },
    { type: "message_stop" },
  ]);
  const expected = line('{"role":"assistant","content":""}') +
    line('{"reasoning_content":"Hmm."}') +
    line('{"content":"Hi"}') +
    line(
      '{"tool_calls":[{"index":0,"id":"call_a","type":"function",' +
        '"function":{"name":"f","arguments":""}}]}',
    ) +
    line('{"tool_calls":[{"index":0,"function":{"arguments":"{\\"a\\":"}}]}') +
    line('{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}') +
    line(
      `{"tool_calls":[{"index":1,"id":"${signed}","type":"function",` +
        '"function":{"name":"g","arguments":""},' +
        '"extra_content":{"google":{"thought_signature":"gs"}}}]}',
    ) +
    line('{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}') +
    line("{}", '"tool_calls"') +
    `data: {${HEAD},"choices":[],"usage":{"prompt_tokens":15,"completion_tokens":20,` +
    '"total_tokens":35,"prompt_tokens_details":{"cached_tokens":5},' +
    '"completion_tokens_details":{"reasoning_tokens":7}}}\n\n' +
    "data: [DONE]\n\n";
  assert.equal(text, expected);
});

Deno.test("createStreamEncoder() sends no usage chunk unless asked", () => {
  const text = encodeAll(
    [
      { type: "message_start", id: "msg_1", model: "gpt-caller", usage: USAGE },
      { type: "message_delta", stopReason: "max_tokens", usage: USAGE },
      { type: "message_stop" },
    ],
    { ...REQUEST, includeUsage: undefined },
  );
  assert.equal(
    text,
    line('{"role":"assistant","content":""}') + line("{}", '"length"') + "data: [DONE]\n\n",
  );
});

Deno.test("createStreamEncoder() ends with one error line and writes nothing after it", () => {
  const encoder = createStreamEncoder(REQUEST, OPTIONS);
  encoder.encode({ type: "message_start", id: "msg_1", model: "gpt-caller", usage: USAGE });
  const error = encoder.encode({
    type: "error",
    error: new ProxyError("overloaded", "Upstream is overloaded"),
  });
  assert.equal(
    error,
    'data: {"error":{"message":"Upstream is overloaded","type":"server_error",' +
      '"param":null,"code":null}}\n\n',
  );
  assert.equal(encoder.encode({ type: "message_stop" }), "");
});

Deno.test("createStreamEncoder() writes nothing for a search's blocks", () => {
  const text = encodeAll([
    { type: "message_start", id: "msg_1", model: "gpt-x", usage: USAGE },
    { type: "block_start", index: 0, block: { type: "web_search_call", id: "s1", query: "q" } },
    { type: "block_stop", index: 0 },
    {
      type: "block_start",
      index: 1,
      block: { type: "web_search_result", callId: "s1", sources: [] },
    },
    { type: "block_stop", index: 1 },
    { type: "block_start", index: 2, block: { type: "text" } },
    { type: "block_delta", index: 2, delta: { type: "text", text: "Answer." } },
    { type: "block_stop", index: 2 },
    { type: "message_delta", stopReason: "end_turn", usage: USAGE },
    { type: "message_stop" },
  ]);
  assert.ok(!text.includes("search"), text);
  assert.ok(text.includes('"content":"Answer."'), text);
});
