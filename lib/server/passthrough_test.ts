import assert from "node:assert/strict";
import { chatCompletion, handlerWith, json, post, sse } from "./_fake_upstream.ts";

const MODELS = `
- model_id: chat
  model_name: gpt-real
  api_base: https://up.example/v1
  format: openai
  max_tokens: 1000
- model_id: paid
  model_name: gpt-real
  api_base: https://router.example/v1
  format: openai
  api_key: sk-own-key-9999
  allow_params: [route]
- model_id: whole-only
  model_name: gpt-real
  api_base: https://up.example/v1
  format: openai
  can_stream: false
- model_id: claude
  model_name: claude-real
  api_base: https://a.example
  format: anthropic
  max_tokens: 2048
- model_id: resp
  model_name: gpt-real
  api_base: https://r.example/v1
  format: responses
- model_id: gem
  model_name: gemini-real
  api_base: https://g.example/v1beta
  format: gemini
  max_tokens: 512
`;

const CHAT = { model: "chat", max_tokens: 5000, messages: [{ role: "user", content: "hi" }] };

Deno.test("passthrough(): the body goes on with the upstream's model name and the cap", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json(chatCompletion("Hi")));
  const answer = await handle(post("/openai/v1/chat/completions", { ...CHAT, seed: 7 }));
  assert.equal(sent[0].url, "https://up.example/v1/chat/completions");
  assert.deepEqual(sent[0].json, { ...CHAT, model: "gpt-real", max_tokens: 1000, seed: 7 });
  // The answer comes back as the upstream wrote it, but for the model the caller asked for.
  const text = await answer.text();
  assert.equal(text, JSON.stringify({ ...chatCompletion("Hi"), model: "chat" }));
});

Deno.test("passthrough(): fields that steer a paid account are dropped unless allow_params lists them", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json(chatCompletion("Hi")));
  const response = await handle(
    post("/openai/v1/chat/completions", { ...CHAT, model: "paid", provider: { x: 1 }, route: "r" }),
  );
  assert.equal(sent[0].headers.get("authorization"), "Bearer sk-own-key-9999");
  assert.equal(sent[0].json.provider, undefined);
  assert.equal(sent[0].json.route, "r");
  assert.match(response.headers.get("x-proxy-warnings") ?? "", /Dropped "provider"/);
});

Deno.test("passthrough(): an Anthropic caller's version and beta go on; the thinking budget fits the cap", async () => {
  const { handle, sent } = handlerWith(MODELS, () =>
    json({
      id: "m",
      type: "message",
      role: "assistant",
      model: "claude-real-2025",
      content: [{ type: "text", text: "ok" }],
      stop_reason: "end_turn",
      usage: { input_tokens: 3, output_tokens: 1 },
    }));
  const body = {
    model: "claude",
    max_tokens: 8000,
    thinking: { type: "enabled", budget_tokens: 6000 },
    messages: [{ role: "user", content: "hi" }],
  };
  const headers = {
    "x-api-key": "sk-caller-1234",
    "anthropic-version": "2026-01-01",
    "anthropic-beta": "b1",
  };
  const answer = await (await handle(post("/anthropic/v1/messages", body, headers))).json();
  assert.equal(sent[0].url, "https://a.example/v1/messages");
  assert.equal(sent[0].headers.get("anthropic-version"), "2026-01-01");
  assert.equal(sent[0].headers.get("anthropic-beta"), "b1");
  assert.equal(sent[0].json.max_tokens, 2048);
  assert.deepEqual(sent[0].json.thinking, { type: "enabled", budget_tokens: 2047 });
  assert.equal(answer.model, "claude");
});

