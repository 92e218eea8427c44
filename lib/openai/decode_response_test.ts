import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import type { DecodeContext } from "../ir/codec.ts";
import { decodeResponse } from "./decode_response.ts";

const SHORT = "mcp__server__tool_0123456789abcdef";
const CONTEXT: DecodeContext = {
  toolNames: new Map([[SHORT, "mcp__server__a_very_long_original_tool_name"]]),
  newId: (prefix) => `${prefix}_new`,
};

Deno.test("decodeResponse() reads DeepSeek reasoning, text, tool calls and cached usage", () => {
  const { value, warnings } = decodeResponse({
    id: "abc",
    model: "deepseek-reasoner",
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: "Let me check.",
        reasoning_content: "The user wants a file.",
        tool_calls: [
          { id: "call_0", type: "function", function: { name: SHORT, arguments: '{"a":1}' } },
          { id: "call_1", type: "function", function: { name: "Read", arguments: "" } },
        ],
      },
      finish_reason: "tool_calls",
    }],
    usage: {
      prompt_tokens: 100,
      completion_tokens: 40,
      total_tokens: 140,
      prompt_cache_hit_tokens: 60,
      prompt_cache_miss_tokens: 40,
      completion_tokens_details: { reasoning_tokens: 25 },
    },
  }, CONTEXT);
  assert.deepEqual(value, {
    id: "abc",
    model: "deepseek-reasoner",
    content: [
      {
        type: "thinking",
        text: "The user wants a file.",
        signature: { origin: "proxy", value: "" },
      },
      { type: "text", text: "Let me check." },
      {
        type: "tool_call",
        id: "call_0",
        name: "mcp__server__a_very_long_original_tool_name",
        input: { a: 1 },
      },
      { type: "tool_call", id: "call_1", name: "Read", input: {} },
    ],
    stopReason: "tool_use",
    usage: {
      inputTokens: 40,
      outputTokens: 40,
      cacheReadTokens: 60,
      cacheWriteTokens: 0,
      reasoningTokens: 25,
    },
  });
  assert.deepEqual(warnings, []);
});

Deno.test("decodeResponse() maps finish reasons and reads `reasoning` and prompt_tokens_details", () => {
  const decode = (finish: string | null, message: Record<string, unknown> = { content: "x" }) =>
    decodeResponse({ choices: [{ message, finish_reason: finish }] }, CONTEXT).value;
  assert.equal(decode("stop").stopReason, "end_turn");
  assert.equal(decode("length").stopReason, "max_tokens");
  assert.equal(decode("content_filter").stopReason, "refusal");
  // "tool_calls" / "function_call" with no call in the message is not a tool stop
  assert.equal(decode("tool_calls").stopReason, "end_turn");
  assert.equal(decode("function_call").stopReason, "end_turn");
  assert.equal(decode(null).stopReason, "end_turn");
  const withCall = decode("stop", {
    content: null,
    tool_calls: [{ id: "c", function: { name: "f", arguments: "{}" } }],
  });
  assert.equal(withCall.stopReason, "tool_use");
  const reasoning = decode("stop", { content: "", reasoning: "hmm" });
  assert.deepEqual(reasoning.content, [
    { type: "thinking", text: "hmm", signature: { origin: "proxy", value: "" } },
  ]);
  assert.equal(reasoning.id, "msg_new");
  const usage = decodeResponse({
    choices: [{ message: { content: "x" }, finish_reason: "stop" }],
    usage: { prompt_tokens: 10, completion_tokens: 2, prompt_tokens_details: { cached_tokens: 4 } },
  }, CONTEXT).value.usage;
  assert.deepEqual(usage, {
    inputTokens: 6,
    outputTokens: 2,
    cacheReadTokens: 4,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  });
});

Deno.test("decodeResponse() reads a refusal as text with a refusal stop", () => {
  const { value } = decodeResponse({
    choices: [{
      message: { content: null, refusal: "I can't help with that." },
      finish_reason: "stop",
    }],
  }, CONTEXT);
  assert.deepEqual(value.content, [{ type: "text", text: "I can't help with that." }]);
  assert.equal(value.stopReason, "refusal");
});

Deno.test("decodeResponse() keeps unparsable arguments under _raw_arguments and reads Gemini signatures", () => {
  const { value, warnings } = decodeResponse({
    choices: [{
      message: {
        tool_calls: [
          { id: "c1", function: { name: "f", arguments: '{"a": tru' } },
          {
            function: { name: "g", arguments: { b: 2 } },
            extra_content: { google: { thought_signature: "sig" } },
          },
        ],
      },
      finish_reason: "tool_calls",
    }],
  }, CONTEXT);
  assert.deepEqual(value.content, [
    { type: "tool_call", id: "c1", name: "f", input: { _raw_arguments: '{"a": tru' } },
    {
      type: "tool_call",
      id: "call_new",
      name: "g",
      input: { b: 2 },
      signature: { origin: "gemini", value: "sig" },
    },
  ]);
  assert.deepEqual(warnings, [`Tool call "f" had arguments that are not a JSON object`]);
});

Deno.test("decodeResponse() rejects an answer without choices as a bad gateway", () => {
  assert.throws(() => decodeResponse({ id: "x", choices: [] }, CONTEXT), (e: unknown) => {
    assert.ok(e instanceof ProxyError);
    assert.equal(e.kind, "bad_gateway");
    assert.equal(e.message, "Upstream answer has no choices");
    return true;
  });
  assert.throws(
    () => decodeResponse({ error: { message: "Rate limited", code: 429 } }, CONTEXT),
    (e: unknown) =>
      e instanceof ProxyError && e.kind === "rate_limit" && e.message === "Rate limited",
  );
});

Deno.test("decodeResponse() drops whitespace-only text beside tool calls", () => {
  const { value } = decodeResponse({
    choices: [{
      message: {
        content: "\n\n",
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      finish_reason: "tool_calls",
    }],
  }, CONTEXT);
  assert.deepEqual(value.content, [{ type: "tool_call", id: "c1", name: "f", input: {} }]);
  assert.equal(value.stopReason, "tool_use");
});
