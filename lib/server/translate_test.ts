import assert from "node:assert/strict";
import { chatCompletion, handlerWith, json, post, sse } from "./_fake_upstream.ts";

const MODELS = `
- model_id: claude-on-openai
  model_name: gpt-real
  api_base: https://up.example/v1
  format: openai
  max_tokens: 2000
- model_id: whole-only
  model_name: gpt-real
  api_base: https://up.example/v1
  format: openai
  can_stream: false
- model_id: codex-model
  model_name: gpt-codex-real
  api_base: https://r.example/v1
  format: responses
`;

const ASK = {
  model: "claude-on-openai",
  max_tokens: 5000,
  messages: [{ role: "user", content: "hi" }],
};
const ANTHROPIC = { "x-api-key": "sk-caller-1234", "anthropic-version": "2023-06-01" };

Deno.test("translate(): the request goes to the model's upstream in its dialect, capped", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json(chatCompletion("Hello")));
  const response = await handle(post("/anthropic/v1/messages", ASK, ANTHROPIC));
  assert.equal(response.status, 200);
  assert.equal(sent[0].url, "https://up.example/v1/chat/completions");
  assert.equal(sent[0].headers.get("authorization"), "Bearer sk-caller-1234");
  assert.equal(sent[0].headers.get("x-api-key"), null);
  assert.equal(sent[0].json.model, "gpt-real");
  assert.equal(sent[0].json.max_tokens ?? sent[0].json.max_completion_tokens, 2000);
  const answer = await response.json();
  // The caller's dialect and model name, whatever the upstream called itself.
  assert.equal(answer.type, "message");
  assert.equal(answer.model, "claude-on-openai");
  assert.deepEqual(answer.content, [{ type: "text", text: "Hello" }]);
  assert.deepEqual([answer.usage.input_tokens, answer.usage.output_tokens], [11, 3]);
});

Deno.test("translate(): a stream for a can_stream: false model is asked whole and told as a stream", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json(chatCompletion("Whole")));
  const response = await handle(
    post("/anthropic/v1/messages", { ...ASK, model: "whole-only", stream: true }, ANTHROPIC),
  );
  assert.notEqual(sent[0].json.stream, true);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const text = await response.text();
  assert.match(text, /event: message_start/);
  assert.match(text, /"text":"Whole"/);
  assert.match(text, /event: message_stop/);
});

Deno.test("translate(): a stream request answered with a JSON error fails before any byte", async () => {
  const { handle } = handlerWith(
    MODELS,
    () => json({ error: { message: "Insufficient balance", code: 402 } }),
  );
  const response = await handle(
    post("/anthropic/v1/messages", { ...ASK, stream: true }, ANTHROPIC),
  );
  assert.equal(response.status, 402);
  assert.match((await response.json()).error.message, /Insufficient balance/);
});

Deno.test("translate(): a stream converts event by event and records the upstream's usage", async () => {
  const chunk = (delta: unknown, finish: string | null = null) =>
    JSON.stringify({ id: "c", choices: [{ index: 0, delta, finish_reason: finish }] });
  const { handle, records } = handlerWith(MODELS, () =>
    sse([
      chunk({ role: "assistant", content: "Hel" }),
      chunk({ content: "lo" }),
      chunk({}, "stop"),
      JSON.stringify({ id: "c", choices: [], usage: { prompt_tokens: 7, completion_tokens: 2 } }),
      "[DONE]",
    ]));
  const response = await handle(
    post("/anthropic/v1/messages", { ...ASK, stream: true }, ANTHROPIC),
  );
  const text = await response.text();
  assert.match(text, /"text":"Hel"/);
  assert.match(text, /"output_tokens":2/);
  assert.equal(records.length, 1);
  assert.deepEqual([records[0].usage?.inputTokens, records[0].usage?.outputTokens], [7, 2]);
  assert.equal(records[0].usageEstimated, false);
});

Deno.test("translate(): an upstream that reports no usage gets an estimate, marked as one", async () => {
  const { handle, records } = handlerWith(
    MODELS,
    () => json(chatCompletion("An answer", { prompt_tokens: 0, completion_tokens: 0 })),
  );
  const answer = await (await handle(post("/anthropic/v1/messages", ASK, ANTHROPIC))).json();
  assert.ok(answer.usage.input_tokens > 0 && answer.usage.output_tokens > 0);
  assert.equal(records[0].usageEstimated, true);
});

Deno.test("translate(): a converted request over max_request_bytes is refused, never sent", async () => {
  // OpenAI's tool wrapping makes the converted body longer than the caller's, which fits.
  const tools = Array.from({ length: 20 }, (_, i) => ({ name: `t${i}`, input_schema: {} }));
  const body = { ...ASK, tools };
  const { handle, sent } = handlerWith(
    MODELS,
    () => json(chatCompletion("x")),
    { maxRequestBytes: JSON.stringify(body).length },
  );
  const response = await handle(post("/anthropic/v1/messages", body, ANTHROPIC));
  assert.equal(response.status, 400);
  assert.match((await response.json()).error.message, /converted request would be \d+ bytes/);
  assert.equal(sent.length, 0);
});

Deno.test("translate(): a Responses upstream's overflow reaches each caller as its own overflow", async () => {
  // OpenAI reports an input over the window inside the stream, in a `response.failed`
  const error = {
    code: "context_length_exceeded",
    message: "Your input exceeds the context window of this model. Please adjust your input " +
      "and try again.",
  };
  const started = { id: "resp_1", object: "response", status: "in_progress", output: [] };
  const upstream = (sent: { json: { stream?: boolean } }) =>
    !sent.json.stream ? json({ ...started, status: "failed", error }) : sse([
      ["response.created", { type: "response.created", response: started }],
      ["response.failed", {
        type: "response.failed",
        response: { ...started, status: "failed", error },
      }],
    ]);
  const { handle } = handlerWith(MODELS, upstream);
  const claude = await handle(
    post("/anthropic/v1/messages", { ...ASK, model: "codex-model", stream: true }, ANTHROPIC),
  );
  // Claude Code compacts the conversation on Anthropic's words
  assert.match(await claude.text(), /"message":"prompt is too long/);
  const opencode = await handle(
    post("/openai/v1/chat/completions", { ...ASK, model: "codex-model", stream: true }),
  );
  assert.match(await opencode.text(), /"code":"context_length_exceeded"/);
  const whole = await handle(
    post("/anthropic/v1/messages", { ...ASK, model: "codex-model" }, ANTHROPIC),
  );
  assert.equal(whole.status, 400);
  assert.match((await whole.json()).error.message, /^prompt is too long/);
});
