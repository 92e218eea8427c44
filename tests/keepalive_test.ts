/**
 * An upstream that only sends keep-alive comments (`: OPENROUTER PROCESSING`) while it thinks:
 * callers get a keep-alive of their own dialect meanwhile, and `total_timeout_seconds` ends a
 * request that would otherwise run for ever.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type Mock, parseSse, type Proxy, startMock, startProxy } from "./_harness.ts";

const KEY = "sk-keepalive-000000000000000";

/** An SSE answer that sends a comment every 50 ms until its reader goes away. */
function commentsForever(): Response {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setInterval> | undefined;
  return new Response(
    new ReadableStream<Uint8Array>({
      start(controller) {
        timer = setInterval(() => {
          try {
            controller.enqueue(encoder.encode(": OPENROUTER PROCESSING\n\n"));
          } catch {
            clearInterval(timer);
          }
        }, 50);
      },
      cancel: () => clearInterval(timer),
    }),
    { headers: { "content-type": "text/event-stream" } },
  );
}

function models(mock: Mock): string {
  return `- model_id: slow\n  api_base: ${mock.url}/v1\n  format: openai\n`;
}

async function stream(proxy: Proxy, caller: string): Promise<string> {
  const messages = [{ role: "user", content: "think hard" }];
  const [path, body] = caller === "anthropic"
    ? ["/anthropic/v1/messages", { model: "slow", max_tokens: 10, stream: true, messages }]
    : caller === "openai"
    ? ["/openai/v1/chat/completions", { model: "slow", stream: true, messages }]
    : [
      "/gemini/v1beta/models/slow:streamGenerateContent?alt=sse",
      { contents: [{ role: "user", parts: [{ text: "think hard" }] }] },
    ];
  const response = await fetch(`${proxy.url}${path}`, {
    method: "POST",
    headers: { "x-api-key": KEY, "x-goog-api-key": KEY, authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000), // the test's own safety: the proxy must end it first
  });
  assert.equal(response.status, 200);
  return await response.text();
}

Deno.test("keep-alive comments reach each caller as its dialect allows, and total_timeout_seconds ends the stream", async () => {
  const mock = startMock(() => commentsForever());
  const proxy = startProxy(models(mock), { timeoutSeconds: 60, totalTimeoutSeconds: 1 });
  try {
    const anthropic = await stream(proxy, "anthropic");
    const events = parseSse(anthropic);
    assert.equal(events[0].event, "message_start", "pings come after the message's start");
    assert.ok(events.some((e) => e.event === "ping"), "Anthropic: event: ping");
    assert.equal(events.at(-1)?.event, "error");
    assert.equal(events.at(-1)?.data.error.type, "timeout_error");
    assert.match(events.at(-1)?.data.error.message, /total_timeout_seconds \(1 s\)/);

    const openai = await stream(proxy, "openai");
    const lines = openai.split("\n").filter((l) => l !== "");
    assert.ok(lines.some((l) => l.startsWith(":")), "OpenAI: SSE comments");
    assert.match(JSON.parse(lines.at(-1)!.slice(5)).error.message, /total_timeout_seconds/);

    const gemini = await stream(proxy, "gemini");
    const geminiLines = gemini.split("\n").filter((l) => l !== "");
    assert.ok(geminiLines.every((l) => l.startsWith("data: ")), "Gemini: data lines only");
    assert.match(JSON.parse(geminiLines.at(-1)!.slice(6)).error.message, /total_timeout_seconds/);

    assert.equal(proxy.logs.length, 3);
    for (const line of proxy.logs) assert.equal(JSON.parse(line).status, 504);
  } finally {
    await proxy.close();
    await mock.close();
  }
});

Deno.test("total_timeout_seconds: an upstream that never answers is a 504 before any byte", async () => {
  // Never answers; gives up only when the proxy hangs up.
  const mock = startMock((_, signal) =>
    new Promise<Response>((resolve) => {
      signal.addEventListener("abort", () => resolve(new Response(null)));
    })
  );
  const proxy = startProxy(models(mock), { timeoutSeconds: 60, totalTimeoutSeconds: 1 });
  try {
    const response = await fetch(`${proxy.url}/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": KEY },
      body: JSON.stringify({
        model: "slow",
        max_tokens: 10,
        messages: [{ role: "user", content: "x" }],
      }),
      signal: AbortSignal.timeout(20_000),
    });
    assert.equal(response.status, 504);
    const body = await response.json();
    assert.equal(body.error.type, "timeout_error");
    assert.match(body.error.message, /total_timeout_seconds \(1 s\)/);
  } finally {
    await proxy.close();
    await mock.close();
  }
});

Deno.test("the official SDKs read through the keep-alives to the timeout error", async () => {
  const mock = startMock(() => commentsForever());
  const proxy = startProxy(models(mock), { timeoutSeconds: 60, totalTimeoutSeconds: 1 });
  try {
    const anthropic = new Anthropic({ apiKey: KEY, baseURL: `${proxy.url}/anthropic` });
    const stream = anthropic.messages.stream({
      model: "slow",
      max_tokens: 10,
      messages: [{ role: "user", content: "think hard" }],
    });
    await assert.rejects(stream.finalMessage(), /total_timeout_seconds/);
    const openai = new OpenAI({ apiKey: KEY, baseURL: `${proxy.url}/openai/v1` });
    const chunks = await openai.chat.completions.create({
      model: "slow",
      stream: true,
      messages: [{ role: "user", content: "think hard" }],
    });
    await assert.rejects(async () => {
      for await (const _ of chunks) {
        // the role chunk, then the error
      }
    }, /total_timeout_seconds/);
  } finally {
    await proxy.close();
    await mock.close();
  }
});
