/**
 * Web searches end to end. Claude Code's WebSearch on a Gemini upstream: `@anthropic-ai/sdk`
 * sends the request Claude Code's WebSearch tool sends (the `web_search_20250305` server tool
 * and nothing else) through the real proxy to a mock Gemini upstream that answers with Google
 * Search grounding. The SDK must get `server_tool_use`, `web_search_tool_result` (the
 * grounding's URLs and titles) and text, whole and streamed, with the searches counted; the mock
 * must be asked for `googleSearch`. And the other way: `@google/genai` with `googleSearch` on an
 * Anthropic upstream gets the upstream's searches as `groundingMetadata`.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
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

/** An Anthropic answer that searched, as Anthropic writes it. */
const ANTHROPIC_SEARCH = [
  {
    type: "server_tool_use",
    id: "srvtoolu_01",
    name: "web_search",
    input: { query: "deno 2.9 release" },
  },
  {
    type: "web_search_tool_result",
    tool_use_id: "srvtoolu_01",
    content: [{
      type: "web_search_result",
      url: "https://deno.com/blog/v2.9",
      title: "Deno 2.9",
      encrypted_content: "EqgfCioIARgBIiQ3",
      page_age: "2 days ago",
    }],
  },
  { type: "text", text: "Deno 2.9 is out." },
];

function anthropicStream(): string[] {
  const events: Array<Record<string, unknown>> = [
    {
      type: "message_start",
      message: {
        id: "msg_up",
        type: "message",
        role: "assistant",
        model: "claude-real",
        content: [],
        usage: { input_tokens: 30, output_tokens: 1 },
      },
    },
    {
      type: "content_block_start",
      index: 0,
      content_block: { ...ANTHROPIC_SEARCH[0], input: {} },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "input_json_delta", partial_json: '{"query": "deno 2.9 release"}' },
    },
    { type: "content_block_stop", index: 0 },
    { type: "content_block_start", index: 1, content_block: ANTHROPIC_SEARCH[1] },
    { type: "content_block_stop", index: 1 },
    { type: "content_block_start", index: 2, content_block: { type: "text", text: "" } },
    {
      type: "content_block_delta",
      index: 2,
      delta: { type: "text_delta", text: "Deno 2.9 is out." },
    },
    { type: "content_block_stop", index: 2 },
    {
      type: "message_delta",
      delta: { stop_reason: "end_turn" },
      usage: { output_tokens: 12, server_tool_use: { web_search_requests: 1 } },
    },
    { type: "message_stop" },
  ];
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
}

Deno.test("@google/genai's googleSearch on an Anthropic upstream: grounding from its searches", async () => {
  const mock = startMock(() => json({}));
  const proxy = startProxy(`
- model_id: claude-search
  model_name: claude-real
  api_base: ${mock.url}
  format: anthropic
`);
  try {
    const ai = new GoogleGenAI({
      apiKey: "AIza-e2e",
      httpOptions: { baseUrl: `${proxy.url}/gemini` },
    });
    const ask = {
      model: "claude-search",
      contents: "Is Deno 2.9 out?",
      config: { tools: [{ googleSearch: {} }] },
    };
    const grounding = {
      webSearchQueries: ["deno 2.9 release"],
      groundingChunks: [{ web: { uri: "https://deno.com/blog/v2.9", title: "Deno 2.9" } }],
    };
    mock.handle(() =>
      json({
        id: "msg_up",
        type: "message",
        role: "assistant",
        model: "claude-real",
        content: ANTHROPIC_SEARCH,
        stop_reason: "end_turn",
        usage: { input_tokens: 30, output_tokens: 12, server_tool_use: { web_search_requests: 1 } },
      })
    );
    const whole = await ai.models.generateContent(ask);
    assert.equal(whole.text, "Deno 2.9 is out.");
    assert.deepEqual(whole.candidates?.[0].groundingMetadata, grounding);
    assert.deepEqual(mock.received[0].json.tools, [{
      type: "web_search_20250305",
      name: "web_search",
    }]);

    mock.handle(() => sse(anthropicStream()));
    let text = "";
    let last: unknown;
    for await (const chunk of await ai.models.generateContentStream(ask)) {
      text += chunk.text ?? "";
      if (chunk.candidates?.[0].groundingMetadata) last = chunk.candidates[0].groundingMetadata;
    }
    assert.equal(text, "Deno 2.9 is out.");
    assert.deepEqual(last, grounding);
    assert.equal(mock.received[1].json.stream, true);
    assert.deepEqual(mock.received[1].json.tools, [{
      type: "web_search_20250305",
      name: "web_search",
    }]);
  } finally {
    await proxy.close();
    await mock.close();
  }
});
