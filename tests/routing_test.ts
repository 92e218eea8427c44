/**
 * A Claude Code session through a router, end to end: the real proxy over HTTP, three mock
 * upstreams of three dialects. Claude Code's main requests (adaptive thinking at an effort), its
 * requests with thinking off, its haiku title request, its WebSearch tool's own request and a
 * request holding a screenshot each reach the model the rules name; every answer carries the
 * name Claude Code sent, `x-proxy-model` names the model that served it, and the ledger, the
 * stats and the log lines count each under that model, the search included.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { json, type Mock, parseSse, type Proxy, sse, startMock, startProxy } from "./_harness.ts";

const CALLER_KEY = "sk-deepseek-caller-5678";

function fixture(name: string): any {
  return JSON.parse(
    Deno.readTextFileSync(new URL(`./fixtures/requests/${name}.json`, import.meta.url)),
  );
}

function modelsYaml(openai: Mock, gemini: Mock, anthropic: Mock): string {
  return `
- model_id: claude-code
  aliases: ["claude-*"]
  route:
    - when: {model: "claude-*haiku*"}
      to: deepseek-v4-flash
    - when: {server_tool: web_search}
      to: gemini-search
    - when: {images: true}
      to: claude-vision
    - when: {input_tokens_over: 200K}
      to: gemini-search
    - when: {thinking: true}
      to: deepseek-v4-pro
    - to: deepseek-v4-flash
- model_id: deepseek-v4-pro
  api_base: ${openai.url}/v1
  format: openai
  thinking_style: deepseek
- model_id: deepseek-v4-flash
  api_base: ${openai.url}/v1
  format: openai
  thinking_style: deepseek
- model_id: gemini-search
  model_name: gemini-2.5-flash
  api_base: ${gemini.url}/v1beta
  format: gemini
  api_key: sk-gemini-own-1111
- model_id: claude-vision
  model_name: claude-real
  api_base: ${anthropic.url}
  format: anthropic
  api_key: sk-anthropic-own-2222
`;
}

/** DeepSeek: streams or answers whole, naming the model it was asked for. */
function openaiMock(): Mock {
  return startMock((req) => {
    const text = `served by ${req.json.model}`;
    if (req.json.stream !== true) {
      return json({
        id: "c",
        object: "chat.completion",
        created: 1,
        model: req.json.model,
        choices: [{
          index: 0,
          message: { role: "assistant", content: JSON.stringify({ title: text }) },
          finish_reason: "stop",
        }],
        usage: { prompt_tokens: 100, completion_tokens: 5 },
      });
    }
    const chunk = (delta: unknown, finish: string | null, usage?: unknown) =>
      `data: ${
        JSON.stringify({
          id: "c",
          object: "chat.completion.chunk",
          model: req.json.model,
          choices: [{ index: 0, delta, finish_reason: finish }],
          ...(usage ? { usage } : {}),
        })
      }\n\n`;
    return sse([
      chunk({ role: "assistant", content: text }, null),
      chunk({}, "stop", { prompt_tokens: 100, completion_tokens: 5 }),
      "data: [DONE]\n\n",
    ]);
  });
}

/** Gemini with Google Search: its grounding in the stream's last chunk. */
function geminiMock(): Mock {
  const chunk = (body: unknown) =>
    `data: ${JSON.stringify({ ...body as object, modelVersion: "gemini-2.5-flash" })}\r\n\r\n`;
  return startMock(() =>
    sse([
      chunk({ candidates: [{ content: { role: "model", parts: [{ text: "Deno 3 is out." }] } }] }),
      chunk({
        candidates: [{
          finishReason: "STOP",
          groundingMetadata: {
            webSearchQueries: ["deno 3 release"],
            groundingChunks: [{ web: { uri: "https://grounding.example/1", title: "deno.com" } }],
          },
        }],
        usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 12, totalTokenCount: 42 },
      }),
    ])
  );
}

/** Claude, for the requests that hold an image: passed through. */
function anthropicMock(): Mock {
  return startMock(() =>
    json({
      id: "msg_vision",
      type: "message",
      role: "assistant",
      model: "claude-real",
      content: [{ type: "text", text: "A login form with a red error." }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 1500, output_tokens: 9 },
    })
  );
}

async function withServers(
  fn: (proxy: Proxy, mocks: { openai: Mock; gemini: Mock; anthropic: Mock }) => Promise<void>,
): Promise<void> {
  const mocks = { openai: openaiMock(), gemini: geminiMock(), anthropic: anthropicMock() };
  const proxy = startProxy(modelsYaml(mocks.openai, mocks.gemini, mocks.anthropic));
  try {
    await fn(proxy, mocks);
  } finally {
    await proxy.close();
    for (const mock of Object.values(mocks)) await mock.close();
  }
}

