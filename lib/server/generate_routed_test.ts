/** A request sent to a router, through the handler: who serves it, and what says so. */
import assert from "node:assert/strict";
import { CODECS } from "../dialects.ts";
import { chatCompletion, handlerWith, json, post, type Sent, sse } from "./_fake_upstream.ts";

const MODELS = `
- model_id: chat
  model_name: gpt-real
  api_base: https://up.example/v1
  format: openai
  fallbacks: [chat-backup, elsewhere]
- model_id: chat-backup
  model_name: gpt-backup
  api_base: https://up.example/v1
  format: openai
- model_id: elsewhere
  model_name: gpt-else
  api_base: https://else.example/v1
  format: openai
- model_id: claude
  model_name: claude-real
  api_base: https://a.example
  format: anthropic
  api_key: sk-own-anthropic-1111
- model_id: gem
  model_name: gemini-real
  api_base: https://g.example/v1beta
  format: gemini
  api_key: sk-own-gemini-2222
- model_id: router
  aliases: ["claude-*"]
  route:
    - when: {model: "claude-*haiku*"}
      to: claude
    - when: {images: true}
      to: gem
    - to: chat
`;

const MESSAGE = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-real",
  content: [{ type: "text", text: "from claude" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 5, output_tokens: 2 },
};

const GEMINI = {
  candidates: [{
    content: { role: "model", parts: [{ text: "from gemini" }] },
    finishReason: "STOP",
  }],
  usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 },
  modelVersion: "gemini-real",
};

/** Each upstream answers in its own dialect, known by its host. */
function upstreams(sent: Sent): Response {
  if (sent.url.startsWith("https://a.example")) return json(MESSAGE);
  if (sent.url.startsWith("https://g.example")) return json(GEMINI);
  return json(chatCompletion(`from ${sent.json.model}`));
}

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

function ask(model: string, content: unknown = "hi", extra: Record<string, unknown> = {}) {
  return post("/anthropic/v1/messages", {
    model,
    max_tokens: 100,
    messages: [{ role: "user", content }],
    ...extra,
  });
}

Deno.test("a router's pick serves the request; the answer names the model the caller sent", async () => {
  const { handle, sent, records } = handlerWith(MODELS, upstreams);
  const converted = await handle(ask("claude-sonnet-4-5"));
  assert.equal(converted.status, 200);
  assert.equal(converted.headers.get("x-proxy-model"), "chat");
  const body = await converted.json();
  assert.equal(body.model, "claude-sonnet-4-5");
  assert.deepEqual(body.content, [{ type: "text", text: "from gpt-real" }]);
  assert.equal(sent[0].url, "https://up.example/v1/chat/completions");
  assert.equal(sent[0].headers.get("authorization"), "Bearer sk-test-1234", "the caller's key");
  assert.equal(records[0].requestedModel, "claude-sonnet-4-5");
  assert.equal(records[0].modelId, "chat");
  assert.equal(records[0].route, "router#3");

  const passed = await handle(ask("claude-haiku-4-5"));
  assert.equal(passed.headers.get("x-proxy-model"), "claude");
  assert.equal((await passed.json()).model, "claude-haiku-4-5");
  assert.equal(sent[1].url, "https://a.example/v1/messages");
  assert.equal(sent[1].json.model, "claude-real", "passed through");
  assert.equal(sent[1].headers.get("x-api-key"), "sk-own-anthropic-1111", "the entry's own key");
  assert.equal(records[1].route, "router#1");

  const image = [{ type: "image", source: { type: "base64", media_type: "image/png", data: PNG } }];
  const seen = await handle(ask("claude-opus-4-7", image));
  assert.equal(seen.headers.get("x-proxy-model"), "gem");
  assert.equal((await seen.json()).content[0].text, "from gemini");
  assert.match(sent[2].url, /^https:\/\/g\.example\/v1beta\/models\/gemini-real:generateContent/);
  assert.equal(sent[2].headers.get("x-goog-api-key"), "sk-own-gemini-2222");
});

Deno.test("x-proxy-model names the serving entry on streams, and on errors", async () => {
  const { handle, records } = handlerWith(
    MODELS,
    (sent) =>
      sent.url.startsWith("https://a.example")
        ? json({ type: "error", error: { type: "overloaded_error", message: "busy" } }, 529)
        : sse([
          JSON.stringify({
            id: "c",
            object: "chat.completion.chunk",
            choices: [{ index: 0, delta: { content: "streamed" }, finish_reason: null }],
          }),
          JSON.stringify({
            id: "c",
            object: "chat.completion.chunk",
            choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
          }),
          "[DONE]",
        ]),
  );
  const stream = await handle(ask("claude-sonnet-4-5", "hi", { stream: true }));
  assert.equal(stream.headers.get("x-proxy-model"), "chat");
  const text = await stream.text();
  assert.match(text, /"model":"claude-sonnet-4-5"/);
  assert.match(text, /streamed/);
  const failed = await handle(ask("claude-haiku-4-5", "hi", { stream: true }));
  assert.equal(failed.status, 529);
  assert.equal(failed.headers.get("x-proxy-model"), "claude");
  assert.equal(records[1].modelId, "claude");
});

