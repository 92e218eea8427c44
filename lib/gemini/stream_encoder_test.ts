import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import type { Request, StreamEvent, Usage } from "../ir/types.ts";
import { createStreamEncoder } from "./stream_encoder.ts";

const request: Request = {
  model: "gemini-2.5-pro",
  stream: true,
  system: [],
  messages: [],
  tools: [],
};

const usage: Usage = {
  inputTokens: 10,
  outputTokens: 7,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 2,
};

const EVENTS: StreamEvent[] = [
  { type: "message_start", id: "msg_1", model: "gemini-2.5-pro", usage },
  { type: "block_start", index: 0, block: { type: "thinking" } },
  { type: "block_delta", index: 0, delta: { type: "thinking", text: "Hmm" } },
  {
    type: "block_delta",
    index: 0,
    delta: { type: "signature", signature: { origin: "proxy", value: "" } },
  },
  { type: "block_stop", index: 0 },
  { type: "block_start", index: 1, block: { type: "text" } },
  { type: "block_delta", index: 1, delta: { type: "text", text: "Hi\n" } },
  { type: "block_stop", index: 1 },
  { type: "block_start", index: 2, block: { type: "tool_call", id: "call_1", name: "ls" } },
  { type: "block_delta", index: 2, delta: { type: "tool_args", json: '{"pa' } },
  { type: "block_delta", index: 2, delta: { type: "tool_args", json: 'th":"."}' } },
  { type: "block_stop", index: 2 },
  { type: "message_delta", stopReason: "tool_use", usage },
  { type: "message_stop" },
];

const TAIL = `"modelVersion":"gemini-2.5-pro","responseId":"msg_1"}`;
const CHUNKS = [
  `{"candidates":[{"content":{"role":"model","parts":[{"text":"Hmm","thought":true}]},"index":0}],${TAIL}`,
  `{"candidates":[{"content":{"role":"model","parts":[{"text":"Hi\\n"}]},"index":0}],${TAIL}`,
  `{"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"ls","args":{"path":"."},"id":"call_1"},"thoughtSignature":"proxy:t1:SG1t"}]},"index":0}],${TAIL}`,
  `{"candidates":[{"content":{"role":"model","parts":[]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5,"thoughtsTokenCount":2,"totalTokenCount":17},${TAIL}`,
];

function encodeAll(events: StreamEvent[], sse: boolean): string[] {
  const encoder = createStreamEncoder(request, {
    sse,
    newId: (prefix) => `${prefix}_x`,
    now: () => 0,
  });
  return events.map((event) => encoder.encode(event));
}

Deno.test("createStreamEncoder() writes exactly one data line per chunk in SSE mode", () => {
  const out = encodeAll(EVENTS, true);
  assert.equal(out.join(""), CHUNKS.map((c) => `data: ${c}\n\n`).join(""));
  // Text goes out with its delta; the call waits for its block to end.
  assert.equal(out[6], `data: ${CHUNKS[1]}\n\n`);
  assert.equal(out[10], "");
  assert.equal(out[11], `data: ${CHUNKS[2]}\n\n`);
});

Deno.test("createStreamEncoder() writes one JSON array in JSON mode", () => {
  const out = encodeAll(EVENTS, false);
  assert.equal(out.join(""), "[" + CHUNKS.join(",\n") + "]");
  assert.deepEqual(JSON.parse(out.join("")).length, 4);
});

Deno.test("createStreamEncoder() ends with an error chunk after the stream has started", () => {
  const error = new ProxyError("overloaded", "Upstream is overloaded");
  const events: StreamEvent[] = [
    ...EVENTS.slice(0, 2),
    EVENTS[2],
    { type: "error", error },
    { type: "message_stop" },
  ];
  const errorChunk =
    `{"error":{"code":529,"message":"Upstream is overloaded","status":"UNAVAILABLE"}}`;
  assert.equal(
    encodeAll(events, true).join(""),
    `data: ${CHUNKS[0]}\n\ndata: ${errorChunk}\n\n`,
  );
  assert.equal(encodeAll(events, false).join(""), `[${CHUNKS[0]},\n${errorChunk}]`);
  assert.equal(encodeAll([{ type: "error", error }], false).join(""), `[${errorChunk}]`);
});

Deno.test("createStreamEncoder() uses the request's model and a fresh id before message_start", () => {
  const encoder = createStreamEncoder(request, { sse: true, newId: () => "resp_1", now: () => 0 });
  assert.equal(encoder.contentType, "text/event-stream");
  assert.equal(
    encoder.encode({ type: "block_delta", index: 0, delta: { type: "text", text: "a" } }),
    `data: {"candidates":[{"content":{"role":"model","parts":[{"text":"a"}]},"index":0}],"modelVersion":"gemini-2.5-pro","responseId":"resp_1"}\n\n`,
  );
  const json = createStreamEncoder(request, { sse: false, newId: () => "r", now: () => 0 });
  assert.equal(json.contentType, "application/json");
});

Deno.test("createStreamEncoder() passes a Gemini signature on as a thought part", () => {
  const out = encodeAll([
    { type: "message_start", id: "msg_1", model: "gemini-2.5-pro", usage },
    {
      type: "block_delta",
      index: 0,
      delta: { type: "signature", signature: { origin: "gemini", value: "sig" } },
    },
  ], true);
  assert.equal(
    out[1],
    `data: {"candidates":[{"content":{"role":"model","parts":[{"text":"","thought":true,"thoughtSignature":"sig"}]},"index":0}],${TAIL}\n\n`,
  );
});

Deno.test("createStreamEncoder() tells the searches on the last chunk, as Gemini's grounding", () => {
  const out = encodeAll([
    { type: "message_start", id: "msg_1", model: "gemini-2.5-pro", usage },
    { type: "block_start", index: 0, block: { type: "text" } },
    { type: "block_delta", index: 0, delta: { type: "text", text: "Deno 2.9 is out." } },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "web_search_call", id: "s1", query: "deno" } },
    { type: "block_stop", index: 1 },
    {
      type: "block_start",
      index: 2,
      block: {
        type: "web_search_result",
        callId: "s1",
        sources: [{ url: "https://deno.com", title: "Deno" }],
      },
    },
    { type: "block_stop", index: 2 },
    { type: "message_delta", stopReason: "end_turn", usage },
    { type: "message_stop" },
  ], true);
  assert.deepEqual(out.slice(3, 8), ["", "", "", "", ""], "a search is no part of the content");
  assert.equal(
    out[8],
    `data: {"candidates":[{"content":{"role":"model","parts":[]},"finishReason":"STOP","index":0,` +
      `"groundingMetadata":{"webSearchQueries":["deno"],"groundingChunks":[{"web":{"uri":` +
      `"https://deno.com","title":"Deno"}}]}}],"usageMetadata":{"promptTokenCount":10,` +
      `"candidatesTokenCount":5,"thoughtsTokenCount":2,"totalTokenCount":17},${TAIL}\n\n`,
  );
});
