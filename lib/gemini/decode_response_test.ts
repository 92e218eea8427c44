import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import type { DecodeContext } from "../ir/codec.ts";
import { decodeResponse } from "./decode_response.ts";

function context(toolNames = new Map<string, string>()): DecodeContext {
  let n = 0;
  return { toolNames, newId: (prefix) => `${prefix}_${++n}` };
}

Deno.test("decodeResponse() reads thoughts, text, calls, signatures and usage", () => {
  const body = {
    candidates: [{
      content: {
        role: "model",
        parts: [
          { text: "Let me ", thought: true },
          { text: "check.", thought: true, thoughtSignature: "sig-T" },
          { text: "Checking " },
          { text: "now.", thoughtSignature: "sig-text" },
          { functionCall: { name: "short_name", args: { q: 1 } }, thoughtSignature: "sig-C" },
          { functionCall: { id: "fc-2", name: "other" } },
        ],
      },
      finishReason: "STOP",
      index: 0,
    }],
    usageMetadata: {
      promptTokenCount: 1200,
      candidatesTokenCount: 50,
      thoughtsTokenCount: 30,
      cachedContentTokenCount: 1000,
      totalTokenCount: 1280,
    },
    modelVersion: "gemini-2.5-pro",
    responseId: "resp-1",
  };
  const { value } = decodeResponse(body, context(new Map([["short_name", "a_long_caller_name"]])));
  assert.deepEqual(value, {
    id: "resp-1",
    model: "gemini-2.5-pro",
    content: [
      { type: "thinking", text: "Let me check.", signature: { origin: "gemini", value: "sig-T" } },
      { type: "text", text: "Checking now." },
      {
        type: "tool_call",
        id: "call_1",
        name: "a_long_caller_name",
        input: { q: 1 },
        signature: { origin: "gemini", value: "sig-C" },
      },
      { type: "tool_call", id: "fc-2", name: "other", input: {} },
    ],
    stopReason: "tool_use",
    usage: {
      inputTokens: 200,
      outputTokens: 80,
      cacheReadTokens: 1000,
      cacheWriteTokens: 0,
      reasoningTokens: 30,
    },
  });
});

Deno.test("decodeResponse() maps finish reasons", () => {
  const stop = (finishReason: string) =>
    decodeResponse(
      { candidates: [{ content: { parts: [{ text: "x" }] }, finishReason }] },
      context(),
    )
      .value.stopReason;
  assert.equal(stop("STOP"), "end_turn");
  assert.equal(stop("MAX_TOKENS"), "max_tokens");
  for (const reason of ["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII"]) {
    assert.equal(stop(reason), "refusal");
  }
  assert.equal(stop("MALFORMED_FUNCTION_CALL"), "end_turn");
});

Deno.test("decodeResponse() turns a blocked prompt into a refusal with no content", () => {
  const { value } = decodeResponse(
    { promptFeedback: { blockReason: "SAFETY" }, usageMetadata: { promptTokenCount: 9 } },
    context(),
  );
  assert.equal(value.id, "msg_1");
  assert.deepEqual(value.content, []);
  assert.equal(value.stopReason, "refusal");
  assert.equal(value.usage.inputTokens, 9);
});

Deno.test("decodeResponse() throws an error body as a ProxyError with its status", () => {
  assert.throws(
    () =>
      decodeResponse(
        { error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } },
        context(),
      ),
    (e: unknown) => e instanceof ProxyError && e.status === 429 && e.message === "Quota exceeded",
  );
});

Deno.test("decodeResponse() puts the searches of a grounding before the text, and counts them", () => {
  const body = {
    candidates: [{
      content: {
        role: "model",
        parts: [{ text: "Weighing sources.", thought: true }, { text: "Deno 2.9 is out." }],
      },
      finishReason: "STOP",
      groundingMetadata: {
        webSearchQueries: ["deno release", "deno 2.9"],
        groundingChunks: [
          { web: { uri: "https://grounding.example/r/1", title: "deno.com" } },
          { web: { uri: "https://grounding.example/r/1", title: "deno.com" } },
          { web: { title: "no uri" } },
        ],
        searchEntryPoint: { renderedContent: "<div></div>" },
      },
    }],
    usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 8 },
  };
  const { value } = decodeResponse(body, context());
  assert.deepEqual(value.content, [
    { type: "thinking", text: "Weighing sources." },
    { type: "web_search_call", id: "srvtoolu__1", query: "deno release" },
    { type: "web_search_call", id: "srvtoolu__2", query: "deno 2.9" },
    {
      type: "web_search_result",
      callId: "srvtoolu__2",
      sources: [{ url: "https://grounding.example/r/1", title: "deno.com" }],
    },
    { type: "text", text: "Deno 2.9 is out." },
  ]);
  assert.deepEqual(value.usage.serverToolUse, { webSearchRequests: 2 });
  assert.equal(value.stopReason, "end_turn");
});

Deno.test("decodeResponse() reads an answer without grounding as before: no search, no count", () => {
  const { value } = decodeResponse({
    candidates: [{ content: { parts: [{ text: "Hi" }] }, finishReason: "STOP" }],
  }, context());
  assert.deepEqual(value.content, [{ type: "text", text: "Hi" }]);
  assert.equal(value.usage.serverToolUse, undefined);
});

Deno.test("decodeResponse() cites the text each grounding support covers, found in order", () => {
  const { value } = decodeResponse({
    candidates: [{
      content: { parts: [{ text: "Deno 2.9 is out. It is fast. Deno 2.9 is out." }] },
      finishReason: "STOP",
      groundingMetadata: {
        webSearchQueries: ["deno"],
        groundingChunks: [
          { web: { uri: "https://a.example", title: "a.example" } },
          { web: { uri: "https://b.example", title: "b.example" } },
        ],
        groundingSupports: [
          {
            segment: { startIndex: 0, endIndex: 16, text: "Deno 2.9 is out." },
            groundingChunkIndices: [0],
          },
          { segment: { text: "It is fast." }, groundingChunkIndices: [1, 0, 7] },
          { segment: { text: "Deno 2.9 is out." }, groundingChunkIndices: [1] },
          { segment: { text: "not in the answer" }, groundingChunkIndices: [0] },
        ],
      },
    }],
  }, context());
  const text = value.content.at(-1);
  assert.ok(text?.type === "text");
  assert.deepEqual(text.citations, [
    { url: "https://a.example", title: "a.example", start: 0, end: 16 },
    { url: "https://b.example", title: "b.example", start: 17, end: 28 },
    { url: "https://a.example", title: "a.example", start: 17, end: 28 },
    { url: "https://b.example", title: "b.example", start: 29, end: 45 },
  ]);
});
