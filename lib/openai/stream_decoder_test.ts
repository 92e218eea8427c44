import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import type { DecodeContext } from "../ir/codec.ts";
import type { StreamEvent } from "../ir/types.ts";
import { decodeSse } from "../ir/_sse_decode_harness.ts";
import { createStreamDecoder } from "./stream_decoder.ts";

const SHORT = "mcp__chrome__navigate_0123456789abcdef";
const LONG = "mcp__claude_in_chrome__navigate_to_a_page_and_wait_for_it_to_load";
const CONTEXT: DecodeContext = {
  toolNames: new Map([[SHORT, LONG]]),
  newId: (prefix) => `${prefix}_new`,
};

/** Runs recorded SSE text through the parser, the decoder and a real Assembler. */
function run(sse: string): StreamEvent[] {
  return decodeSse(createStreamDecoder, sse, {
    id: "msg_fallback",
    model: "claude-x",
    newCallId: () => "toolu_new",
    context: CONTEXT,
  });
}

/** One `data:` line per object; `choices` holds the delta and finish reason of choice 0. */
function sse(...chunks: Array<Record<string, unknown> | string>): string {
  return chunks.map((c) =>
    typeof c === "string"
      ? `data: ${c}\n\n`
      : `data: ${
        JSON.stringify({ id: "ds-1", object: "chat.completion.chunk", model: "deepseek", ...c })
      }\n\n`
  ).join("");
}

function delta(d: Record<string, unknown>, finish: string | null = null) {
  return { choices: [{ index: 0, delta: d, finish_reason: finish }] };
}

const ZERO = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

Deno.test("createStreamDecoder() turns a DeepSeek reasoning + tool stream into blocks", () => {
  const events = run(sse(
    delta({ role: "assistant", content: null, reasoning_content: "" }),
    delta({ content: null, reasoning_content: "Need " }),
    delta({ content: null, reasoning_content: "a tool." }),
    delta({ content: "Checking.", reasoning_content: null }),
    delta({
      tool_calls: [{
        index: 0,
        id: "call_a",
        type: "function",
        function: { name: SHORT, arguments: "" },
      }],
    }),
    delta({ tool_calls: [{ index: 0, function: { arguments: '{"ur' } }] }),
    delta({ tool_calls: [{ index: 0, function: { arguments: 'l": "a"}' } }] }),
    delta({}, "tool_calls"),
    {
      choices: [],
      usage: {
        prompt_tokens: 50,
        completion_tokens: 30,
        total_tokens: 80,
        prompt_tokens_details: { cached_tokens: 20 },
        prompt_cache_hit_tokens: 20,
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    },
    "[DONE]",
  ));
  assert.deepEqual(events, [
    { type: "message_start", id: "ds-1", model: "claude-x", usage: ZERO },
    { type: "block_start", index: 0, block: { type: "thinking" } },
    { type: "block_delta", index: 0, delta: { type: "thinking", text: "Need " } },
    { type: "block_delta", index: 0, delta: { type: "thinking", text: "a tool." } },
    {
      type: "block_delta",
      index: 0,
      delta: { type: "signature", signature: { origin: "proxy", value: "" } },
    },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "text" } },
    { type: "block_delta", index: 1, delta: { type: "text", text: "Checking." } },
    { type: "block_stop", index: 1 },
    { type: "block_start", index: 2, block: { type: "tool_call", id: "call_a", name: LONG } },
    { type: "block_delta", index: 2, delta: { type: "tool_args", json: '{"ur' } },
    { type: "block_delta", index: 2, delta: { type: "tool_args", json: 'l": "a"}' } },
    { type: "block_stop", index: 2 },
    {
      type: "message_delta",
      stopReason: "tool_use",
      usage: {
        inputTokens: 30,
        outputTokens: 30,
        cacheReadTokens: 20,
        cacheWriteTokens: 0,
        reasoningTokens: 12,
      },
    },
    { type: "message_stop" },
  ]);
});

