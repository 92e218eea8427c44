/**
 * The usage ledger end to end on a real SQLite file: requests through the proxy to a mock
 * upstream that reports usage, then the rows (`/api/requests`), the sums (`/api/usage`,
 * `/anthropic/v1/stats`, `/metrics`) and the file itself. Also: a restart keeps the totals, a
 * ledger made unwritable mid-run fails no request, `ledger: false` keeps figures in memory.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { SqliteStore } from "../lib/ledger/sqlite_store.ts";
import { json, type Mock, parseSse, type Proxy, startMock, startProxy } from "./_harness.ts";

const KEY = "sk-ledger-caller-key-0123456789-q7r8";
const OWN_KEY = "sk-ledger-models-own-key-987654-z1x2";

/** DeepSeek-like prices for one entry, Anthropic-like for the other; the third has none. */
function modelsYaml(mock: Mock): string {
  return `
- model_id: cheap-openai
  model_name: up-chat
  api_base: ${mock.url}/v1
  format: openai
  aliases: ["claude-*"]
  price: {input: 0.27, output: 1.1, cache_read: 0.07}
- model_id: pricey-anthropic
  model_name: up-claude
  api_base: ${mock.url}
  format: anthropic
  api_key: ${OWN_KEY}
  price: {input: 3, output: 15, cache_read: 0.3, cache_write: 3.75}
- model_id: unpriced
  api_base: ${mock.url}/v1
  format: openai
`;
}

/** 1,000 prompt tokens of which 400 cached; 200 completion of which 50 reasoning. */
const OPENAI_USAGE = {
  prompt_tokens: 1000,
  completion_tokens: 200,
  total_tokens: 1200,
  prompt_tokens_details: { cached_tokens: 400 },
  completion_tokens_details: { reasoning_tokens: 50 },
};
const ANTHROPIC_USAGE = {
  input_tokens: 300,
  cache_read_input_tokens: 2000,
  cache_creation_input_tokens: 100,
  output_tokens: 80,
};

function upstream(): Mock {
  return startMock((req) => {
    if (req.path === "/v1/messages") {
      return json({
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "up-claude",
        content: [{ type: "text", text: "hi" }],
        stop_reason: "end_turn",
        usage: ANTHROPIC_USAGE,
      });
    }
    if (req.json?.stream) {
      const chunk = (extra: Record<string, unknown>) =>
        `data: ${
          JSON.stringify({ id: "c", object: "chat.completion.chunk", model: "up", ...extra })
        }\n\n`;
      return new Response(
        chunk({ choices: [{ index: 0, delta: { content: "hi" } }] }) +
          chunk({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }) +
          chunk({ choices: [], usage: OPENAI_USAGE }) + "data: [DONE]\n\n",
        { headers: { "content-type": "text/event-stream" } },
      );
    }
    return json({
      id: "c",
      object: "chat.completion",
      created: 1,
      model: "up",
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
      usage: OPENAI_USAGE,
    });
  });
}

async function anthropicCall(proxy: Proxy, model: string, stream = false): Promise<Response> {
  const response = await fetch(`${proxy.url}/anthropic/v1/messages`, {
    method: "POST",
    headers: { "x-api-key": KEY, "content-type": "application/json" },
    body: JSON.stringify({
      model,
      max_tokens: 100,
      stream,
      messages: [{ role: "user", content: "Say hi" }],
    }),
  });
  await response.text();
  return response;
}

