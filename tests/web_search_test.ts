/**
 * Claude Code's WebSearch on a Gemini upstream, end to end: `@anthropic-ai/sdk` sends the request
 * Claude Code's WebSearch tool sends (the `web_search_20250305` server tool and nothing else)
 * through the real proxy to a mock Gemini upstream that answers with Google Search grounding.
 * The SDK must get `server_tool_use`, `web_search_tool_result` (the grounding's URLs and titles)
 * and text, whole and streamed, with the searches counted; the mock must be asked for
 * `googleSearch`.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { json, type Mock, type Proxy, sse, startMock, startProxy } from "./_harness.ts";

const MODEL = "gemini-search";

async function withServers(fn: (mock: Mock, client: Anthropic) => Promise<void>): Promise<void> {
  const mock = startMock(() => json({}));
  const proxy: Proxy = startProxy(`
- model_id: ${MODEL}
  model_name: gemini-2.5-flash
  api_base: ${mock.url}/v1beta
  format: gemini
  max_tokens: 8K
`);
  try {
    await fn(mock, new Anthropic({ apiKey: "sk-e2e-search", baseURL: `${proxy.url}/anthropic` }));
  } finally {
    await proxy.close();
    await mock.close();
  }
}

/** What Claude Code's WebSearch tool sends: a one-shot request with only the server tool. */
const SEARCH_REQUEST = {
  model: MODEL,
  max_tokens: 4096,
  system: "You are an assistant for performing a web search tool use",
  messages: [{ role: "user" as const, content: "Perform a web search for the query: deno 2.9" }],
  tools: [{ type: "web_search_20250305" as const, name: "web_search" as const, max_uses: 8 }],
};

const GROUNDING = {
  webSearchQueries: ["deno 2.9 release"],
  groundingChunks: [
    { web: { uri: "https://vertexaisearch.example/redirect/1", title: "deno.com" } },
    { web: { uri: "https://vertexaisearch.example/redirect/2", title: "github.com" } },
  ],
  groundingSupports: [{
    segment: { startIndex: 0, endIndex: 16, text: "Deno 2.9 is out." },
    groundingChunkIndices: [0, 1],
  }],
};

const USAGE = { promptTokenCount: 30, candidatesTokenCount: 12, totalTokenCount: 42 };

/** The blocks the SDK must end with, whichever way the grounding came. */
const EXPECTED_RESULT = [
  {
    type: "web_search_result",
    url: "https://vertexaisearch.example/redirect/1",
    title: "deno.com",
    encrypted_content: "",
    page_age: null,
  },
  {
    type: "web_search_result",
    url: "https://vertexaisearch.example/redirect/2",
    title: "github.com",
    encrypted_content: "",
    page_age: null,
  },
];

function checkSearchMessage(message: Anthropic.Message, text: string, order: string[]): void {
  assert.deepEqual(message.content.map((b) => b.type), order);
  const call = message.content.find((b) => b.type === "server_tool_use");
  const result = message.content.find((b) => b.type === "web_search_tool_result");
  assert.ok(call?.type === "server_tool_use" && result?.type === "web_search_tool_result");
  assert.equal(call.name, "web_search");
  assert.deepEqual(call.input, { query: "deno 2.9 release" });
  assert.match(call.id, /^srvtoolu_/);
  assert.equal(result.tool_use_id, call.id);
  assert.deepEqual(result.content, EXPECTED_RESULT);
  const texts = message.content.flatMap((b) => b.type === "text" ? [b.text] : []);
  assert.equal(texts.join(""), text);
  assert.equal(message.stop_reason, "end_turn");
  assert.equal(message.usage.server_tool_use?.web_search_requests, 1);
  assert.equal(message.usage.input_tokens, 30);
  assert.equal(message.usage.output_tokens, 12);
}

function checkAskedForSearch(mock: Mock, method: string): void {
  assert.equal(mock.received.length, 1);
  const asked = mock.received[0];
  assert.equal(asked.path, `/v1beta/models/gemini-2.5-flash:${method}`);
  assert.deepEqual(asked.json.tools, [{ googleSearch: {} }]);
  assert.equal(asked.json.toolConfig, undefined);
}

Deno.test("Claude Code's web search on Gemini: a whole answer with its grounding", async () => {
  await withServers(async (mock, client) => {
    mock.handle(() =>
      json({
        candidates: [{
          content: { role: "model", parts: [{ text: "Deno 2.9 is out." }] },
          finishReason: "STOP",
          groundingMetadata: GROUNDING,
        }],
        usageMetadata: USAGE,
        modelVersion: "gemini-2.5-flash",
      })
    );
    const { data, response } = await client.messages.create(SEARCH_REQUEST).withResponse();
    checkSearchMessage(data, "Deno 2.9 is out.", [
      "server_tool_use",
      "web_search_tool_result",
      "text",
    ]);
    checkAskedForSearch(mock, "generateContent");
    assert.match(response.headers.get("x-proxy-warnings") ?? "", /max_uses/);
  });
});

function chunk(body: Record<string, unknown>): string {
  return `data: ${JSON.stringify({ ...body, modelVersion: "gemini-2.5-flash" })}\r\n\r\n`;
}

Deno.test("Claude Code's web search on Gemini: a stream whose grounding comes first", async () => {
  await withServers(async (mock, client) => {
    mock.handle(() =>
      sse([
        chunk({
          candidates: [{
            content: { role: "model", parts: [{ text: "Deno 2.9" }] },
            groundingMetadata: GROUNDING,
          }],
        }),
        chunk({
          candidates: [{
            content: { role: "model", parts: [{ text: " is out." }] },
            finishReason: "STOP",
          }],
          usageMetadata: USAGE,
        }),
      ])
    );
    const message = await client.messages.stream({ ...SEARCH_REQUEST }).finalMessage();
    checkSearchMessage(message, "Deno 2.9 is out.", [
      "server_tool_use",
      "web_search_tool_result",
      "text",
    ]);
    checkAskedForSearch(mock, "streamGenerateContent");
    assert.equal(mock.received[0].search, "?alt=sse");
  });
});

Deno.test("Claude Code's web search on Gemini: a stream whose grounding comes after the text", async () => {
  await withServers(async (mock, client) => {
    mock.handle(() =>
      sse([
        chunk({ candidates: [{ content: { role: "model", parts: [{ text: "Deno 2.9" }] } }] }),
        chunk({ candidates: [{ content: { role: "model", parts: [{ text: " is out." }] } }] }),
        chunk({
          candidates: [{ finishReason: "STOP", groundingMetadata: GROUNDING }],
          usageMetadata: USAGE,
        }),
      ])
    );
    const message = await client.messages.stream({ ...SEARCH_REQUEST }).finalMessage();
    // the text went out as it came; the searches follow it
    checkSearchMessage(message, "Deno 2.9 is out.", [
      "text",
      "server_tool_use",
      "web_search_tool_result",
    ]);
    checkAskedForSearch(mock, "streamGenerateContent");
  });
});