Deno.test("the picked entry's fallbacks apply, with its own key rules", async () => {
  const { handle, sent, records } = handlerWith(
    MODELS,
    (call) =>
      call.json.model === "gpt-real"
        ? json({ error: { message: "down", type: "server_error" } }, 503)
        : json(chatCompletion(`from ${call.json.model}`)),
  );
  const response = await handle(ask("claude-sonnet-4-5"));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-proxy-model"), "chat-backup");
  assert.equal((await response.json()).content[0].text, "from gpt-backup");
  // The caller's key went to the picked entry's api_base only: "elsewhere" has no key of its own.
  assert.deepEqual(sent.map((s) => s.json.model), ["gpt-real", "gpt-backup"]);
  assert.equal(records[0].modelId, "chat-backup");
  assert.equal(records[0].route, "router#3");
});

Deno.test("a rule on the name alone decodes nothing: a body only the upstream reads passes through", async () => {
  // A block type the proxy's decoder does not know (a newer Claude Code's, say).
  const unknown = [{ type: "future_block", data: 1 }];
  const { handle, sent } = handlerWith(MODELS, upstreams);
  const passed = await handle(ask("claude-haiku-4-5", unknown));
  assert.equal(passed.status, 200, "the haiku rule picks without reading the body");
  assert.deepEqual(sent[0].json.messages[0].content, unknown);
  // To get past the haiku rule the images rule reads the body, which cannot be read.
  const read = await handle(ask("claude-sonnet-4-5", unknown));
  assert.equal(read.status, 400);
  assert.match((await read.json()).error.message, /unknown content block type "future_block"/);
  assert.equal(sent.length, 1);
});

Deno.test("count_tokens on a router counts with the entry that would serve the request", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json({ input_tokens: 42 }));
  const count = (model: string) =>
    handle(post("/anthropic/v1/messages/count_tokens", {
      model,
      messages: [{ role: "user", content: "hello there" }],
    }));
  const local = await count("claude-sonnet-4-5");
  assert.equal(local.headers.get("x-proxy-model"), "chat");
  assert.equal(local.headers.get("x-proxy-token-count"), "estimated", "openai has no counter");
  assert.ok((await local.json()).input_tokens > 0);
  assert.equal(sent.length, 0);
  const upstream = await count("claude-haiku-4-5");
  assert.equal(upstream.headers.get("x-proxy-model"), "claude");
  assert.deepEqual(await upstream.json(), { input_tokens: 42 });
  assert.equal(sent[0].url, "https://a.example/v1/messages/count_tokens");
});

Deno.test("a router is listed among the models, with its default's limits", async () => {
  const { handle } = handlerWith(MODELS, upstreams);
  const list = await (await handle(
    new Request("http://127.0.0.1:8082/openai/v1/models", {
      headers: { authorization: "Bearer sk-test-1234" },
    }),
  )).json();
  assert.ok(list.data.some((m: { id: string }) => m.id === "router"));
  const one = await handle(
    new Request("http://127.0.0.1:8082/anthropic/v1/models/claude-sonnet-4-5", {
      headers: { "x-api-key": "sk-test-1234" },
    }),
  );
  assert.equal(one.status, 200);
  assert.equal((await one.json()).id, "claude-sonnet-4-5");
});

Deno.test("an unknown model's 404 lists the routers too", async () => {
  const { handle } = handlerWith(MODELS, upstreams);
  const response = await handle(ask("nope"));
  assert.equal(response.status, 404);
  assert.match((await response.json()).error.message, /available: .*gem, router/);
  assert.equal(response.headers.get("x-proxy-model"), null);
});

Deno.test("a routed request is decoded once, for the rules and the conversion alike; a model's too", async () => {
  const codec = CODECS.anthropic;
  const decode = codec.decodeRequest;
  let decoded = 0;
  codec.decodeRequest = (body, context) => (decoded++, decode(body, context));
  try {
    const { handle } = handlerWith(MODELS, upstreams);
    const converted = await handle(ask("claude-sonnet-4-5")); // the images rule read it
    assert.equal(converted.headers.get("x-proxy-model"), "chat");
    assert.equal(decoded, 1);
    const direct = await handle(ask("chat"));
    assert.equal(direct.status, 200);
    assert.equal(decoded, 2, "a request to a model is decoded once, as before");
    const passed = await handle(ask("claude-haiku-4-5")); // the name alone picked Claude
    assert.equal(passed.headers.get("x-proxy-model"), "claude");
    assert.equal(decoded, 2, "nothing decoded for a pass-through picked by its name");
  } finally {
    codec.decodeRequest = decode;
  }
});