async function openaiCall(proxy: Proxy, model: string): Promise<Response> {
  const response = await fetch(`${proxy.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "Say hi" }] }),
  });
  await response.text();
  return response;
}

async function getJson(proxy: Proxy, path: string): Promise<any> {
  const response = await fetch(`${proxy.url}${path}`);
  assert.equal(response.status, 200, path);
  return await response.json();
}

async function metric(proxy: Proxy, series: string): Promise<number> {
  const text = await (await fetch(`${proxy.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  assert.ok(line, `no ${series} in\n${text}`);
  return Number(line.slice(series.length + 1));
}

async function sqliteProxy(mock: Mock, path: string, maxPending?: number): Promise<Proxy> {
  const store = new SqliteStore(path);
  await store.open();
  // A long flush interval: every figure below is there because reads write what is held.
  return startProxy(modelsYaml(mock), {}, {}, { store, flushMs: 60_000, maxPending });
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

Deno.test("ledger rows match the upstream's usage, costs match the prices, no key is in the file", async () => {
  const mock = upstream();
  const dir = await Deno.makeTempDir();
  const proxy = await sqliteProxy(mock, `${dir}/usage.sqlite`);
  try {
    assert.equal((await anthropicCall(proxy, "claude-sonnet-4-5")).status, 200);
    assert.equal((await anthropicCall(proxy, "cheap-openai", true)).status, 200);
    assert.equal((await openaiCall(proxy, "pricey-anthropic")).status, 200);
    assert.equal((await openaiCall(proxy, "unpriced")).status, 200);
    assert.equal((await openaiCall(proxy, "not-configured")).status, 404);

    const { requests } = await getJson(proxy, "/api/requests?limit=10");
    assert.equal(requests.length, 5);
    const [missing, unpriced, anthropic, streamed, aliased] = requests;
    // The OpenAI usage: 1,000 prompt tokens of which 400 cached → 600 input + 400 cache read.
    for (const row of [aliased, streamed]) {
      assert.equal(row.served_by, "cheap-openai");
      assert.deepEqual(
        [row.input_tokens, row.cache_read_input_tokens, row.output_tokens, row.reasoning_tokens],
        [600, 400, 200, 50],
      );
      assert.ok(close(row.cost_usd, (600 * 0.27 + 400 * 0.07 + 200 * 1.1) / 1e6), row.cost_usd);
      assert.equal(row.caller, "anthropic");
      assert.equal(row.upstream, "openai");
      assert.equal(row.key_tail, "…q7r8");
    }
    assert.equal(aliased.model, "claude-sonnet-4-5", "the name the caller sent");
    assert.equal(streamed.stream, true);
    assert.deepEqual(
      [
        anthropic.input_tokens,
        anthropic.cache_read_input_tokens,
        anthropic.cache_creation_input_tokens,
        anthropic.output_tokens,
      ],
      [300, 2000, 100, 80],
    );
    const anthropicCost = (300 * 3 + 2000 * 0.3 + 100 * 3.75 + 80 * 15) / 1e6;
    assert.ok(close(anthropic.cost_usd, anthropicCost), anthropic.cost_usd);
    assert.equal(unpriced.cost_usd, null);
    assert.deepEqual([missing.status, missing.error_type, missing.model], [
      404,
      "not_found",
      "not-configured",
    ]);
    assert.ok(typeof aliased.time === "string" && typeof aliased.total_ms === "number");

    // Every endpoint tells the same totals.
    const stats = await getJson(proxy, "/anthropic/v1/stats");
    const usage = await getJson(proxy, "/api/usage?group=model");
    assert.equal(stats.ledger, "sqlite");
    assert.equal(stats.total.requests, 5);
    assert.equal(usage.total.requests, 5);
    assert.equal(stats.models["cheap-openai"].input_tokens, 1200);
    assert.equal(usage.groups.find((g: any) => g.model === "cheap-openai").input_tokens, 1200);
    const total = 2 * (600 * 0.27 + 400 * 0.07 + 200 * 1.1) / 1e6 + anthropicCost;
    assert.ok(Math.abs(stats.total.cost_usd - total) < 1e-8, `${stats.total.cost_usd} vs ${total}`);
    assert.ok(Math.abs(usage.total.cost_usd - total) < 1e-8);
    assert.equal(
      await metric(
        proxy,
        'proxy_requests_total{model="cheap-openai",dialect="anthropic",status="200"}',
      ),
      2,
    );
    assert.equal(
      await metric(
        proxy,
        'proxy_tokens_total{model="pricey-anthropic",kind="cache_read_input_tokens"}',
      ),
      2000,
    );
    assert.ok(
      close(await metric(proxy, 'proxy_cost_usd_total{model="pricey-anthropic"}'), anthropicCost),
    );
  } finally {
    await proxy.close();
    await mock.close();
  }
  // The file and anything beside it: no key, whole or cut.
  for await (const entry of Deno.readDir(dir)) {
    const bytes = new TextDecoder("latin1").decode(await Deno.readFile(`${dir}/${entry.name}`));
    for (const key of [KEY, OWN_KEY]) {
      assert.ok(!bytes.includes(key.slice(0, -4)), `${entry.name} holds a key`);
    }
    assert.ok(!bytes.includes("Say hi"), `${entry.name} holds a request body`);
  }
});

Deno.test("the ledger's totals survive a restart", async () => {
  const mock = upstream();
  const path = `${await Deno.makeTempDir()}/usage.sqlite`;
  try {
    const first = await sqliteProxy(mock, path);
    for (let i = 0; i < 3; i++) await anthropicCall(first, "cheap-openai");
    await first.close();
    const second = await sqliteProxy(mock, path);
    try {
      await anthropicCall(second, "pricey-anthropic");
      const stats = await getJson(second, "/anthropic/v1/stats");
      assert.equal(stats.total.requests, 4);
      assert.equal(stats.models["cheap-openai"].requests, 3);
      assert.equal((await getJson(second, "/api/requests")).requests.length, 4);
    } finally {
      await second.close();
    }
  } finally {
    await mock.close();
  }
});

Deno.test("a ledger made unwritable mid-run fails no request; rows are held, dropped past the bound, then written", async () => {
  const mock = upstream();
  const path = `${await Deno.makeTempDir()}/usage.sqlite`;
  const proxy = await sqliteProxy(mock, path, 4);
  const holder = new DatabaseSync(path);
  try {
    assert.equal((await anthropicCall(proxy, "cheap-openai")).status, 200);
    assert.equal(await metric(proxy, "proxy_ledger_dropped_total"), 0);
    // Another writer holds the file: the proxy's writes fail from now on.
    holder.exec("BEGIN IMMEDIATE");
    for (let i = 0; i < 6; i++) {
      assert.equal((await anthropicCall(proxy, "cheap-openai")).status, 200, "served as usual");
    }
    assert.equal(await metric(proxy, "proxy_ledger_dropped_total"), 2, "6 rows, 4 held");
    assert.equal(await metric(proxy, "proxy_ledger_pending_rows"), 4);
    // The held rows still count in what the proxy says.
    assert.equal((await getJson(proxy, "/anthropic/v1/stats")).total.requests, 5);
    const errors = proxy.logs.filter((l) => l.includes("cannot write to the sqlite ledger"));
    assert.equal(errors.length, 1, "logged once");
    holder.exec("ROLLBACK");
    assert.equal((await getJson(proxy, "/anthropic/v1/stats")).total.requests, 5);
    assert.equal(await metric(proxy, "proxy_ledger_pending_rows"), 0);
    assert.equal((await getJson(proxy, "/api/requests")).requests.length, 5, "caught up");
  } finally {
    holder.close();
    await proxy.close();
    await mock.close();
  }
});

Deno.test("ledger: false keeps this process's figures in memory, and every endpoint still answers", async () => {
  const mock = upstream();
  const proxy = startProxy(modelsYaml(mock));
  try {
    await anthropicCall(proxy, "pricey-anthropic");
    const stats = await getJson(proxy, "/anthropic/v1/stats");
    assert.equal(stats.ledger, "off");
    assert.equal(stats.total.requests, 1);
    assert.equal((await getJson(proxy, "/api/requests")).requests[0].served_by, "pricey-anthropic");
    assert.equal((await getJson(proxy, "/api/usage")).total.requests, 1);
  } finally {
    await proxy.close();
    await mock.close();
  }
});

Deno.test("/api/events sends each request finished after it connects, and the in-flight count", async () => {
  const mock = upstream();
  const path = `${await Deno.makeTempDir()}/usage.sqlite`;
  const proxy = await sqliteProxy(mock, path);
  const abort = new AbortController();
  try {
    await anthropicCall(proxy, "cheap-openai");
    const response = await fetch(`${proxy.url}/api/events`, { signal: abort.signal });
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += value;
      }
    };
    await until(/event: in_flight/);
    await openaiCall(proxy, "unpriced");
    await until(/event: request\n/);
    const events = parseSse(text).filter((e) => e.event === "request");
    assert.equal(events.length, 1, "only the request made after connecting");
    assert.equal(events[0].data.served_by, "unpriced");
    assert.equal(events[0].data.caller, "openai");
    abort.abort();
    await reader.cancel().catch(() => {});
  } finally {
    await proxy.close();
    await mock.close();
  }
});

Deno.test("/api/usage and /api/requests refuse bad parameters with a 400 that says why", async () => {
  const mock = upstream();
  const proxy = startProxy(modelsYaml(mock));
  try {
    for (
      const [path, message] of [
        ["/api/usage?group=week", /group must be one of/],
        ["/api/usage?from=yesterday", /from must be an ISO time/],
        ["/api/usage?tz=5000", /tz must be a whole number/],
        ["/api/requests?limit=0", /limit must be a whole number from 1 to 500/],
      ] as const
    ) {
      const response = await fetch(`${proxy.url}${path}`);
      assert.equal(response.status, 400, path);
      assert.match((await response.json()).error.message, message);
    }
  } finally {
    await proxy.close();
    await mock.close();
  }
});