Deno.test("passthrough(): a Gemini stream without alt=sse is relayed as the upstream's JSON array", async () => {
  const element = {
    candidates: [{ content: { role: "model", parts: [{ text: "Hi" }] }, finishReason: "STOP" }],
    usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 1 },
  };
  const array = `[${JSON.stringify(element)}]`;
  const { handle, sent, records } = handlerWith(
    MODELS,
    () => new Response(array, { headers: { "content-type": "application/json" } }),
  );
  const response = await handle(
    post("/gemini/v1beta/models/gem:streamGenerateContent", {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
    }, { "x-goog-api-key": "g-key-1234" }),
  );
  assert.equal(sent[0].url, "https://g.example/v1beta/models/gemini-real:streamGenerateContent");
  assert.equal(sent[0].json.generationConfig.maxOutputTokens, 512);
  assert.deepEqual(JSON.parse(await response.text()), [element]);
  assert.deepEqual([records[0].usage?.inputTokens, records[0].usage?.outputTokens], [4, 1]);
});

Deno.test("passthrough(): a stream is relayed as it came, its model renamed, its usage read", async () => {
  const chunk = (delta: unknown, finish: string | null = null) =>
    JSON.stringify({
      id: "c",
      model: "gpt-dated",
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  const { handle, records } = handlerWith(MODELS, () =>
    sse([
      chunk({ content: "Hi" }),
      chunk({}, "stop"),
      JSON.stringify({ id: "c", choices: [], usage: { prompt_tokens: 5, completion_tokens: 1 } }),
      "[DONE]",
    ]));
  const response = await handle(post("/openai/v1/chat/completions", { ...CHAT, stream: true }));
  const text = await response.text();
  assert.equal(text.split("gpt-dated").length, 1, text);
  assert.equal(text.split('"model":"chat"').length, 3, text);
  assert.ok(text.endsWith("data: [DONE]\n\n"), text);
  assert.deepEqual([records[0].usage?.inputTokens, records[0].usage?.outputTokens], [5, 1]);
});

Deno.test("passthrough(): a can_stream: false model is asked whole; the caller still gets a stream", async () => {
  const { handle, sent, records } = handlerWith(MODELS, () => json(chatCompletion("Whole")));
  const response = await handle(post("/openai/v1/chat/completions", {
    ...CHAT,
    model: "whole-only",
    stream: true,
    stream_options: { include_usage: true },
  }));
  assert.equal(sent[0].json.stream, false);
  assert.equal(sent[0].json.stream_options, undefined);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const text = await response.text();
  assert.match(text, /"content":"Whole"/);
  assert.match(text, /"model":"whole-only"/);
  assert.match(text, /"prompt_tokens":11/);
  assert.ok(text.endsWith("data: [DONE]\n\n"), text);
  assert.deepEqual([records[0].usage?.inputTokens, records[0].usage?.outputTokens], [11, 3]);
});

Deno.test("passthrough(): a Responses stream's web searches are counted, as its whole answer's are", async () => {
  const search = (n: number) => ({
    id: `ws_${n}`,
    type: "web_search_call",
    status: "completed",
    action: { type: "search", query: `q${n}` },
  });
  const message = {
    id: "msg_1",
    type: "message",
    role: "assistant",
    status: "completed",
    content: [{ type: "output_text", text: "Found.", annotations: [] }],
  };
  const done = {
    id: "resp_1",
    object: "response",
    model: "gpt-real-dated",
    status: "completed",
    output: [search(1), search(2), message],
    usage: { input_tokens: 30, output_tokens: 4, total_tokens: 34 },
  };
  const events: Array<[string, unknown]> = [
    ["response.created", { type: "response.created", response: { ...done, output: [] } }],
    ...done.output.map((item, i): [string, unknown] => [
      "response.output_item.done",
      { type: "response.output_item.done", output_index: i, item },
    ]),
    ["response.completed", { type: "response.completed", response: done }],
  ];
  const body = { model: "resp", input: "news?", tools: [{ type: "web_search" }] };
  for (const stream of [false, true]) {
    const { handle, records } = handlerWith(MODELS, () => stream ? sse(events) : json(done));
    const response = await handle(post("/openai/v1/responses", { ...body, stream }));
    await response.text();
    assert.equal(response.status, 200);
    assert.equal(records[0].usage?.serverToolUse?.webSearchRequests, 2, `stream: ${stream}`);
    assert.equal(records[0].usage?.outputTokens, 4);
  }
});