Deno.test("createStreamDecoder() keeps two interleaved calls apart by index", () => {
  const events = run(sse(
    delta({
      tool_calls: [
        { index: 0, id: "c0", type: "function", function: { name: "f", arguments: '{"x":' } },
        { index: 1, id: "c1", type: "function", function: { name: "g", arguments: '{"y"' } },
      ],
    }),
    delta({
      tool_calls: [
        { index: 1, function: { arguments: ":2}" } },
        { index: 0, function: { arguments: "1}" } },
      ],
    }),
    delta({}, "tool_calls"),
    "[DONE]",
  ));
  assert.deepEqual(events, [
    { type: "message_start", id: "ds-1", model: "claude-x", usage: ZERO },
    { type: "block_start", index: 0, block: { type: "tool_call", id: "c0", name: "f" } },
    { type: "block_delta", index: 0, delta: { type: "tool_args", json: '{"x":' } },
    { type: "block_delta", index: 0, delta: { type: "tool_args", json: "1}" } },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "tool_call", id: "c1", name: "g" } },
    { type: "block_delta", index: 1, delta: { type: "tool_args", json: '{"y":2}' } },
    { type: "block_stop", index: 1 },
    { type: "message_delta", stopReason: "tool_use", usage: ZERO },
    { type: "message_stop" },
  ]);
});

Deno.test("createStreamDecoder() follows calls from a provider that omits index", () => {
  const events = run(sse(
    delta({ tool_calls: [{ id: "a", type: "function", function: { name: "f", arguments: "" } }] }),
    delta({ tool_calls: [{ function: { arguments: '{"q":' } }] }),
    delta({ tool_calls: [{ function: { arguments: "1}" } }] }),
    delta({
      tool_calls: [{
        id: "b",
        function: { name: "g", arguments: "{}" },
        extra_content: { google: { thought_signature: "gs" } },
      }],
    }),
    {
      ...delta({}, "stop"),
      usage: { prompt_tokens: 9, completion_tokens: 4 },
    },
  ));
  assert.deepEqual(events, [
    { type: "message_start", id: "ds-1", model: "claude-x", usage: ZERO },
    { type: "block_start", index: 0, block: { type: "tool_call", id: "a", name: "f" } },
    { type: "block_delta", index: 0, delta: { type: "tool_args", json: '{"q":' } },
    { type: "block_delta", index: 0, delta: { type: "tool_args", json: "1}" } },
    { type: "block_stop", index: 0 },
    {
      type: "block_start",
      index: 1,
      block: {
        type: "tool_call",
        id: "b",
        name: "g",
        signature: { origin: "gemini", value: "gs" },
      },
    },
    { type: "block_delta", index: 1, delta: { type: "tool_args", json: "{}" } },
    { type: "block_stop", index: 1 },
    {
      type: "message_delta",
      stopReason: "tool_use",
      usage: { ...ZERO, inputTokens: 9, outputTokens: 4 },
    },
    { type: "message_stop" },
  ]);
});

Deno.test("createStreamDecoder() separates calls that all arrive as index 0 with new ids", () => {
  const events = run(sse(
    delta({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: '{"n":1}' } }] }),
    delta({ tool_calls: [{ index: 0, id: "b", function: { name: "f", arguments: '{"n":' } }] }),
    delta({ tool_calls: [{ index: 0, function: { arguments: "2}" } }] }),
    delta({}, "tool_calls"),
  ));
  const starts = events.filter((e) => e.type === "block_start");
  assert.deepEqual(starts, [
    { type: "block_start", index: 0, block: { type: "tool_call", id: "a", name: "f" } },
    { type: "block_start", index: 1, block: { type: "tool_call", id: "b", name: "f" } },
  ]);
  const args = events.flatMap((e) =>
    e.type === "block_delta" && e.delta.type === "tool_args" ? [[e.index, e.delta.json]] : []
  );
  assert.deepEqual(args, [[0, '{"n":1}'], [1, '{"n":'], [1, "2}"]]);
});

Deno.test("createStreamDecoder() reads `reasoning` deltas and a refusal", () => {
  const events = run(sse(
    delta({ reasoning: "hmm" }),
    delta({ refusal: "No." }, "stop"),
  ));
  assert.deepEqual(events.slice(1), [
    { type: "block_start", index: 0, block: { type: "thinking" } },
    { type: "block_delta", index: 0, delta: { type: "thinking", text: "hmm" } },
    {
      type: "block_delta",
      index: 0,
      delta: { type: "signature", signature: { origin: "proxy", value: "" } },
    },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "text" } },
    { type: "block_delta", index: 1, delta: { type: "text", text: "No." } },
    { type: "block_stop", index: 1 },
    { type: "message_delta", stopReason: "refusal", usage: ZERO },
    { type: "message_stop" },
  ]);
});

