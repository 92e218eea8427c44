/**
 * Usage accounting and observability, end to end: real requests through the proxy (streamed and
 * not, converted and passed through, usage in a trailing chunk, cached and reasoning tokens,
 * upstream errors), then `GET /anthropic/v1/stats`, `GET /metrics` and the log lines, which
 * must hold one line per request and never a key.
 */
import assert from "node:assert/strict";
import { parseModels } from "../lib/config/models.ts";
import { resolveSettings } from "../lib/config/settings.ts";
import { createHandler } from "../lib/server/app.ts";
import { randomId } from "../lib/server/exchange.ts";
import { createLogger } from "../lib/server/log.ts";
import { Stats } from "../lib/server/stats.ts";
import { json, type Mock, type Proxy, type Received, startMock, startProxy } from "./_harness.ts";

const CALLER_KEY = "sk-caller-observability-9z8y";
const MODEL_KEY = "sk-model-owned-secret-5q6w";
const ENV_KEY = "sk-env-held-secret-3e4r";

function modelsYaml(mock: Mock): string {
  return `
- model_id: up-openai
  model_name: gpt-real-1
  api_base: ${mock.url}/v1
  format: openai
- model_id: up-anthropic
  model_name: claude-real-1
  api_base: ${mock.url}
  format: anthropic
- model_id: up-gemini
  model_name: gemini-real-1
  api_base: ${mock.url}/v1beta
  format: gemini
- model_id: rejecting
  api_base: ${mock.url}/reject/v1
  format: openai
- model_id: owned-key
  api_base: ${mock.url}/reject/v1
  format: openai
  api_key: ${MODEL_KEY}
- model_id: env-key
  api_base: ${mock.url}/reject
  format: anthropic
  api_key_env: SECRET_FOR_TEST
`;
}

/** OpenAI usage: 130 prompt tokens of which 30 cached, 50 completion of which 7 reasoning. */
const OPENAI_USAGE = {
  prompt_tokens: 130,
  completion_tokens: 50,
  total_tokens: 180,
  prompt_tokens_details: { cached_tokens: 30 },
  completion_tokens_details: { reasoning_tokens: 7 },
};

/** Anthropic usage: 100 input, 20 cache read, 10 cache write, 40 output. */
const ANTHROPIC_USAGE = {
  input_tokens: 100,
  cache_read_input_tokens: 20,
  cache_creation_input_tokens: 10,
  output_tokens: 40,
};

function sseText(events: Array<{ event?: string; data: unknown }>): string {
  return events.map(({ event, data }) =>
    (event ? `event: ${event}\n` : "") +
    `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`
  ).join("");
}

function sseResponse(text: string): Response {
  return new Response(text, { headers: { "content-type": "text/event-stream" } });
}

/** An OpenAI stream whose usage arrives in a trailing chunk after the finish chunk. */
function openaiStream(): string {
  const chunk = (choices: unknown[], usage?: unknown) => ({
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-real-1",
    choices,
    ...(usage ? { usage } : {}),
  });
  return sseText([
    { data: chunk([{ index: 0, delta: { role: "assistant", content: "" } }]) },
    { data: chunk([{ index: 0, delta: { content: "Hello" } }]) },
    { data: chunk([{ index: 0, delta: {}, finish_reason: "stop" }]) },
    { data: chunk([], OPENAI_USAGE) },
    { data: "[DONE]" },
  ]);
}

