/**
 * Usage from upstreams that report none: estimated (never zeros), marked so in the log, and
 * never replacing real figures.
 */
import assert from "node:assert/strict";
import { json, parseSse, sse, startMock, startProxy } from "./_harness.ts";

const CHUNK = (delta: unknown, finish: string | null = null) =>
  `data: ${
    JSON.stringify({
      id: "c1",
      object: "chat.completion.chunk",
      created: 1,
      model: "up",
      choices: [{ index: 0, delta, finish_reason: finish }],
    })
  }\n\n`;

const REQUEST = {
  model: "m",
  max_tokens: 100,
  system: "You are a careful assistant who answers in one short sentence.",
  messages: [{ role: "user", content: "Say something about the weather in Lisbon in spring." }],
};

async function withProxy(fn: (url: string, logs: string[]) => Promise<void>) {
  const mock = startMock(() => json({}));
  const proxy = startProxy(`- model_id: m\n  model_name: up\n  api_base: ${mock.url}\n`);
  mock.handle((req) =>
    req.json.stream
      ? sse([
        CHUNK({ role: "assistant", content: "" }),
        CHUNK({ content: "Lisbon springs are mild, bright and breezy." }),
        CHUNK({}, "stop"),
        "data: [DONE]\n\n",
      ])
      : json({
        id: "c1",
        object: "chat.completion",
        created: 1,
        model: "up",
        choices: [{
          index: 0,
          message: { role: "assistant", content: "Lisbon springs are mild, bright and breezy." },
          finish_reason: "stop",
        }],
      })
  );
  try {
    await fn(proxy.url, proxy.logs);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

Deno.test("a stream without usage ends with estimated usage, marked in the log", async () => {
  await withProxy(async (url, logs) => {
    const response = await fetch(`${url}/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "sk-estimate-0001" },
      body: JSON.stringify({ ...REQUEST, stream: true }),
    });
    const events = parseSse(await response.text());
    const delta = events.find((e) => e.event === "message_delta")!.data;
    assert.ok(delta.usage.input_tokens > 10, JSON.stringify(delta.usage));
    assert.ok(delta.usage.output_tokens >= 8 && delta.usage.output_tokens <= 16);
    const line = JSON.parse(logs.find((l) => l.includes('"caller":"anthropic"'))!);
    assert.equal(line.usage_estimated, true);
    assert.equal(line.input_tokens, delta.usage.input_tokens);
  });
});

Deno.test("a whole answer without usage carries estimated usage", async () => {
  await withProxy(async (url, logs) => {
    const response = await fetch(`${url}/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "sk-estimate-0002" },
      body: JSON.stringify(REQUEST),
    });
    const body = await response.json();
    assert.ok(body.usage.input_tokens > 10);
    assert.ok(body.usage.output_tokens >= 8);
    assert.ok(logs.some((l) => JSON.parse(l).usage_estimated === true));
  });
});
