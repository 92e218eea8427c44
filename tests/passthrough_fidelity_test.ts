/**
 * Same-dialect pass-through against upstreams that behave like the real ones: dated model names
 * in answers, CR-only SSE line ends, Gemini's JSON-array stream cut short, every spelling of the
 * output limit, and body fields that would steer a model running on the proxy's own key. Each
 * request goes through the real server to a mock upstream on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { json, type Mock, oneRequest, type Proxy, startMock, startProxy } from "./_harness.ts";
import { authHeader, KEY } from "./_reliability.ts";

const MODEL_KEY = "sk-operator-own-key-4242";

function models(mock: Mock): string {
  return `
- model_id: claude-test
  model_name: claude-sonnet-4-5
  api_base: ${mock.url}
  format: anthropic
  max_tokens: 4K
- model_id: gpt-test
  model_name: gpt-4o
  api_base: ${mock.url}/v1
  format: openai
  max_tokens: 2000
- model_id: gemini-test
  model_name: gemini-2.5-pro
  api_base: ${mock.url}/v1beta
  format: gemini
  max_tokens: 1000
- model_id: router-own-key
  model_name: moonshotai/kimi-k2
  api_base: ${mock.url}/v1
  format: openai
  api_key: ${MODEL_KEY}
- model_id: router-allowed
  model_name: moonshotai/kimi-k2
  api_base: ${mock.url}/v1
  format: openai
  api_key: ${MODEL_KEY}
  allow_params: [provider]
- model_id: claude-own-key
  model_name: claude-sonnet-4-5
  api_base: ${mock.url}
  format: anthropic
  api_key: ${MODEL_KEY}
`;
}

async function withServers(fn: (mock: Mock, proxy: Proxy) => Promise<void>): Promise<void> {
  const mock = startMock(() => json({}));
  const proxy = startProxy(models(mock), { timeoutSeconds: 10 });
  try {
    await fn(mock, proxy);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

function post(proxy: Proxy, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${proxy.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

function sseBody(text: string, pieces = 1): Response {
  const encoder = new TextEncoder();
  const size = Math.ceil(text.length / pieces);
  let at = 0;
  return new Response(
    new ReadableStream({
      pull(c) {
        if (at >= text.length) return c.close();
        c.enqueue(encoder.encode(text.slice(at, at += size)));
      },
    }),
    { headers: { "content-type": "text/event-stream" } },
  );
}

const TOOL_INPUT = { model: "inner-model", query: 'say "model": x' };

Deno.test("pass-through answers carry the caller's model name, whatever dated name the upstream put there", async () => {
  await withServers(async (mock, proxy) => {
    // Whole answers: the answer's own `model` only, never one inside content or tool input.
    const anthropicAnswer = JSON.stringify({
      id: "msg_1",
      type: "message",
      role: "assistant",
      content: [
        { type: "text", text: '{"model": "in text"}' },
        { type: "tool_use", id: "toolu_1", name: "search", input: TOOL_INPUT },
      ],
      model: "claude-sonnet-4-5-20250929",
      stop_reason: "tool_use",
      usage: { input_tokens: 5, output_tokens: 2 },
    });
    mock.handle(() =>
      new Response(anthropicAnswer, { headers: { "content-type": "application/json" } })
    );
    const { result: anthropic } = await oneRequest(proxy, async () => {
      const response = await post(proxy, "/anthropic/v1/messages", {
        model: "claude-test",
        max_tokens: 100,
        messages: [{ role: "user", content: "Hi" }],
      }, authHeader("anthropic"));
      return await response.text();
    });
    assert.equal(
      anthropic,
      anthropicAnswer.replace('"claude-sonnet-4-5-20250929"', '"claude-test"'),
    );
    // OpenAI puts `model` after the content here; the tool's arguments hold a "model" too.
    const openaiAnswer = JSON.stringify({
      id: "chatcmpl-1",
      object: "chat.completion",
      choices: [{
        index: 0,
        message: {
          role: "assistant",
          content: null,
          tool_calls: [{
            id: "call_1",
            type: "function",
            function: { name: "search", arguments: JSON.stringify(TOOL_INPUT) },
          }],
        },
        finish_reason: "tool_calls",
      }],
      model: "gpt-4o-2024-08-06",
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    });
    mock.handle(() =>
      new Response(openaiAnswer, { headers: { "content-type": "application/json" } })
    );
    const { result: openai } = await oneRequest(proxy, async () => {
      const response = await post(proxy, "/openai/v1/chat/completions", {
        model: "gpt-test",
        messages: [{ role: "user", content: "Hi" }],
      }, authHeader("openai"));
      return await response.text();
    });
    assert.equal(openai, openaiAnswer.replace('"gpt-4o-2024-08-06"', '"gpt-test"'));
  });
});

Deno.test("pass-through streams carry the caller's model name in every event that has one, and nothing else changes", async () => {
  await withServers(async (mock, proxy) => {
    const anthropicEvents = [
      `event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"usage":{"input_tokens":20,"output_tokens":1}}}\n\n`,
      `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"model":"inner"}}}\n\n`,
      `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`,
      `event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}\n\n`,
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"{\\"model\\":\\"x\\"}"}}\n\n`,
      `event: content_block_stop\ndata: {"type":"content_block_stop","index":1}\n\n`,
      `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":7}}\n\n`,
      `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
    ].join("");
    mock.handle(() => sseBody(anthropicEvents, 3));
    const { result: anthropic } = await oneRequest(proxy, async () => {
      const response = await post(proxy, "/anthropic/v1/messages", {
        model: "claude-test",
        max_tokens: 100,
        stream: true,
        messages: [{ role: "user", content: "Hi" }],
      }, authHeader("anthropic"));
      return await response.text();
    });
    assert.equal(
      anthropic,
      anthropicEvents.replace('"model":"claude-sonnet-4-5-20250929"', '"model":"claude-test"'),
    );

    const chunk = (rest: string) =>
      `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-2024-08-06",${rest}}\n\n`;
    const openaiEvents = [
      chunk(`"choices":[{"index":0,"delta":{"role":"assistant","content":"{\\"model\\": 1}"}}]`),
      `data: {"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":"{\\"model\\":\\"y\\"}"}}]}}],"model":"gpt-4o-2024-08-06"}\n\n`,
      chunk(`"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]`),
      chunk(`"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}`),
      "data: [DONE]\n\n",
    ].join("");
    mock.handle(() => sseBody(openaiEvents, 4));
    const { result: openai, line } = await oneRequest(proxy, async () => {
      const response = await post(proxy, "/openai/v1/chat/completions", {
        model: "gpt-test",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "Hi" }],
      }, authHeader("openai"));
      return await response.text();
    });
    assert.equal(
      openai,
      openaiEvents.replaceAll('"model":"gpt-4o-2024-08-06"', '"model":"gpt-test"'),
    );
    assert.equal(line.input_tokens, 9);
  });
});

Deno.test("Gemini :countTokens passed through names the upstream's model in generateContentRequest", async () => {
  await withServers(async (mock, proxy) => {
    mock.handle(() => json({ totalTokens: 12 }));
    const { result } = await oneRequest(proxy, async () => {
      const response = await post(proxy, "/gemini/v1beta/models/gemini-test:countTokens", {
        generateContentRequest: {
          model: "models/gemini-test",
          contents: [{ role: "user", parts: [{ text: "Hi" }] }],
        },
      }, authHeader("gemini"));
      return await response.json();
    });
    assert.deepEqual(result, { totalTokens: 12 });
    assert.equal(mock.received[0].json.generateContentRequest.model, "models/gemini-2.5-pro");
  });
});

Deno.test("a pass-through stream with CR-only line ends streams as it comes, not at its end", async () => {
  await withServers(async (mock, proxy) => {
    const cases = [
      {
        path: "/anthropic/v1/messages",
        body: {
          model: "claude-test",
          max_tokens: 9,
          stream: true,
          messages: [{ role: "user", content: "Hi" }],
        },
        caller: "anthropic" as const,
        first:
          `event: message_start\rdata: {"type":"message_start","message":{"id":"m","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":2,"output_tokens":0}}}\r\r`,
        rest:
          `event: content_block_start\rdata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\r\revent: content_block_delta\rdata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}\r\revent: content_block_stop\rdata: {"type":"content_block_stop","index":0}\r\revent: message_delta\rdata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":1}}\r\revent: message_stop\rdata: {"type":"message_stop"}\r\r`,
      },
      {
        path: "/openai/v1/chat/completions",
        body: { model: "gpt-test", stream: true, messages: [{ role: "user", content: "Hi" }] },
        caller: "openai" as const,
        first:
          `data: {"id":"c","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"o"}}]}\r\r`,
        rest:
          `data: {"id":"c","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"k"},"finish_reason":"stop"}]}\r\rdata: [DONE]\r\r`,
      },
      {
        path: "/gemini/v1beta/models/gemini-test:streamGenerateContent?alt=sse",
        body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }] },
        caller: "gemini" as const,
        first: `data: {"candidates":[{"content":{"role":"model","parts":[{"text":"o"}]}}]}\r\r`,
        rest:
          `data: {"candidates":[{"content":{"role":"model","parts":[{"text":"k"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":2,"candidatesTokenCount":1}}\r\r`,
      },
    ];
    for (const c of cases) {
      let release!: () => void;
      const released = new Promise<void>((resolve) => release = resolve);
      let sentRest = false;
      mock.handle(() => {
        const encoder = new TextEncoder();
        let step = 0;
        return new Response(
          new ReadableStream({
            async pull(controller) {
              if (step === 0) controller.enqueue(encoder.encode(c.first));
              else if (step === 1) {
                // The rest waits for the caller to have seen the first event (or, for a proxy
                // that holds it, for a while, so that such a proxy fails rather than hangs).
                await Promise.race([released, new Promise((r) => setTimeout(r, 5000))]);
                sentRest = true;
                controller.enqueue(encoder.encode(c.rest));
              } else controller.close();
              step++;
            },
          }),
          { headers: { "content-type": "text/event-stream" } },
        );
      });
      const { result } = await oneRequest(proxy, async () => {
        const response = await post(proxy, c.path, c.body, authHeader(c.caller));
        const reader = response.body!.getReader();
        const first = await reader.read();
        const early = !sentRest;
        release();
        let text = new TextDecoder().decode(first.value);
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
        return { early, text };
      });
      assert.ok(result.early, `${c.caller}: the first event arrived before the upstream's next`);
      const expected = (c.first + c.rest).replace(
        '"model":"claude-sonnet-4-5"',
        '"model":"claude-test"',
      )
        .replaceAll('"model":"gpt-4o"', '"model":"gpt-test"');
      assert.equal(result.text, expected, c.caller);
    }
  });
});

const GEMINI_CHUNK_1 = {
  candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] }, index: 0 }],
  usageMetadata: { promptTokenCount: 4 },
};
const GEMINI_CHUNK_2 = {
  candidates: [{
    content: { role: "model", parts: [{ text: "lo" }] },
    finishReason: "STOP",
    index: 0,
  }],
  usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 },
};

function geminiArrayCall(proxy: Proxy) {
  return post(
    proxy,
    "/gemini/v1beta/models/gemini-test:streamGenerateContent",
    { contents: [{ role: "user", parts: [{ text: "Hi" }] }] },
    authHeader("gemini"),
  );
}

Deno.test("a Gemini JSON-array stream is relayed whole, counted, and closed with an error when cut short", async () => {
  await withServers(async (mock, proxy) => {
    const whole = `[${JSON.stringify(GEMINI_CHUNK_1, null, 2)}\n,\r\n${
      JSON.stringify(GEMINI_CHUNK_2)
    }\n]`;
    mock.handle(() => new Response(whole, { headers: { "content-type": "application/json" } }));
    const { result: complete, line } = await oneRequest(proxy, async () => {
      return await (await geminiArrayCall(proxy)).text();
    });
    assert.equal(complete, whole);
    assert.equal(mock.received[0].search, "", "the array form is asked for");
    assert.equal(line.status, 200);
    assert.equal(line.input_tokens, 4, "usage is read from the array");
    assert.equal(line.output_tokens, 2);

    // Cut mid-element: what the caller has is still one array, ending in an error.
    const cut = whole.slice(0, whole.indexOf('"lo"') + 2);
    mock.handle(() => new Response(cut, { headers: { "content-type": "application/json" } }));
    const { result: broken, line: brokenLine } = await oneRequest(proxy, async () => {
      const response = await geminiArrayCall(proxy);
      return { status: response.status, text: await response.text() };
    });
    const array = JSON.parse(broken.text);
    assert.ok(Array.isArray(array), broken.text);
    assert.deepEqual(array[0], GEMINI_CHUNK_1);
    assert.equal(array.at(-1).error.code, 502, broken.text);
    assert.match(array.at(-1).error.message, /ended before it finished/);
    assert.equal(brokenLine.status, 502);
    assert.equal(brokenLine.input_tokens, 4);
  });
});

Deno.test("pass-through caps every spelling of the output limit", async () => {
  await withServers(async (mock, proxy) => {
    mock.handle(() => json({ id: "c", choices: [], model: "gpt-4o" }));
    await oneRequest(proxy, async () => {
      const response = await post(proxy, "/openai/v1/chat/completions", {
        model: "gpt-test",
        max_tokens: 100_000,
        max_completion_tokens: 100_000,
        messages: [{ role: "user", content: "Hi" }],
      }, authHeader("openai"));
      await response.body?.cancel();
    });
    assert.equal(mock.received[0].json.max_tokens, 2000);
    assert.equal(mock.received[0].json.max_completion_tokens, 2000);

    mock.handle(() => json({ candidates: [] }));
    for (const config of [{ max_output_tokens: 100_000 }, { maxOutputTokens: 100_000 }, {}]) {
      await oneRequest(proxy, async () => {
        const response = await post(proxy, "/gemini/v1beta/models/gemini-test:generateContent", {
          contents: [{ role: "user", parts: [{ text: "Hi" }] }],
          generation_config: { temperature: 0.5, ...config },
        }, authHeader("gemini"));
        await response.body?.cancel();
      });
      const sent = mock.received.at(-1)!.json;
      assert.equal(sent.generationConfig, undefined, "no second spelling of the config is added");
      assert.equal(sent.generation_config.temperature, 0.5);
      const limit = sent.generation_config.max_output_tokens ??
        sent.generation_config.maxOutputTokens;
      assert.equal(limit, 1000, JSON.stringify(sent));
    }
  });
});

Deno.test("a model on the operator's key drops fields that steer it elsewhere, unless allow_params lists them", async () => {
  await withServers(async (mock, proxy) => {
    mock.handle(() => json({ id: "c", choices: [], model: "x" }));
    const steering = {
      models: ["openai/gpt-5", "anthropic/claude-opus-4"],
      route: "fallback",
      provider: { order: ["expensive"] },
    };
    const send = (model: string) =>
      oneRequest(proxy, async () => {
        const response = await post(proxy, "/openai/v1/chat/completions", {
          model,
          messages: [{ role: "user", content: "Hi" }],
          ...steering,
        }, authHeader("openai"));
        await response.body?.cancel();
        return response.headers.get("x-proxy-warnings") ?? "";
      });
    const dropped = await send("router-own-key");
    let sent = mock.received.at(-1)!.json;
    assert.equal(sent.models, undefined);
    assert.equal(sent.route, undefined);
    assert.equal(sent.provider, undefined);
    assert.match(dropped.result, /Dropped "models".*Dropped "route".*Dropped "provider"/);
    assert.match(dropped.line.warnings.join(" "), /allow_params/);
    assert.equal(mock.received.at(-1)!.headers.get("authorization"), `Bearer ${MODEL_KEY}`);

    await send("router-allowed");
    sent = mock.received.at(-1)!.json;
    assert.deepEqual(sent.provider, steering.provider, "allow_params lets provider through");
    assert.equal(sent.models, undefined);

    // On the caller's own key, the caller may steer it as it likes.
    await send("gpt-test");
    sent = mock.received.at(-1)!.json;
    assert.deepEqual(sent.models, steering.models);
    assert.equal(mock.received.at(-1)!.headers.get("authorization"), `Bearer ${KEY}`);

    mock.handle(() => json({ id: "m", type: "message", content: [], model: "x" }));
    await oneRequest(proxy, async () => {
      const response = await post(proxy, "/anthropic/v1/messages", {
        model: "claude-own-key",
        max_tokens: 10,
        messages: [{ role: "user", content: "Hi" }],
        mcp_servers: [{ type: "url", url: "https://mcp.example/sse", name: "x" }],
        container: "container_123",
      }, authHeader("anthropic"));
      await response.body?.cancel();
    });
    sent = mock.received.at(-1)!.json;
    assert.equal(sent.mcp_servers, undefined);
    assert.equal(sent.container, undefined);
  });
});