/** A request as Claude Code sends it (`?beta=true`, its key as a bearer token). */
async function claudeCode(proxy: Proxy, body: unknown): Promise<Response> {
  return await fetch(`${proxy.url}/anthropic/v1/messages?beta=true`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${CALLER_KEY}`,
      "anthropic-version": "2023-06-01",
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
}

/** The text of a streamed or whole answer, and the model it names. */
async function answerOf(response: Response): Promise<{ model: string; text: string }> {
  const body = await response.text();
  assert.equal(response.status, 200, body);
  if (!response.headers.get("content-type")?.includes("text/event-stream")) {
    const message = JSON.parse(body);
    return { model: message.model, text: message.content.map((b: any) => b.text).join("") };
  }
  const events = parseSse(body).map((e) => e.data);
  assert.equal(events.at(-1).type, "message_stop", body.slice(-300));
  const text = events.filter((e) =>
    e.type === "content_block_delta" && e.delta.type === "text_delta"
  )
    .map((e) => e.delta.text).join("");
  return { model: events[0].message.model, text };
}

Deno.test("a Claude Code session through a router: each request on the model its rule names", async () => {
  await withServers(async (proxy, mocks) => {
    const main = fixture("claude_code_request");

    // Adaptive thinking at effort high: the thinking rule.
    const thinking = await claudeCode(proxy, main);
    assert.equal(thinking.headers.get("x-proxy-model"), "deepseek-v4-pro");
    assert.deepEqual(await answerOf(thinking), {
      model: "claude-sonnet-4-5",
      text: "served by deepseek-v4-pro",
    });

    // Thinking off (the WebSearch client tool still declared): the default.
    const { output_config: _, ...off } = { ...main, thinking: { type: "disabled" } };
    const plain = await claudeCode(proxy, off);
    assert.equal(plain.headers.get("x-proxy-model"), "deepseek-v4-flash");
    assert.equal((await answerOf(plain)).text, "served by deepseek-v4-flash");

    // The haiku title request, whole.
    const title = await claudeCode(proxy, fixture("claude_code_title_request"));
    assert.equal(title.headers.get("x-proxy-model"), "deepseek-v4-flash");
    const titled = await answerOf(title);
    assert.equal(titled.model, "claude-haiku-4-5-20251001");
    assert.equal(JSON.parse(titled.text).title, "served by deepseek-v4-flash");
    assert.ok(
      mocks.openai.received.every((r) => r.headers.get("authorization") === `Bearer ${CALLER_KEY}`),
      "the caller's key went to DeepSeek, its own host",
    );
    assert.deepEqual(mocks.openai.received.map((r) => r.json.model), [
      "deepseek-v4-pro",
      "deepseek-v4-flash",
      "deepseek-v4-flash",
    ]);

    // What Claude Code's WebSearch tool sends: the server tool, effort high, no thinking.
    const client = new Anthropic({ apiKey: CALLER_KEY, baseURL: `${proxy.url}/anthropic` });
    const search = await client.messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 32000,
      messages: [{ role: "user", content: "Perform a web search for the query: deno 3" }],
      tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 8 }],
      output_config: { effort: "high" },
    } as any).finalMessage();
    assert.equal(search.model, "claude-sonnet-4-6");
    assert.deepEqual(search.content.map((b) => b.type), [
      "text",
      "server_tool_use",
      "web_search_tool_result",
    ]);
    assert.equal(search.usage.server_tool_use?.web_search_requests, 1);
    assert.equal(mocks.gemini.received.length, 1);
    assert.deepEqual(mocks.gemini.received[0].json.tools, [{ googleSearch: {} }]);
    assert.equal(mocks.gemini.received[0].headers.get("x-goog-api-key"), "sk-gemini-own-1111");

    // A screenshot in the last turn: Claude, passed through on its own key.
    const screenshot = structuredClone(off);
    screenshot.stream = false;
    screenshot.messages.at(-1).content = [
      { type: "image", source: { type: "url", url: "https://example.com/shot.png" } },
      { type: "text", text: "What is wrong here?" },
    ];
    const vision = await claudeCode(proxy, screenshot);
    assert.equal(vision.headers.get("x-proxy-model"), "claude-vision");
    assert.deepEqual(await answerOf(vision), {
      model: "claude-sonnet-4-5",
      text: "A login form with a red error.",
    });
    const passed = mocks.anthropic.received[0];
    assert.equal(passed.json.model, "claude-real");
    assert.equal(passed.headers.get("x-api-key"), "sk-anthropic-own-2222");
    assert.deepEqual(passed.json.tools, screenshot.tools, "the body as Claude Code wrote it");

    await checkRecorded(proxy);
  });
});

/** The ledger, the stats and the log name the model that served each request, searches counted. */
async function checkRecorded(proxy: Proxy): Promise<void> {
  let rows: any[] = [];
  for (let i = 0; i < 100 && rows.length < 5; i++) {
    rows = (await (await fetch(`${proxy.url}/api/requests`)).json()).requests;
    if (rows.length < 5) await new Promise((r) => setTimeout(r, 50));
  }
  const seen = rows.reverse().map((r) => [r.model, r.served_by, r.web_search_requests]);
  assert.deepEqual(seen, [
    ["claude-sonnet-4-5", "deepseek-v4-pro", 0],
    ["claude-sonnet-4-5", "deepseek-v4-flash", 0],
    ["claude-haiku-4-5-20251001", "deepseek-v4-flash", 0],
    ["claude-sonnet-4-6", "gemini-search", 1],
    ["claude-sonnet-4-5", "claude-vision", 0],
  ]);
  const stats = await (await fetch(`${proxy.url}/anthropic/v1/stats`)).json();
  assert.deepEqual(Object.keys(stats.models).sort(), [
    "claude-vision",
    "deepseek-v4-flash",
    "deepseek-v4-pro",
    "gemini-search",
  ]);
  assert.equal(stats.models["deepseek-v4-flash"].requests, 2);
  assert.equal(stats.models["gemini-search"].web_search_requests, 1);
  assert.equal(stats.total.web_search_requests, 1);
  const usage = await (await fetch(`${proxy.url}/api/usage?group=model`)).json();
  assert.equal(usage.total.web_search_requests, 1);
  const routes = proxy.logs.map((line) => JSON.parse(line))
    .filter((line) => line.path?.startsWith("/anthropic/v1/messages"))
    .map((line) => [line.model, line.route]);
  assert.deepEqual(routes, [
    ["deepseek-v4-pro", "claude-code#5"],
    ["deepseek-v4-flash", "claude-code#6"],
    ["deepseek-v4-flash", "claude-code#1"],
    ["gemini-search", "claude-code#2"],
    ["claude-vision", "claude-code#3"],
  ]);
}
