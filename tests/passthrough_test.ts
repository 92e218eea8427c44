/**
 * Same-dialect pass-through, end to end: the official SDKs → the real proxy over HTTP → a mock
 * upstream on 127.0.0.1. The upstream's bytes must reach the caller unchanged but for the model
 * name, and what goes upstream is the caller's body but for the model name and the cap.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { GoogleGenAI } from "@google/genai";
import { json, type Mock, type Proxy, sse, startMock, startProxy } from "./_harness.ts";

function models(mock: Mock): string {
  return `
- model_id: claude-test
  model_name: claude-upstream-1
  api_base: ${mock.url}
  format: anthropic
  max_tokens: 4K
- model_id: gpt-test
  model_name: gpt-upstream-1
  api_base: ${mock.url}/v1
  format: openai
  max_tokens: 2000
  extra_headers:
    X-Extra: yes
  extra_body:
    provider:
      order: [a]
- model_id: gemini-test
  model_name: gemini-upstream-1
  api_base: ${mock.url}/v1beta
  format: gemini
  max_tokens: 1000
`;
}

async function withServers(
  fn: (mock: Mock, proxy: Proxy) => Promise<void>,
): Promise<void> {
  const mock = startMock(() => json({}));
  const proxy = startProxy(models(mock));
  try {
    await fn(mock, proxy);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

const ANTHROPIC_MESSAGE = {
  id: "msg_up",
  type: "message",
  role: "assistant",
  model: "claude-upstream-1",
  content: [{ type: "text", text: "Hello there" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 3, cache_read_input_tokens: 4 },
  future_field: { kept: true },
};

Deno.test("Anthropic pass-through: the SDK gets the upstream's answer with the caller's model name", async () => {
  await withServers(async (mock, proxy) => {
    mock.handle(() => json(ANTHROPIC_MESSAGE));
    const client = new Anthropic({
      apiKey: "sk-ant-caller-0001",
      baseURL: `${proxy.url}/anthropic`,
    });
    const message = await client.messages.create({
      model: "claude-test",
      max_tokens: 8000,
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.equal(message.model, "claude-test");
    assert.deepEqual(message.content, [{ type: "text", text: "Hello there" }]);
    assert.deepEqual((message as any).future_field, { kept: true });
    const got = mock.received[0];
    assert.equal(got.path, "/v1/messages");
    assert.equal(got.json.model, "claude-upstream-1");
    assert.equal(got.json.max_tokens, 4000, "capped to the model's max_tokens");
    assert.equal(got.headers.get("x-api-key"), "sk-ant-caller-0001");
    assert.equal(got.headers.get("authorization"), null, "the key goes in x-api-key only");
    assert.ok(got.headers.get("anthropic-version"));
  });
});

Deno.test("Anthropic pass-through streams the upstream's bytes unchanged but for the model", async () => {
  await withServers(async (mock, proxy) => {
    const events = [
      `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-upstream-1","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":1}}}\n\n`,
      `event: ping\ndata: {"type": "ping"}\n\n`,
      `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n`,
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}\n\n`,
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}\n\n`,
      `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`,
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}}\n\n`,
      `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
    ];
    // Split the byte stream at awkward places: the proxy must not care.
    const whole = events.join("");
    mock.handle(() => sse([whole.slice(0, 50), whole.slice(50, 333), whole.slice(333)]));
    const response = await fetch(`${proxy.url}/anthropic/v1/messages?beta=true`, {
      method: "POST",
      headers: { "x-api-key": "sk-ant-caller-0002", accept: "application/json" },
      body: JSON.stringify({
        model: "claude-test",
        max_tokens: 10,
        stream: true,
        messages: [{ role: "user", content: "Hi" }],
      }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    const body = await response.text();
    assert.equal(body, whole.replace('"model":"claude-upstream-1"', '"model":"claude-test"'));

    const client = new Anthropic({
      apiKey: "sk-ant-caller-0002",
      baseURL: `${proxy.url}/anthropic`,
    });
    mock.handle(() => sse(events));
    const stream = client.messages.stream({
      model: "claude-test",
      max_tokens: 10,
      messages: [{ role: "user", content: "Hi" }],
    });
    const final = await stream.finalMessage();
    assert.equal(final.model, "claude-test");
    assert.deepEqual(final.content, [{ type: "text", text: "Hello" }]);
    assert.equal(final.usage.output_tokens, 7);
  });
});

Deno.test("OpenAI pass-through: SDK, model renamed, cap, extra_headers and extra_body applied", async () => {
  await withServers(async (mock, proxy) => {
    mock.handle(() =>
      json({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "gpt-upstream-1",
        choices: [{
          index: 0,
          message: { role: "assistant", content: "Hi!" },
          finish_reason: "stop",
        }],
        usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
        system_fingerprint: "fp_x",
      })
    );
    const client = new OpenAI({
      apiKey: "sk-openai-caller-0003",
      baseURL: `${proxy.url}/openai/v1`,
    });
    const completion = await client.chat.completions.create({
      model: "gpt-test",
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.equal(completion.model, "gpt-test");
    assert.equal(completion.choices[0].message.content, "Hi!");
    assert.equal(completion.system_fingerprint, "fp_x");
    const got = mock.received[0];
    assert.equal(got.path, "/v1/chat/completions");
    assert.equal(got.json.model, "gpt-upstream-1");
    assert.equal(got.json.max_tokens, 2000, "a caller without a limit gets the cap");
    assert.deepEqual(got.json.provider, { order: ["a"] });
    assert.equal(got.json.stream_options, undefined, "nothing added in pass-through");
    assert.equal(got.headers.get("authorization"), "Bearer sk-openai-caller-0003");
    assert.equal(got.headers.get("x-extra"), "yes");
  });
});

Deno.test("OpenAI pass-through streams chunks with the caller's model name in each", async () => {
  await withServers(async (mock, proxy) => {
    const chunk = (delta: unknown, finish: string | null = null) =>
      `data: ${
        JSON.stringify({
          id: "c1",
          object: "chat.completion.chunk",
          created: 1,
          model: "gpt-upstream-1",
          choices: [{ index: 0, delta, finish_reason: finish }],
        })
      }\n\n`;
    const usage = `data: ${
      JSON.stringify({
        id: "c1",
        object: "chat.completion.chunk",
        created: 1,
        model: "gpt-upstream-1",
        choices: [],
        usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
      })
    }\n\n`;
    mock.handle(() =>
      sse([
        chunk({ role: "assistant", content: "" }),
        chunk({ content: "Hel" }),
        chunk({ content: "lo" }),
        chunk({}, "stop"),
        usage,
        "data: [DONE]\n\n",
      ])
    );
    const client = new OpenAI({
      apiKey: "sk-openai-caller-0004",
      baseURL: `${proxy.url}/openai/v1`,
    });
    const stream = await client.chat.completions.create({
      model: "gpt-test",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Hi" }],
    });
    let text = "";
    const models = new Set<string>();
    let usageSeen = 0;
    for await (const part of stream) {
      models.add(part.model);
      text += part.choices[0]?.delta?.content ?? "";
      if (part.usage) usageSeen = part.usage.total_tokens;
    }
    assert.equal(text, "Hello");
    assert.deepEqual([...models], ["gpt-test"]);
    assert.equal(usageSeen, 11);
  });
});

Deno.test("Gemini pass-through: @google/genai, streaming and not, model from the path", async () => {
  await withServers(async (mock, proxy) => {
    const answer = {
      candidates: [{
        content: { role: "model", parts: [{ text: "Hi from Gemini" }] },
        finishReason: "STOP",
        index: 0,
      }],
      usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 4, totalTokenCount: 7 },
      modelVersion: "gemini-upstream-1",
    };
    mock.handle((req) =>
      req.path.endsWith(":streamGenerateContent")
        ? sse([`data: ${JSON.stringify(answer)}\n\n`])
        : json(answer)
    );
    const ai = new GoogleGenAI({
      apiKey: "AIza-caller-0005",
      httpOptions: { baseUrl: `${proxy.url}/gemini` },
    });
    const result = await ai.models.generateContent({
      model: "gemini-test",
      contents: "Hi",
      config: { maxOutputTokens: 5000 },
    });
    assert.equal(result.text, "Hi from Gemini");
    const got = mock.received[0];
    assert.equal(got.path, "/v1beta/models/gemini-upstream-1:generateContent");
    assert.equal(got.headers.get("x-goog-api-key"), "AIza-caller-0005");
    assert.equal(got.json.generationConfig.maxOutputTokens, 1000);

    let streamed = "";
    for await (
      const chunk of await ai.models.generateContentStream({ model: "gemini-test", contents: "Hi" })
    ) {
      streamed += chunk.text ?? "";
    }
    assert.equal(streamed, "Hi from Gemini");
    assert.equal(mock.received[1].path, "/v1beta/models/gemini-upstream-1:streamGenerateContent");
    assert.equal(mock.received[1].search, "?alt=sse");
  });
});
