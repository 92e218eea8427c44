import assert from "node:assert/strict";
import { chatCompletion, handlerWith, json, post } from "./_fake_upstream.ts";

const MODELS = `
- model_id: m
  api_base: https://up.example/v1
  format: openai
  context: 128K
  max_tokens: 4K
`;

Deno.test("createHandler(): an unknown path is a 404 in the dialect its prefix names", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json({}));
  const openai = await handle(post("/openai/v1/nope", {}));
  assert.equal(openai.status, 404);
  assert.equal((await openai.json()).error.type, "invalid_request_error");
  const gemini = await handle(post("/gemini/v1beta/models/m:embedContent", {}));
  assert.equal(gemini.status, 404);
  assert.equal((await gemini.json()).error.status, "NOT_FOUND");
  assert.equal(sent.length, 0);
});

Deno.test("createHandler(): a route's other method is a 405 with Allow, in its dialect", async () => {
  const { handle } = handlerWith(MODELS, () => json({}));
  const response = await handle(new Request("http://127.0.0.1:8082/anthropic/v1/messages"));
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "POST");
  assert.equal((await response.json()).type, "error");
});

Deno.test("createHandler(): a HEAD warm-up on a prefix is answered without auth or upstream", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json({}));
  const response = await handle(new Request("http://127.0.0.1:8082/anthropic", { method: "HEAD" }));
  assert.equal(response.status, 200);
  assert.equal(sent.length, 0);
});

Deno.test("createHandler(): one model is listed in each dialect's own shape", async () => {
  const { handle } = handlerWith(MODELS, () => json({}));
  const get = (path: string) => handle(new Request(`http://127.0.0.1:8082${path}`));
  const anthropic = await (await get("/anthropic/v1/models/m")).json();
  assert.equal(anthropic.type, "model");
  assert.equal(anthropic.id, "m");
  assert.equal(anthropic.max_input_tokens, 128_000);
  const openai = await (await get("/openai/v1/models/m")).json();
  assert.deepEqual(Object.keys(openai).sort(), ["created", "id", "object", "owned_by"]);
  const gemini = await (await get("/gemini/v1beta/models/m")).json();
  assert.equal(gemini.name, "models/m");
  assert.equal(gemini.outputTokenLimit, 4000);
  assert.equal((await get("/openai/v1/models/nope")).status, 404);
});

Deno.test("createHandler(): past max_in_flight a POST gets a 503 with Retry-After", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const { handle, sent } = handlerWith(
    MODELS,
    async () => {
      await held;
      return json(chatCompletion("hi"));
    },
    {},
    1,
  );
  const body = { model: "m", messages: [{ role: "user", content: "hi" }] };
  const first = handle(post("/openai/v1/chat/completions", body));
  const second = await handle(post("/openai/v1/chat/completions", body));
  assert.equal(second.status, 503);
  assert.equal(second.headers.get("retry-after"), "1");
  release();
  assert.equal((await first).status, 200);
  assert.equal(sent.length, 1);
});
