/**
 * Small requests built to cost minutes of CPU or gigabytes of memory end in a 4xx, a cap or a
 * count instead: each with one log line, and the in-flight gauge back to zero.
 */
import assert from "node:assert/strict";
import { json, type Mock, parseSse, type Proxy, sse, startMock, startProxy } from "./_harness.ts";

const KEY = "sk-hostile-0000000000000000";

function models(mock: Mock): string {
  return [
    `- model_id: gem\n  api_base: ${mock.url}/v1beta\n  format: gemini\n`,
    `- model_id: oai\n  api_base: ${mock.url}/v1\n  format: openai\n`,
  ].join("");
}

/** A mock OpenAI-dialect upstream that answers every request "ok". */
function okUpstream(): Mock {
  return startMock(() =>
    json({ id: "c", choices: [{ message: { role: "assistant", content: "ok" } }] })
  );
}

async function post(proxy: Proxy, path: string, body: unknown): Promise<Response> {
  return await fetch(`${proxy.url}${path}`, {
    method: "POST",
    headers: { "x-api-key": KEY, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Requests in flight besides the one asking. */
async function inFlight(proxy: Proxy): Promise<number> {
  const stats = await (await fetch(`${proxy.url}/anthropic/v1/stats`)).json();
  return stats.in_flight - 1;
}

/** `$defs` where each entry refers to the one before twice, with a 2,000-value numeric enum. */
function doublingSchema(levels: number): Record<string, unknown> {
  const defs: Record<string, unknown> = {
    d0: { type: "integer", enum: Array.from({ length: 2000 }, (_, i) => i) },
  };
  for (let i = 1; i <= levels; i++) {
    defs[`d${i}`] = {
      type: "object",
      properties: { a: { $ref: `#/$defs/d${i - 1}` }, b: { $ref: `#/$defs/d${i - 1}` } },
    };
  }
  return { $defs: defs, type: "object", properties: { x: { $ref: `#/$defs/d${levels}` } } };
}

function anthropicBody(schema: Record<string, unknown>, model = "gem") {
  return {
    model,
    max_tokens: 100,
    messages: [{ role: "user", content: "hi" }],
    tools: [{ name: "t", description: "d", input_schema: schema }],
  };
}

Deno.test("a $defs chain that doubles at each level is a 400 for a Gemini upstream, generate and count_tokens alike", async () => {
  const mock = startMock(() => json({ totalTokens: 1 }));
  const proxy = startProxy(models(mock));
  try {
    const body = anthropicBody(doublingSchema(13));
    assert.ok(JSON.stringify(body).length < 12_000);
    for (const path of ["/anthropic/v1/messages", "/anthropic/v1/messages/count_tokens"]) {
      const response = await post(proxy, path, body);
      assert.equal(response.status, 400, path);
      const error = await response.json();
      assert.equal(error.error.type, "invalid_request_error");
      assert.match(error.error.message, /expand to more than \d+ bytes/);
    }
    assert.equal(mock.received.length, 0, "nothing was sent upstream");
    assert.equal(proxy.logs.length, 2, "one log line per request");
    assert.equal(await inFlight(proxy), 0);
  } finally {
    await proxy.close();
    await mock.close();
  }
});

Deno.test("a converted body larger than max_request_bytes is a 400, never sent", async () => {
  const mock = startMock(() => json({}));
  const proxy = startProxy(models(mock), { maxRequestBytes: 64 * 1024 });
  try {
    // 6 levels: 64 copies of a 9 KB description, ~600 KB once inlined, from a 10 KB request.
    const response = await post(proxy, "/anthropic/v1/messages", anthropicBody(doublingSchema(6)));
    assert.equal(response.status, 400);
    assert.match((await response.json()).error.message, /more than max_request_bytes \(65536\)/);
    assert.equal(mock.received.length, 0);
    assert.equal(await inFlight(proxy), 0);
  } finally {
    await proxy.close();
    await mock.close();
  }
});

/** A Gemini conversation of `pairs` calls and their responses, without ids (paired by name). */
function callPairs(pairs: number, oneTurn: boolean): unknown[] {
  const call = (i: number) => ({ functionCall: { name: `f${i % 7}`, args: { i } } });
  const answer = (i: number) => ({
    functionResponse: { name: `f${i % 7}`, response: { output: `r${i}` } },
  });
  const contents: unknown[] = [{ role: "user", parts: [{ text: "go" }] }];
  if (oneTurn) {
    contents.push({ role: "model", parts: Array.from({ length: pairs }, (_, i) => call(i)) });
    contents.push({ role: "user", parts: Array.from({ length: pairs }, (_, i) => answer(i)) });
  } else {
    for (let i = 0; i < pairs; i++) {
      contents.push({ role: "model", parts: [call(i)] }, { role: "user", parts: [answer(i)] });
    }
  }
  return contents;
}

Deno.test("40,000 Gemini function calls and responses reach an OpenAI upstream paired, in one turn or many", async () => {
  const mock = okUpstream();
  const proxy = startProxy(models(mock));
  try {
    for (const oneTurn of [true, false]) {
      const response = await post(proxy, "/gemini/v1beta/models/oai:generateContent", {
        contents: callPairs(40_000, oneTurn),
      });
      assert.equal(response.status, 200, await response.clone().text());
      await response.body?.cancel();
      const messages = mock.received.at(-1)!.json.messages as Array<Record<string, any>>;
      const tools = messages.filter((m) => m.role === "tool");
      assert.equal(tools.length, 40_000);
      // Each response answers its own call: call i and result i share an id.
      const calls = messages.flatMap((m) => m.tool_calls ?? []);
      assert.equal(calls.length, 40_000);
      assert.equal(tools[12_345].tool_call_id, calls[12_345].id);
      assert.equal(tools[12_345].content, "r12345");
    }
    assert.equal(await inFlight(proxy), 0);
  } finally {
    await proxy.close();
    await mock.close();
  }
});

Deno.test("150,000 tool results in one turn reach an OpenAI upstream (no stack overflow)", async () => {
  const mock = okUpstream();
  const proxy = startProxy(models(mock));
  try {
    const n = 150_000;
    const ids = Array.from({ length: n }, (_, i) => `t${i}`);
    const response = await post(proxy, "/anthropic/v1/messages", {
      model: "oai",
      max_tokens: 10,
      messages: [
        { role: "user", content: "go" },
        {
          role: "assistant",
          content: ids.map((id) => ({ type: "tool_use", id, name: "f", input: {} })),
        },
        {
          role: "user",
          content: ids.map((id) => ({ type: "tool_result", tool_use_id: id, content: "r" })),
        },
      ],
    });
    assert.equal(response.status, 200, await response.clone().text());
    await response.body?.cancel();
    const messages = mock.received[0].json.messages as Array<{ role: string }>;
    assert.equal(messages.filter((m) => m.role === "tool").length, n);
    assert.equal(await inFlight(proxy), 0);
  } finally {
    await proxy.close();
    await mock.close();
  }
});

Deno.test("a 60 KB model name is looked up no further than 256 characters, and never echoed whole", async () => {
  const mock = startMock(() => json({}));
  const proxy = startProxy(
    `- model_id: m\n  api_base: ${mock.url}/v1\n  aliases: ["claude-*haiku*", "a*a*a*a*b"]\n`,
  );
  try {
    const name = "claude-" + "h".repeat(60_000);
    for (
      const prefix of ["/anthropic/v1/models/", "/openai/v1/models/", "/gemini/v1beta/models/"]
    ) {
      const response = await fetch(`${proxy.url}${prefix}${name}`);
      assert.equal(response.status, 404, prefix);
      const text = await response.text();
      assert.ok(text.length < 1000, `${prefix}: ${text.length} characters`);
    }
    const generate = await post(proxy, "/anthropic/v1/messages", {
      model: name,
      max_tokens: 1,
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(generate.status, 400);
    assert.ok((await generate.text()).length < 1000);
    assert.equal(mock.received.length, 0);
  } finally {
    await proxy.close();
    await mock.close();
  }
});

Deno.test("without a key, a request is a 401 before its body or model name is looked at", async () => {
  const mock = startMock(() => json({}));
  const proxy = startProxy(`- model_id: m\n  api_base: ${mock.url}/v1\n  aliases: ["a*a*a*a*b"]\n`);
  try {
    for (const path of ["/anthropic/v1/messages", "/anthropic/v1/messages/count_tokens"]) {
      const response = await fetch(`${proxy.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "a".repeat(256), messages: [] }),
      });
      assert.equal(response.status, 401, path);
      assert.equal((await response.json()).error.type, "authentication_error");
    }
  } finally {
    await proxy.close();
    await mock.close();
  }
});

Deno.test("200,000 dropped blocks are one warning with a count: a 200, a short header and log line", async () => {
  const mock = okUpstream();
  const proxy = startProxy(models(mock));
  try {
    const dropped = Array.from({ length: 200_000 }, () => ({ type: "x_tool_result" }));
    const response = await post(proxy, "/anthropic/v1/messages", {
      model: "oai",
      max_tokens: 10,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }, ...dropped] }],
    });
    assert.equal(response.status, 200, await response.clone().text());
    await response.body?.cancel();
    const header = response.headers.get("x-proxy-warnings") ?? "";
    assert.match(
      header,
      /Dropped a "x_tool_result" block \(messages\[\*\]\.content\[\*\]\).* \(200000 times\)/,
    );
    assert.ok(header.length < 1000, header);
    assert.equal(proxy.logs.length, 1);
    assert.ok(proxy.logs[0].length < 2000, `${proxy.logs[0].length}`);
    assert.match(proxy.logs[0], /200000 times/);
  } finally {
    await proxy.close();
    await mock.close();
  }
});

Deno.test("150,000 warnings from an upstream stream: the request is logged and counted, the gauge back to zero", async () => {
  const chunk = (delta: unknown, finish: string | null = null) =>
    `data: ${
      JSON.stringify({ id: "c", choices: [{ index: 0, delta, finish_reason: finish }] })
    }\n\n`;
  const late = chunk({ tool_calls: [{ index: 0, function: { arguments: " " } }] });
  const pieces = [
    chunk({ tool_calls: [{ index: 0, id: "call_1", function: { name: "f", arguments: "{}" } }] }),
    chunk({ content: "text after the call closes its block" }),
    late.repeat(150_000),
    chunk({}, "stop") + "data: [DONE]\n\n",
  ];
  const mock = startMock(() => sse(pieces));
  const proxy = startProxy(models(mock));
  try {
    const response = await post(proxy, "/anthropic/v1/messages", {
      model: "oai",
      max_tokens: 10,
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(response.status, 200);
    const events = parseSse(await response.text());
    assert.equal(events.at(-1)?.event, "message_stop");
    assert.equal(proxy.logs.length, 1, "the request has its log line");
    assert.match(proxy.logs[0], /arrived after its block closed \(150000 times\)/);
    const stats = await (await fetch(`${proxy.url}/anthropic/v1/stats`)).json();
    assert.equal(stats.total.requests, 1);
    assert.equal(stats.in_flight, 1, "only the stats request itself");
  } finally {
    await proxy.close();
    await mock.close();
  }
});

Deno.test("streamed tool arguments past max_request_bytes end a Gemini caller's stream with an error", async () => {
  const chunk = (delta: unknown, finish: string | null = null) =>
    `data: ${
      JSON.stringify({ id: "c", choices: [{ index: 0, delta, finish_reason: finish }] })
    }\n\n`;
  const piece = chunk({ tool_calls: [{ index: 0, function: { arguments: "x".repeat(1000) } }] });
  const mock = startMock(() =>
    sse([
      chunk({
        tool_calls: [{ index: 0, id: "call_1", function: { name: "f", arguments: '{"a":"' } }],
      }),
      ...Array.from({ length: 300 }, () => piece),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"}' } }] }),
      chunk({}, "tool_calls") + "data: [DONE]\n\n",
    ])
  );
  const proxy = startProxy(models(mock), { maxRequestBytes: 100_000 });
  try {
    const response = await post(proxy, "/gemini/v1beta/models/oai:streamGenerateContent?alt=sse", {
      contents: [{ role: "user", parts: [{ text: "write a big file" }] }],
    });
    assert.equal(response.status, 200);
    const events = parseSse(await response.text());
    assert.ok(!events.some((e) => e.data?.candidates?.[0]?.content?.parts?.[0]?.functionCall));
    assert.match(events.at(-1)?.data?.error?.message ?? "", /longer than 100000 characters/);
    assert.equal(proxy.logs.length, 1);
    assert.equal(await inFlight(proxy), 0);
  } finally {
    await proxy.close();
    await mock.close();
  }
});