Deno.test("createStreamDecoder() ends the stream with an error chunk's kind and message", () => {
  const events = run(sse(
    delta({ content: "Hi" }),
    {
      error: {
        message: "Rate limit reached",
        type: "rate_limit_error",
        code: "rate_limit_exceeded",
      },
    },
    delta({ content: "ignored" }, "stop"),
  ));
  assert.equal(events.length, 4);
  const last = events[3];
  assert.ok(last.type === "error");
  assert.ok(last.error instanceof ProxyError);
  assert.equal(last.error.kind, "rate_limit");
  assert.equal(last.error.message, "Rate limit reached");
});

Deno.test("createStreamDecoder() fails with a bad gateway on a chunk that is not JSON", () => {
  const events = run(sse(delta({ content: "Hi" }), "{not json"));
  const last = events.at(-1)!;
  assert.ok(last.type === "error");
  assert.equal(last.error.kind, "bad_gateway");
  assert.equal(last.error.message, "Upstream sent a stream event that is not JSON: {not json");
});

Deno.test("createStreamDecoder() keeps a fragment with a fresh id but no name in its call", () => {
  const events = run(sse(
    delta({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: '{"n":' } }] }),
    delta({ tool_calls: [{ index: 0, id: "a-2", function: { arguments: "1}" } }] }),
    delta({}, "tool_calls"),
  ));
  assert.deepEqual(events.slice(1, 5), [
    { type: "block_start", index: 0, block: { type: "tool_call", id: "a", name: "f" } },
    { type: "block_delta", index: 0, delta: { type: "tool_args", json: '{"n":' } },
    { type: "block_delta", index: 0, delta: { type: "tool_args", json: "1}" } },
    { type: "block_stop", index: 0 },
  ]);
  assert.equal(events.length, 7);
});

Deno.test("createStreamDecoder() drops whitespace-only text before a tool call", () => {
  const events = run(sse(
    delta({ role: "assistant", content: "\n" }),
    delta({ content: "\n" }),
    delta({ tool_calls: [{ index: 0, id: "c1", type: "function", function: { name: "f" } }] }),
    delta({ tool_calls: [{ index: 0, function: { arguments: "{}" } }] }),
    delta({ content: " " }),
    delta({}, "tool_calls"),
    "[DONE]",
  ));
  assert.deepEqual(events.slice(1).map((e) => e.type === "block_start" ? e.block.type : e.type), [
    "tool_call",
    "block_delta",
    "block_stop",
    "message_delta",
    "message_stop",
  ]);
});

Deno.test("createStreamDecoder() keeps whitespace that leads real text", () => {
  const events = run(sse(delta({ content: "\n\n" }), delta({ content: "Hi" }), delta({}, "stop")));
  assert.deepEqual(
    events.flatMap((e) =>
      e.type === "block_delta" && e.delta.type === "text" ? [e.delta.text] : []
    ),
    ["\n\nHi"],
  );
});

Deno.test("createStreamDecoder() ends normally at [DONE] when no finish_reason came", () => {
  const events = run(sse(delta({ content: "Hello" }), "[DONE]"));
  const end = events.find((e) => e.type === "message_delta");
  assert.equal(end?.type === "message_delta" && end.stopReason, "end_turn");
  assert.equal(events.at(-1)?.type, "message_stop");
});

Deno.test("createStreamDecoder() still fails a stream cut off before [DONE] and finish_reason", () => {
  const events = run(sse(delta({ content: "Hel" })));
  assert.equal(events.at(-1)?.type, "error");
});

Deno.test("createStreamDecoder() reads finish_reason tool_calls without any call as end_turn", () => {
  const events = run(sse(delta({ content: "ok" }), delta({}, "tool_calls"), "[DONE]"));
  const end = events.find((e) => e.type === "message_delta");
  assert.equal(end?.type === "message_delta" && end.stopReason, "end_turn");
});
