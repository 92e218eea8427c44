import assert from "node:assert/strict";
import type { StreamEncoderOptions } from "../ir/codec.ts";
import { callIdWithSignature } from "../ir/ids.ts";
import type { Response } from "../ir/types.ts";
import { encodeResponse } from "./encode_response.ts";

const OPTIONS: StreamEncoderOptions = {
  newId: (prefix) => `${prefix}new`,
  now: () => 1_700_000_000_500,
};

const USAGE = {
  inputTokens: 10,
  outputTokens: 20,
  cacheReadTokens: 5,
  cacheWriteTokens: 3,
  reasoningTokens: 7,
};

Deno.test("encodeResponse() puts thinking in reasoning_content, never in content", () => {
  const response: Response = {
    id: "msg_01",
    model: "claude-sonnet",
    content: [
      { type: "thinking", text: "Plan.", signature: { origin: "anthropic", value: "s" } },
      { type: "redacted_thinking", data: "opaque" },
      { type: "text", text: "Hello" },
      { type: "text", text: " world" },
    ],
    stopReason: "end_turn",
    usage: USAGE,
  };
  assert.deepEqual(encodeResponse(response, OPTIONS), {
    id: "chatcmpl-msg_01",
    object: "chat.completion",
    created: 1_700_000_000,
    model: "claude-sonnet",
    choices: [{
      index: 0,
      message: { role: "assistant", content: "Hello world", reasoning_content: "Plan." },
      finish_reason: "stop",
      logprobs: null,
    }],
    usage: {
      prompt_tokens: 18,
      completion_tokens: 20,
      total_tokens: 38,
      prompt_tokens_details: { cached_tokens: 5 },
      completion_tokens_details: { reasoning_tokens: 7 },
    },
  });
});

Deno.test("encodeResponse() carries a Gemini signature in the call id and extra_content", () => {
  const signed = callIdWithSignature("call_b", "s2");
  const response: Response = {
    id: "",
    model: "gemini-3-pro",
    content: [
      {
        type: "tool_call",
        id: "call_a",
        name: "f",
        input: { x: 1 },
        signature: { origin: "gemini", value: "s1" },
      },
      {
        type: "tool_call",
        id: signed,
        name: "g",
        input: {},
        signature: { origin: "gemini", value: "s2" },
      },
      { type: "tool_call", id: "call_c", name: "h", input: {} },
    ],
    stopReason: "tool_use",
    usage: USAGE,
  };
  const body = encodeResponse(response, OPTIONS) as {
    id: string;
    choices: Array<{ message: unknown; finish_reason: string }>;
  };
  assert.equal(body.id, "chatcmpl-new");
  assert.equal(body.choices[0].finish_reason, "tool_calls");
  assert.deepEqual(body.choices[0].message, {
    role: "assistant",
    content: null,
    tool_calls: [
      {
        id: callIdWithSignature("call_a", "s1"),
        type: "function",
        function: { name: "f", arguments: '{"x":1}' },
        extra_content: { google: { thought_signature: "s1" } },
      },
      {
        id: signed,
        type: "function",
        function: { name: "g", arguments: "{}" },
        extra_content: { google: { thought_signature: "s2" } },
      },
      { id: "call_c", type: "function", function: { name: "h", arguments: "{}" } },
    ],
  });
});

Deno.test("encodeResponse() maps every stop reason to its finish_reason", () => {
  const finish = (stopReason: Response["stopReason"]) =>
    (encodeResponse(
      { id: "x", model: "m", content: [], stopReason, usage: USAGE },
      OPTIONS,
    ) as { choices: Array<{ finish_reason: string }> }).choices[0].finish_reason;
  assert.equal(finish("end_turn"), "stop");
  assert.equal(finish("stop_sequence"), "stop");
  assert.equal(finish("pause_turn"), "stop");
  assert.equal(finish("max_tokens"), "length");
  assert.equal(finish("tool_use"), "tool_calls");
  assert.equal(finish("refusal"), "content_filter");
});

Deno.test("encodeResponse() leaves searches out: Chat Completions has no form for them", () => {
  const body = encodeResponse({
    id: "msg_s",
    model: "m",
    content: [
      { type: "web_search_call", id: "s1", query: "q" },
      { type: "web_search_result", callId: "s1", sources: [{ url: "https://u", title: "T" }] },
      { type: "text", text: "Answer." },
    ],
    stopReason: "end_turn",
    usage: USAGE,
  }, OPTIONS) as { choices: Array<{ message: unknown }> };
  assert.deepEqual(body.choices[0].message, { role: "assistant", content: "Answer." });
});
