import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import type { StreamEvent } from "../ir/types.ts";
import { decodeSse } from "../ir/_sse_decode_harness.ts";
import { createStreamDecoder } from "./stream_decoder.ts";

/** Parses `sse` (in two pieces, split mid-line), decodes it and ends the stream. */
function run(sse: string, toolNames = new Map<string, string>()): StreamEvent[] {
  let n = 0;
  return decodeSse(createStreamDecoder, sse, {
    id: "fallback",
    model: "claude-sonnet",
    newCallId: () => "gen",
    context: { toolNames, newId: (prefix) => `${prefix}_${++n}` },
    cut: Math.floor(sse.length / 2),
  });
}

// As recorded from streamGenerateContent?alt=sse (CRLF line ends, one chunk per data line).
const RECORDED = [
  `data: {"candidates": [{"content": {"parts": [{"text": "**Planning**\\n\\nI will list","thought": true}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 120,"totalTokenCount": 120,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 120}]},"modelVersion": "gemini-3-pro-preview","responseId": "abc123"}`,
  `data: {"candidates": [{"content": {"parts": [{"text": " the files.","thought": true,"thoughtSignature": "c2lnLTE="}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 120,"totalTokenCount": 170,"thoughtsTokenCount": 50},"modelVersion": "gemini-3-pro-preview","responseId": "abc123"}`,
  `data: {"candidates": [{"content": {"parts": [{"text": "Listing now."}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 120,"candidatesTokenCount": 3,"totalTokenCount": 173,"thoughtsTokenCount": 50},"modelVersion": "gemini-3-pro-preview","responseId": "abc123"}`,
  `data: {"candidates": [{"content": {"parts": [{"functionCall": {"name": "list_directory","args": {"path": "."}},"thoughtSignature": "c2lnLTI="},{"functionCall": {"name": "rf_1234","args": {"path": "a.txt"}}}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 120,"candidatesTokenCount": 40,"totalTokenCount": 210,"thoughtsTokenCount": 50,"cachedContentTokenCount": 100},"modelVersion": "gemini-3-pro-preview","responseId": "abc123"}`,
].join("\r\n\r\n") + "\r\n\r\n";

Deno.test("createStreamDecoder() turns a recorded Gemini stream into the strict event stream", () => {
  const events = run(RECORDED, new Map([["rf_1234", "read_file_with_a_long_name"]]));
  const zero = { cacheReadTokens: 0, cacheWriteTokens: 0 };
  assert.deepEqual(events, [
    {
      type: "message_start",
      id: "abc123",
      model: "claude-sonnet",
      usage: { inputTokens: 120, outputTokens: 0, ...zero, reasoningTokens: 0 },
    },
    { type: "block_start", index: 0, block: { type: "thinking" } },
    {
      type: "block_delta",
      index: 0,
      delta: { type: "thinking", text: "**Planning**\n\nI will list" },
    },
    { type: "block_delta", index: 0, delta: { type: "thinking", text: " the files." } },
    {
      type: "block_delta",
      index: 0,
      delta: { type: "signature", signature: { origin: "gemini", value: "c2lnLTE=" } },
    },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "text" } },
    { type: "block_delta", index: 1, delta: { type: "text", text: "Listing now." } },
    { type: "block_stop", index: 1 },
    {
      type: "block_start",
      index: 2,
      block: {
        type: "tool_call",
        id: "call_1",
        name: "list_directory",
        signature: { origin: "gemini", value: "c2lnLTI=" },
      },
    },
    { type: "block_delta", index: 2, delta: { type: "tool_args", json: '{"path":"."}' } },
    { type: "block_stop", index: 2 },
    {
      type: "block_start",
      index: 3,
      block: { type: "tool_call", id: "call_2", name: "read_file_with_a_long_name" },
    },
    { type: "block_delta", index: 3, delta: { type: "tool_args", json: '{"path":"a.txt"}' } },
    { type: "block_stop", index: 3 },
    {
      type: "message_delta",
      stopReason: "tool_use",
      usage: {
        inputTokens: 20,
        outputTokens: 90,
        cacheReadTokens: 100,
        cacheWriteTokens: 0,
        reasoningTokens: 50,
      },
    },
    { type: "message_stop" },
  ]);
});

