import assert from "node:assert/strict";
import { handlerWith, json, post } from "./_fake_upstream.ts";

const MODELS = `
- model_id: on-openai
  api_base: https://o.example/v1
  format: openai
- model_id: on-gemini
  model_name: gemini-real
  api_base: https://g.example/v1beta
  format: gemini
- model_id: on-claude
  model_name: claude-real
  api_base: https://a.example
  format: anthropic
`;
const KEY = { "x-api-key": "sk-caller-1234" };
const COUNT = { messages: [{ role: "user", content: "How many tokens is this?" }] };

Deno.test("count_tokens: an upstream without a counter is counted locally, and says so", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json({}));
  const response = await handle(
    post("/anthropic/v1/messages/count_tokens", { ...COUNT, model: "on-openai" }, KEY),
  );
  const answer = await response.json();
  assert.ok(answer.input_tokens > 0, JSON.stringify(answer));
  assert.equal(response.headers.get("x-proxy-token-count"), "estimated");
  assert.equal(sent.length, 0);
});

Deno.test("count_tokens: an upstream's own counter answers in the caller's shape", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json({ totalTokens: 42 }));
  const response = await handle(
    post("/anthropic/v1/messages/count_tokens", { ...COUNT, model: "on-gemini" }, KEY),
  );
  assert.deepEqual(await response.json(), { input_tokens: 42 });
  assert.equal(response.headers.get("x-proxy-token-count"), null);
  assert.equal(sent[0].url, "https://g.example/v1beta/models/gemini-real:countTokens");
  assert.equal(sent[0].json.generateContentRequest.model, "models/gemini-real");
  assert.equal(
    sent[0].json.generateContentRequest.contents[0].parts[0].text,
    COUNT.messages[0].content,
  );
});

Deno.test("count_tokens: a failing counter falls back to the local count, with its status", async () => {
  const { handle } = handlerWith(MODELS, () => json({ error: { message: "busy" } }, 503));
  const response = await handle(
    post("/gemini/v1beta/models/on-claude:countTokens", {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
    }, { "x-goog-api-key": "g-key-1234" }),
  );
  assert.ok((await response.json()).totalTokens > 0);
  assert.equal(
    response.headers.get("x-proxy-token-count"),
    "estimated; the upstream counter failed (503)",
  );
});

Deno.test("count_tokens: the same dialect passes through with only the model renamed", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json({ input_tokens: 9 }));
  const body = { ...COUNT, model: "on-claude", system: "s" };
  const response = await handle(post("/anthropic/v1/messages/count_tokens", body, KEY));
  assert.deepEqual(await response.json(), { input_tokens: 9 });
  assert.equal(sent[0].url, "https://a.example/v1/messages/count_tokens");
  assert.deepEqual(sent[0].json, { ...body, model: "claude-real" });
});
