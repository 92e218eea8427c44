import assert from "node:assert/strict";
import { encodeResponse } from "./encode_response.ts";

Deno.test("encodeResponse() writes parts, finish reason and Gemini usage", () => {
  const body = encodeResponse({
    id: "msg_1",
    model: "gemini-via-proxy",
    content: [
      { type: "thinking", text: "hmm", signature: { origin: "anthropic", value: "EqQB" } },
      { type: "redacted_thinking", data: "xyz" },
      { type: "text", text: "" },
      { type: "text", text: "Reading." },
      { type: "tool_call", id: "toolu_1", name: "read_file", input: { path: "a" } },
      {
        type: "tool_call",
        id: "toolu_2",
        name: "read_file",
        input: {},
        signature: { origin: "gemini", value: "sig" },
      },
    ],
    stopReason: "tool_use",
    usage: {
      inputTokens: 100,
      outputTokens: 40,
      cacheReadTokens: 20,
      cacheWriteTokens: 5,
      reasoningTokens: 10,
    },
  });
  assert.deepEqual(body, {
    candidates: [{
      content: {
        role: "model",
        parts: [
          { text: "hmm", thought: true },
          { text: "Reading." },
          { functionCall: { name: "read_file", args: { path: "a" }, id: "toolu_1" } },
          { functionCall: { name: "read_file", args: {}, id: "toolu_2" }, thoughtSignature: "sig" },
        ],
      },
      finishReason: "STOP",
      index: 0,
    }],
    usageMetadata: {
      promptTokenCount: 125,
      candidatesTokenCount: 30,
      thoughtsTokenCount: 10,
      cachedContentTokenCount: 20,
      totalTokenCount: 165,
    },
    modelVersion: "gemini-via-proxy",
    responseId: "msg_1",
  });
});

Deno.test("encodeResponse() maps stop reasons to finish reasons and leaves out zero counts", () => {
  const finish = (stopReason: "max_tokens" | "refusal" | "end_turn" | "stop_sequence") =>
    encodeResponse({
      id: "m",
      model: "x",
      content: [],
      stopReason,
      usage: {
        inputTokens: 3,
        outputTokens: 2,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
    });
  assert.equal(finish("max_tokens").candidates![0].finishReason, "MAX_TOKENS");
  assert.equal(finish("refusal").candidates![0].finishReason, "SAFETY");
  assert.equal(finish("stop_sequence").candidates![0].finishReason, "STOP");
  assert.deepEqual(finish("end_turn").usageMetadata, {
    promptTokenCount: 3,
    candidatesTokenCount: 2,
    totalTokenCount: 5,
  });
});

Deno.test("encodeResponse() tells an answer's searches as the candidate's groundingMetadata", () => {
  const body = encodeResponse({
    id: "msg_1",
    model: "m",
    content: [
      { type: "web_search_call", id: "srvtoolu_1", query: "deno 2.9" },
      {
        type: "web_search_result",
        callId: "srvtoolu_1",
        sources: [
          { url: "https://deno.com", title: "Deno", encryptedContent: "Eq" },
          { url: "https://github.com/denoland", title: "GitHub" },
        ],
      },
      { type: "web_search_call", id: "srvtoolu_2", query: "deno 2.9" },
      {
        type: "web_search_result",
        callId: "srvtoolu_2",
        sources: [{ url: "https://deno.com", title: "Deno" }],
      },
      { type: "text", text: "Deno 2.9 is out." },
    ],
    stopReason: "end_turn",
    usage: {
      inputTokens: 1,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      serverToolUse: { webSearchRequests: 2 },
    },
  });
  assert.deepEqual(body.candidates?.[0], {
    content: { role: "model", parts: [{ text: "Deno 2.9 is out." }] },
    finishReason: "STOP",
    index: 0,
    groundingMetadata: {
      webSearchQueries: ["deno 2.9"],
      groundingChunks: [
        { web: { uri: "https://deno.com", title: "Deno" } },
        { web: { uri: "https://github.com/denoland", title: "GitHub" } },
      ],
    },
  });
});

Deno.test("encodeResponse() tells cited text as grounding supports, offsets in UTF-8 bytes", () => {
  const body = encodeResponse({
    id: "msg_1",
    model: "m",
    content: [
      { type: "thinking", text: "hmm", signature: { origin: "gemini", value: "s" } },
      {
        type: "text",
        text: "Ünïcode first. Deno 2.9 is out.",
        citations: [{ url: "https://deno.com", title: "Deno", start: 15, end: 31 }],
      },
    ],
    stopReason: "end_turn",
    usage: {
      inputTokens: 1,
      outputTokens: 1,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
  });
  assert.deepEqual(body.candidates?.[0].groundingMetadata, {
    webSearchQueries: [],
    groundingChunks: [{ web: { uri: "https://deno.com", title: "Deno" } }],
    groundingSupports: [{
      segment: { partIndex: 1, startIndex: 17, endIndex: 33, text: "Deno 2.9 is out." },
      groundingChunkIndices: [0],
    }],
  });
});