function anthropicStream(): string {
  const { output_tokens: _o, ...startUsage } = ANTHROPIC_USAGE;
  return sseText([
    {
      event: "message_start",
      data: {
        type: "message_start",
        message: {
          id: "msg_1",
          type: "message",
          role: "assistant",
          model: "claude-real-1",
          content: [],
          stop_reason: null,
          usage: { ...startUsage, output_tokens: 1 },
        },
      },
    },
    {
      event: "content_block_start",
      data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    },
    {
      event: "content_block_delta",
      data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" } },
    },
    { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
    {
      event: "message_delta",
      data: {
        type: "message_delta",
        delta: { stop_reason: "end_turn" },
        usage: { output_tokens: 40 },
      },
    },
    { event: "message_stop", data: { type: "message_stop" } },
  ]);
}

/** The mock upstream: answers by path; `/reject/…` echoes the key it got in a 401. */
function upstream(req: Received): Response {
  const stream = req.json?.stream === true || req.path.includes("streamGenerateContent");
  if (req.path.startsWith("/reject/")) {
    const key = req.headers.get("authorization")?.replace(/^Bearer /, "") ??
      req.headers.get("x-api-key");
    return json({ error: { message: `Incorrect API key provided: ${key}` } }, 401);
  }
  if (req.path === "/v1/chat/completions") {
    if (stream) return sseResponse(openaiStream());
    return json({
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1,
      model: "gpt-real-1",
      choices: [{
        index: 0,
        message: { role: "assistant", content: "Hello" },
        finish_reason: "stop",
      }],
      usage: OPENAI_USAGE,
    });
  }
  if (req.path === "/v1/messages/count_tokens") return json({ input_tokens: 11 });
  if (req.path === "/v1/messages") {
    if (stream) return sseResponse(anthropicStream());
    return json({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-real-1",
      content: [{ type: "text", text: "Hi" }],
      stop_reason: "end_turn",
      usage: ANTHROPIC_USAGE,
    });
  }
  return json({ error: { message: `unexpected path ${req.path}` } }, 404);
}

type Caller = "anthropic" | "openai" | "gemini";

async function call(
  proxy: Pick<Proxy, "url">,
  caller: Caller,
  model: string,
  stream: boolean,
): Promise<{ status: number; text: string }> {
  const messages = [{ role: "user", content: "Say hello" }];
  let url: string;
  let body: unknown;
  let headers: Record<string, string>;
  switch (caller) {
    case "anthropic":
      url = `${proxy.url}/anthropic/v1/messages`;
      body = { model, max_tokens: 100, messages, stream };
      headers = { "x-api-key": CALLER_KEY, "anthropic-version": "2023-06-01" };
      break;
    case "openai":
      url = `${proxy.url}/openai/v1/chat/completions`;
      body = {
        model,
        messages,
        stream,
        stream_options: stream ? { include_usage: true } : undefined,
      };
      headers = { authorization: `Bearer ${CALLER_KEY}` };
      break;
    case "gemini":
      url = `${proxy.url}/gemini/v1beta/models/${model}:${
        stream ? "streamGenerateContent?alt=sse" : "generateContent"
      }`;
      // topK has no OpenAI form: the converted request logs the warning that says so.
      body = {
        contents: [{ role: "user", parts: [{ text: "Say hello" }] }],
        generationConfig: { topK: 40 },
      };
      headers = { "x-goog-api-key": CALLER_KEY };
      break;
  }
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** The requests of the end-to-end run, with the status each must get. */
const RUN: Array<[Caller, string, boolean, number]> = [
  ["anthropic", "up-openai", true, 200], // usage in the trailing chunk
  ["anthropic", "up-openai", false, 200],
  ["gemini", "up-openai", false, 200],
  ["openai", "up-anthropic", false, 200],
  ["openai", "up-anthropic", true, 200],
  ["anthropic", "up-anthropic", true, 200], // pass-through, usage sniffed on the way
  ["anthropic", "rejecting", false, 401],
  ["openai", "owned-key", true, 401],
  ["gemini", "env-key", false, 401],
];

async function withRun(fn: (proxy: Proxy) => Promise<void> | void): Promise<void> {
  const mock = startMock(upstream);
  const proxy = startProxy(modelsYaml(mock), {}, { SECRET_FOR_TEST: ENV_KEY });
  try {
    for (const [caller, model, stream, status] of RUN) {
      const result = await call(proxy, caller, model, stream);
      assert.equal(result.status, status, `${caller} → ${model}: ${result.text}`);
    }
    const count = await fetch(`${proxy.url}/anthropic/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "x-api-key": CALLER_KEY },
      body: JSON.stringify({ model: "up-anthropic", messages: [{ role: "user", content: "x" }] }),
    });
    assert.deepEqual(await count.json(), { input_tokens: 11 });
    await fn(proxy);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

async function stats(proxy: Proxy): Promise<any> {
  return await (await fetch(`${proxy.url}/anthropic/v1/stats`)).json();
}

Deno.test("GET /anthropic/v1/stats counts real usage per model, streamed and not", async () => {
  await withRun(async (proxy) => {
    const body = await stats(proxy);
    assert.deepEqual(body.models["up-openai"], {
      requests: 3,
      errors: 0,
      input_tokens: 300,
      output_tokens: 150,
      cache_read_input_tokens: 90,
      cache_creation_input_tokens: 0,
      reasoning_tokens: 21,
      web_search_requests: 0,
      cost_usd: 0,
    });
    // Two converted answers and one pass-through stream, plus the count request.
    assert.deepEqual(body.models["up-anthropic"], {
      requests: 4,
      errors: 0,
      input_tokens: 300,
      output_tokens: 120,
      cache_read_input_tokens: 60,
      cache_creation_input_tokens: 30,
      reasoning_tokens: 0,
      web_search_requests: 0,
      cost_usd: 0,
    });
    assert.equal(body.models["rejecting"].errors, 1);
    assert.equal(body.models["owned-key"].errors, 1);
    assert.equal(body.total.requests, RUN.length + 1);
    assert.equal(body.total.errors, 3);
    assert.equal(body.total.input_tokens, 600);
    assert.equal(body.total.output_tokens, 270);
    // Reading the stats is not itself a request in the totals.
    assert.equal((await stats(proxy)).total.requests, RUN.length + 1);
  });
});

Deno.test("GET /metrics exposes requests, tokens, latency and TTFB in Prometheus text", async () => {
  await withRun(async (proxy) => {
    const response = await fetch(`${proxy.url}/metrics`);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
    const text = await response.text();
    const value = (series: string) => {
      const line = text.split("\n").find((l) => l.startsWith(series + " "));
      assert.ok(line, `no series ${series} in\n${text}`);
      return Number(line.slice(series.length + 1));
    };
    assert.equal(
      value('proxy_requests_total{model="up-openai",dialect="anthropic",status="200"}'),
      2,
    );
    assert.equal(value('proxy_requests_total{model="up-openai",dialect="gemini",status="200"}'), 1);
    assert.equal(
      value('proxy_requests_total{model="rejecting",dialect="anthropic",status="401"}'),
      1,
    );
    assert.equal(value('proxy_tokens_total{model="up-openai",kind="input_tokens"}'), 300);
    assert.equal(value('proxy_tokens_total{model="up-openai",kind="reasoning_tokens"}'), 21);
    assert.equal(
      value('proxy_tokens_total{model="up-anthropic",kind="cache_creation_input_tokens"}'),
      30,
    );
    const series = 'proxy_request_duration_seconds_count{model="up-openai",dialect="anthropic"}';
    assert.equal(value(series), 2);
    assert.equal(
      value(
        'proxy_request_duration_seconds_bucket{model="up-openai",dialect="anthropic",le="+Inf"}',
      ),
      2,
    );
    assert.equal(
      value('proxy_time_to_first_byte_seconds_count{model="up-anthropic",dialect="openai"}'),
      2,
    );
    // The scrape itself is the one request in flight.
    assert.equal(value("proxy_in_flight_requests"), 1);
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
      assert.match(line, /^[a-z_]+(\{[^}]*\})? [0-9.e+-]+$/, `not a Prometheus sample: ${line}`);
    }
  });
});

Deno.test("the log has one line per request with every field a request is counted by", async () => {
  await withRun((proxy) => {
    const lines = proxy.logs.map((line) => JSON.parse(line));
    const requests = lines.filter((l) => l.method === "POST");
    assert.equal(requests.length, RUN.length + 1);
    const streamed = requests.find((l) => l.model === "up-openai" && l.stream === true);
    assert.ok(streamed, JSON.stringify(requests));
    assert.equal(streamed.caller, "anthropic");
    assert.equal(streamed.upstream, "openai");
    assert.equal(streamed.status, 200);
    assert.equal(typeof streamed.time, "string");
    assert.equal(typeof streamed.ttfb_ms, "number");
    assert.ok(streamed.total_ms >= streamed.ttfb_ms);
    assert.equal(streamed.input_tokens, 100);
    assert.equal(streamed.output_tokens, 50);
    assert.equal(streamed.cache_read_input_tokens, 30);
    assert.equal(streamed.reasoning_tokens, 7);
    assert.equal(streamed.key, "…9z8y");
    const gemini = requests.find((l) => l.caller === "gemini" && l.model === "up-openai");
    assert.deepEqual(gemini.warnings, [`Dropped "top_k": OpenAI-dialect upstreams have none`]);
    assert.equal(streamed.warnings, undefined, "a request that lost nothing logs no warnings");
    const rejected = requests.find((l) => l.model === "rejecting");
    assert.equal(rejected.status, 401);
    assert.equal(rejected.level, "warning");
  });
});

Deno.test("no log line, stats or metrics output ever holds a key used in the run", async () => {
  await withRun(async (proxy) => {
    const outputs = [
      ...proxy.logs,
      JSON.stringify(await stats(proxy)),
      await (await fetch(`${proxy.url}/metrics`)).text(),
    ];
    assert.ok(proxy.logs.length >= RUN.length);
    for (const key of [CALLER_KEY, MODEL_KEY, ENV_KEY]) {
      for (const output of outputs) {
        assert.ok(!output.includes(key), `a key appears in: ${output}`);
        // Nor its body without the tail (a key cut in the middle still leaks most of it).
        assert.ok(!output.includes(key.slice(0, -4)), `part of a key appears in: ${output}`);
      }
    }
  });
});

Deno.test("createLogger() writes readable text lines to log_file_path", async () => {
  const path = await Deno.makeTempFile({ dir: "/tmp", suffix: ".log" });
  try {
    const mock = startMock(upstream);
    const settings = { ...resolveSettings({}, () => undefined, {}, "config.json") };
    const logger = createLogger({ level: "info", format: "text", filePath: path });
    const handler = createHandler({
      settings,
      models: parseModels(modelsYaml(mock), "models.yaml", () => undefined),
      stats: new Stats(),
      logger,
      newId: randomId,
      now: () => Date.now(),
      fetch: globalThis.fetch,
    });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
    try {
      const proxy = { url: `http://127.0.0.1:${server.addr.port}` };
      assert.equal((await call(proxy, "anthropic", "up-openai", true)).status, 200);
      assert.equal((await call(proxy, "openai", "rejecting", false)).status, 401);
    } finally {
      await server.shutdown();
      await mock.close();
    }
    await logger.flush();
    const lines = (await Deno.readTextFile(path)).trim().split("\n");
    assert.equal(lines.length, 2, lines.join("\n"));
    assert.match(
      lines[0],
      /^\d{4}-\d\d-\d\dT\S+ POST \/anthropic\/v1\/messages 200 anthropic→openai up-openai stream ttfb=[\d.]+ms total=[\d.]+ms in=100 out=50 cache_read=30 cache_write=0 reasoning=7 key=…9z8y$/,
    );
    assert.match(lines[1], / 401 openai→openai rejecting json .* key=…9z8y error="/);
    assert.ok(!lines.join("\n").includes(CALLER_KEY));
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("createLogger() writes JSON when log_format is json, and only at or above its level", () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "warning", format: "json", sink: (l) => lines.push(l) });
  const record = {
    callerDialect: "openai" as const,
    method: "POST",
    path: "/openai/v1/chat/completions",
    modelId: "m",
    upstreamDialect: "gemini" as const,
    stream: false,
    status: 200,
    totalMs: 12.345,
    warnings: ["dropped n"],
    keyTail: "…abcd",
  };
  logger.request(record);
  logger.request({ ...record, status: 429, error: "slow down" });
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]);
  assert.equal(line.level, "warning");
  assert.equal(line.status, 429);
  assert.equal(line.total_ms, 12.3);
  assert.deepEqual(line.warnings, ["dropped n"]);
  assert.equal(line.key, "…abcd");
  assert.equal(line.error, "slow down");
});

Deno.test(
  "an upstream error echoing a models.yaml key reaches neither the caller nor the log",
  async () => {
    const oddKey = "plainSecretValue00001111"; // not key-shaped: only redaction by value catches it
    const mock = startMock(upstream);
    const proxy = startProxy(
      `
- model_id: owned-key
  api_base: ${mock.url}/reject/v1
  format: openai
  api_key: ${oddKey}
`,
    );
    try {
      const result = await call(proxy, "openai", "owned-key", false);
      assert.equal(result.status, 401);
      assert.ok(!result.text.includes(oddKey), `the caller sees the model's key: ${result.text}`);
      for (const line of proxy.logs) assert.ok(!line.includes(oddKey), `logged: ${line}`);
    } finally {
      await proxy.close();
      await mock.close();
    }
  },
);