Deno.test("createStreamDecoder() keeps call ids Gemini sent and maps MAX_TOKENS", () => {
  const sse = [
    `data: {"candidates":[{"content":{"parts":[{"functionCall":{"id":"fc-9","name":"f"}}],"role":"model"},"index":0}],"responseId":"r"}`,
    `data: {"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"MAX_TOKENS","index":0}]}`,
  ].join("\n\n") + "\n\n";
  const events = run(sse);
  assert.deepEqual(events.slice(1, 4), [
    { type: "block_start", index: 0, block: { type: "tool_call", id: "fc-9", name: "f" } },
    { type: "block_delta", index: 0, delta: { type: "tool_args", json: "{}" } },
    { type: "block_stop", index: 0 },
  ]);
  assert.equal((events[4] as { stopReason: string }).stopReason, "max_tokens");
});

Deno.test("createStreamDecoder() fails on an error chunk with the upstream's status", () => {
  const sse =
    `data: {"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"index":0}]}\n\n` +
    `data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\n\n`;
  const events = run(sse);
  const last = events.at(-1) as { type: string; error: ProxyError };
  assert.equal(last.type, "error");
  assert.equal(last.error.status, 503);
  assert.equal(last.error.kind, "unavailable");
  assert.equal(last.error.message, "The model is overloaded.");
  assert.ok(!events.some((e) => e.type === "message_stop"));
});

Deno.test("createStreamDecoder() fails with bad_gateway on a chunk that is not JSON", () => {
  const events = run(`data: {"candidates": [\n\n`);
  const last = events.at(-1) as { type: string; error: ProxyError };
  assert.equal(last.type, "error");
  assert.equal(last.error.kind, "bad_gateway");
});

Deno.test("createStreamDecoder() ends a blocked prompt as a refusal", () => {
  const events = run(
    `data: {"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},"responseId":"r1"}\n\n`,
  );
  assert.deepEqual(events.map((e) => e.type), ["message_start", "message_delta", "message_stop"]);
  assert.equal((events[1] as { stopReason: string }).stopReason, "refusal");
});

Deno.test("createStreamDecoder() leaves a stream without finishReason to end as an error", () => {
  const events = run(`data: {"candidates":[{"content":{"parts":[{"text":"Hi"}]}}]}\n\n`);
  assert.equal(events.at(-1)?.type, "error");
});

Deno.test("createStreamDecoder() keeps each signed run of thoughts in a block of its own", () => {
  const sse = [
    `data: {"candidates":[{"content":{"parts":[{"text":"one","thought":true,"thoughtSignature":"s1"}]}}]}`,
    `data: {"candidates":[{"content":{"parts":[{"text":"two","thought":true},{"text":"","thought":true,"thoughtSignature":"s2"}]},"finishReason":"STOP"}]}`,
  ].join("\n\n") + "\n\n";
  const blocks = run(sse).filter((e) => e.type === "block_delta").map((e) => e.delta);
  assert.deepEqual(blocks, [
    { type: "thinking", text: "one" },
    { type: "signature", signature: { origin: "gemini", value: "s1" } },
    { type: "thinking", text: "two" },
    { type: "signature", signature: { origin: "gemini", value: "s2" } },
  ]);
});

const GROUNDING = {
  webSearchQueries: ["deno 2.9 release"],
  groundingChunks: [
    { web: { uri: "https://grounding.example/r/1", title: "deno.com" } },
    { web: { uri: "https://grounding.example/r/2", title: "github.com" } },
  ],
  groundingSupports: [{ segment: { startIndex: 0, endIndex: 10 }, groundingChunkIndices: [0] }],
};

