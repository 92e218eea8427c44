/**
 * The ledger in a real PostgreSQL server (a private cluster the test starts): two proxies, as
 * two processes, on one ledger see each other's requests; the rows hold the usage the upstream
 * reported and the cost from the prices, and no key; a database that goes away mid-run fails
 * no request, and what was held is written once it is back.
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { PostgresStore } from "../lib/ledger/postgres_store.ts";
import { sampleRow } from "../lib/ledger/_sample_row.ts";
import { foldRows } from "../lib/ledger/tally.ts";
import {
  chatCompletion,
  freePort,
  type Mock,
  startMock,
  startProxy,
  waitUntilUp,
} from "./_harness.ts";
import { type Postgres, postgresMissing, startPostgres } from "./_postgres.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const KEY = "sk-postgres-caller-key-4242424242-t5t5";

const missing = await postgresMissing();
if (missing) console.log(`PostgreSQL tests skipped: ${missing}`);

function modelsYaml(mock: Mock): string {
  return `
- model_id: deepseek-chat
  api_base: ${mock.url}/v1
  format: openai
  price: {input: 0.27, output: 1.1, cache_read: 0.07}
`;
}

function upstream(): Mock {
  return startMock(() =>
    chatCompletion({
      prompt_tokens: 900,
      completion_tokens: 100,
      prompt_tokens_details: { cached_tokens: 500 },
    })
  );
}
const COST = (400 * 0.27 + 500 * 0.07 + 100 * 1.1) / 1e6;

async function call(base: string): Promise<number> {
  const response = await fetch(`${base}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: "deepseek-chat", messages: [{ role: "user", content: "ping" }] }),
  });
  await response.text();
  return response.status;
}

/** `deno run main.ts` on the given ledger; its stderr kept for the end. */
async function proxyProcess(models: string, ledger: string) {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/models.yaml`, models);
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify({ ledger }));
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-env", MAIN, "--port", String(port)],
    cwd: dir,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url);
  return {
    url,
    async stop(): Promise<string> {
      child.kill("SIGTERM");
      await child.status;
      return await stderr;
    },
  };
}

/** Retries `check` until it holds (rows of another process arrive within its flush interval). */
async function eventually(check: () => Promise<void>): Promise<void> {
  for (let i = 0;; i++) {
    try {
      return await check();
    } catch (error) {
      if (i >= 50) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function everything(url: string): Promise<string> {
  const sql = postgres(url, { onnotice: () => {} });
  try {
    const tables = ["proxy_requests", "proxy_usage_hourly", "proxy_usage_totals"];
    const dumps = await Promise.all(tables.map((t) => sql.unsafe(`SELECT * FROM ${t}`)));
    return JSON.stringify(dumps);
  } finally {
    await sql.end();
  }
}

Deno.test({
  name:
    "two proxies on one PostgreSQL ledger see each other's requests, with usage, costs and no key",
  ignore: missing !== undefined,
  fn: async () => {
    const pg = await startPostgres();
    const mock = upstream();
    let logs = "";
    try {
      const a = await proxyProcess(modelsYaml(mock), pg.url);
      const b = await proxyProcess(modelsYaml(mock), pg.url);
      try {
        for (let i = 0; i < 2; i++) assert.equal(await call(a.url), 200);
        for (let i = 0; i < 3; i++) assert.equal(await call(b.url), 200);
        await eventually(async () => {
          const stats = await (await fetch(`${a.url}/anthropic/v1/stats`)).json();
          assert.equal(stats.ledger, "postgres");
          assert.equal(stats.total.requests, 5);
        });
        await eventually(async () => {
          const rows = (await (await fetch(`${b.url}/api/requests`)).json()).requests;
          assert.equal(rows.length, 5);
        });
        const rows = (await (await fetch(`${a.url}/api/requests`)).json()).requests;
        assert.equal(new Set(rows.map((r: any) => r.id.split("-")[0])).size, 2, "two writers");
        for (const row of rows) {
          assert.deepEqual(
            [row.input_tokens, row.cache_read_input_tokens, row.output_tokens, row.status],
            [400, 500, 100, 200],
          );
          assert.ok(Math.abs(row.cost_usd - COST) < 1e-12, String(row.cost_usd));
          assert.equal(row.key_tail, "…t5t5");
        }
        const usage = await (await fetch(`${b.url}/api/usage`)).json();
        assert.ok(Math.abs(usage.total.cost_usd - 5 * COST) < 1e-8);
        const metrics = await (await fetch(`${b.url}/metrics`)).text();
        assert.match(
          metrics,
          /proxy_requests_total\{model="deepseek-chat",dialect="openai",status="200"\} 5\n/,
        );
      } finally {
        logs += await a.stop();
        logs += await b.stop();
      }
      const dump = await everything(pg.url);
      assert.match(dump, /deepseek-chat/);
      assert.ok(!dump.includes(KEY.slice(0, -4)), "no key in the database");
      assert.ok(!dump.includes("ping"), "no body in the database");
      assert.ok(!logs.includes(pg.password), "the database password is never logged");
    } finally {
      await mock.close();
      await pg.remove();
    }
  },
});

Deno.test({
  name:
    "a PostgreSQL ledger that goes away fails no request; held rows are written when it is back",
  ignore: missing !== undefined,
  fn: async () => {
    const pg: Postgres = await startPostgres();
    const mock = upstream();
    const store = new PostgresStore(pg.url);
    await store.open();
    const proxy = startProxy(modelsYaml(mock), {}, {}, { store, flushMs: 60_000, maxPending: 3 });
    const metric = async (name: string) => {
      const text = await (await fetch(`${proxy.url}/metrics`)).text();
      return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
    };
    try {
      assert.equal(await call(proxy.url), 200);
      assert.equal(await metric("proxy_ledger_pending_rows"), 0);
      await pg.stop();
      for (let i = 0; i < 5; i++) assert.equal(await call(proxy.url), 200, "served as usual");
      assert.equal(await metric("proxy_ledger_dropped_total"), 2);
      assert.equal(await metric("proxy_ledger_pending_rows"), 3);
      const stats = await (await fetch(`${proxy.url}/anthropic/v1/stats`)).json();
      assert.equal(stats.total.requests, 4, "the last figures read, and the held rows");
      assert.equal(proxy.logs.filter((l) => l.includes("cannot write to the postgres")).length, 1);
      assert.ok(proxy.logs.every((l) => !l.includes(pg.password)), "no password in a log line");
      await pg.start();
      await eventually(async () => {
        assert.equal(await metric("proxy_ledger_pending_rows"), 0);
      });
      const rows = (await (await fetch(`${proxy.url}/api/requests`)).json()).requests;
      assert.equal(rows.length, 4, "caught up");
    } finally {
      await proxy.close();
      await mock.close();
      await pg.remove();
    }
  },
});

Deno.test({
  name: "a PostgreSQL ledger made before web searches were counted gets the column, and counts",
  ignore: missing !== undefined,
  fn: async () => {
    const pg = await startPostgres();
    try {
      const first = new PostgresStore(pg.url);
      await first.open();
      await first.close();
      const sql = postgres(pg.url, { onnotice: () => {} });
      for (const table of ["proxy_requests", "proxy_usage_hourly", "proxy_usage_totals"]) {
        await sql.unsafe(`ALTER TABLE ${table} DROP COLUMN web_search_requests`);
      }
      await sql.end();
      const store = new PostgresStore(pg.url);
      await store.open();
      try {
        const row = sampleRow({ web_search_requests: 3 });
        const { cells, counters } = foldRows([row]);
        await store.write([row], cells, counters);
        assert.equal((await store.latest(1))[0].web_search_requests, 3);
        assert.equal((await store.counters())[0].web_search_requests, 3);
        assert.equal((await store.hours(0, Number.MAX_SAFE_INTEGER))[0].web_search_requests, 3);
      } finally {
        await store.close();
      }
    } finally {
      await pg.remove();
    }
  },
});
