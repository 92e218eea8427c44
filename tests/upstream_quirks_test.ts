/**
 * What real providers and clients do that the happy path does not: a stream request answered
 * with HTTP 200 and JSON (an error, or a whole answer), and input that only fails deep inside a
 * conversion. Each gets a clear answer in the caller's dialect, never a 500.
 */
import assert from "node:assert/strict";
import { json, type Mock, parseSse, startMock, startProxy } from "./_harness.ts";

async function withOpenAIUpstream(fn: (url: string, mock: Mock) => Promise<void>) {
  const mock = startMock(() => json({}));
  const proxy = startProxy(`- model_id: m\n  model_name: up\n  api_base: ${mock.url}\n`);
  try {
    await fn(proxy.url, mock);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

function anthropicCall(url: string, body: Record<string, unknown>) {
  return fetch(`${url}/anthropic/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": "sk-quirks-0001" },
    body: JSON.stringify({ model: "m", max_tokens: 50, ...body }),
  });
}

Deno.test("a stream request answered with a 200 JSON error gets that error, not an empty stream", async () => {
  await withOpenAIUpstream(async (url, mock) => {
    mock.handle(() => json({ error: { message: "Insufficient balance", type: "payment" } }));
    const response = await anthropicCall(url, {
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(response.status, 502);
    const body = await response.json();
    assert.equal(body.type, "error");
    assert.equal(body.error.message, "Insufficient balance");
  });
});

Deno.test("a stream request answered with a whole JSON answer still gets a proper stream", async () => {
  await withOpenAIUpstream(async (url, mock) => {
    mock.handle(() =>
      json({
        id: "c",
        object: "chat.completion",
        created: 1,
        model: "up",
        choices: [{
          index: 0,
          message: { role: "assistant", content: "Hello" },
          finish_reason: "stop",
        }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      })
    );
    const response = await anthropicCall(url, {
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(response.status, 200);
    const events = parseSse(await response.text());
    assert.deepEqual(events.map((e) => e.event), [
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    assert.equal(events[2].data.delta.text, "Hello");
    assert.equal(events[4].data.usage.output_tokens, 1);
  });
});

Deno.test("a malformed base64 text document is a 400 in the caller's dialect, not a 500", async () => {
  await withOpenAIUpstream(async (url, mock) => {
    const response = await anthropicCall(url, {
      messages: [{
        role: "user",
        content: [{
          type: "document",
          source: { type: "base64", media_type: "text/plain", data: "%%%not base64%%%" },
        }],
      }],
    });
    assert.equal(response.status, 400);
    const body = await response.json();
    assert.equal(body.error.type, "invalid_request_error");
    assert.equal(mock.received.length, 0, "nothing was sent upstream");
  });
});