Deno.test("createStreamDecoder() tells a grounding that comes first as searches before the text", () => {
  const sse = [
    `data: ${
      JSON.stringify({
        candidates: [{
          content: { parts: [{ text: "Deno 2.9" }], role: "model" },
          groundingMetadata: GROUNDING,
        }],
      })
    }`,
    `data: {"candidates":[{"content":{"parts":[{"text":" is out."}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5}}`,
  ].join("\n\n") + "\n\n";
  const events = run(sse);
  assert.deepEqual(events.slice(1, -2), [
    {
      type: "block_start",
      index: 0,
      block: { type: "web_search_call", id: "srvtoolu__1", query: "deno 2.9 release" },
    },
    { type: "block_stop", index: 0 },
    {
      type: "block_start",
      index: 1,
      block: {
        type: "web_search_result",
        callId: "srvtoolu__1",
        sources: [
          { url: "https://grounding.example/r/1", title: "deno.com" },
          { url: "https://grounding.example/r/2", title: "github.com" },
        ],
      },
    },
    { type: "block_stop", index: 1 },
    { type: "block_start", index: 2, block: { type: "text" } },
    { type: "block_delta", index: 2, delta: { type: "text", text: "Deno 2.9" } },
    { type: "block_delta", index: 2, delta: { type: "text", text: " is out." } },
    { type: "block_stop", index: 2 },
  ]);
  const end = events.at(-2);
  assert.ok(end?.type === "message_delta");
  assert.deepEqual(end.usage.serverToolUse, { webSearchRequests: 1 });
  assert.equal(end.stopReason, "end_turn");
});

Deno.test("createStreamDecoder() sends grounding that comes after the text right after it, once", () => {
  // the last chunk repeats what an earlier one said, and adds a page and a query
  const later = {
    webSearchQueries: ["deno 2.9 release", "deno changelog"],
    groundingChunks: [
      ...GROUNDING.groundingChunks,
      { web: { uri: "https://grounding.example/r/3" } },
      { retrievedContext: { uri: "gs://bucket/doc" } },
    ],
  };
  const sse = [
    `data: {"candidates":[{"content":{"parts":[{"text":"Deno 2.9 is out."}],"role":"model"}}]}`,
    `data: ${JSON.stringify({ candidates: [{ groundingMetadata: GROUNDING }] })}`,
    `data: ${
      JSON.stringify({
        candidates: [{ finishReason: "STOP", groundingMetadata: later }],
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5 },
      })
    }`,
  ].join("\n\n") + "\n\n";
  const blocks = run(sse).flatMap((e) => e.type === "block_start" ? [e.block] : []);
  assert.deepEqual(blocks, [
    { type: "text" },
    { type: "web_search_call", id: "srvtoolu__1", query: "deno 2.9 release" },
    {
      type: "web_search_result",
      callId: "srvtoolu__1",
      sources: [
        { url: "https://grounding.example/r/1", title: "deno.com" },
        { url: "https://grounding.example/r/2", title: "github.com" },
      ],
    },
    { type: "web_search_call", id: "srvtoolu__2", query: "deno changelog" },
    {
      type: "web_search_result",
      callId: "srvtoolu__2",
      sources: [{ url: "https://grounding.example/r/3", title: "" }],
    },
  ]);
});

Deno.test("createStreamDecoder() gives a search no page came for an empty result", () => {
  const sse = `data: ${
    JSON.stringify({
      candidates: [{
        content: { parts: [{ text: "Nothing found." }] },
        finishReason: "STOP",
        groundingMetadata: { webSearchQueries: ["zzqx"] },
      }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2 },
    })
  }\n\n`;
  const blocks = run(sse).flatMap((e) => e.type === "block_start" ? [e.block] : []);
  assert.deepEqual(blocks, [
    { type: "web_search_call", id: "srvtoolu__1", query: "zzqx" },
    { type: "web_search_result", callId: "srvtoolu__1", sources: [] },
    { type: "text" },
  ]);
  // pages may still come in a later chunk: the result waits for them until the stream ends
  const early = `data: ${
    JSON.stringify({ candidates: [{ groundingMetadata: { webSearchQueries: ["zzqx"] } }] })
  }\n\ndata: {"candidates":[{"content":{"parts":[{"text":"No."}]},"finishReason":"STOP"}]}\n\n`;
  assert.deepEqual(
    run(early).flatMap((e) => e.type === "block_start" ? [e.block.type] : []),
    ["web_search_call", "text", "web_search_result"],
  );
});
