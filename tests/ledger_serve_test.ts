/**
 * `deno task serve` (its own command from deno.json: `deno serve --parallel`, two workers, the
 * default SQLite ledger beside config.json): after N requests (served by both workers) every
 * read of `/stats` and `/metrics`, whichever worker answers it, shows N; after a restart the
 * totals are still there.
 */
import assert from "node:assert/strict";
import { chatCompletion, freePort, startMock, waitUntilUp } from "./_harness.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const N = 20;

/**
 * The serve task's words, on another port, with main.ts and deno.json by their full paths (it
 * runs in a folder of its own, where the ledger's relative --allow-write points).
 */
async function serveArgs(port: number): Promise<string[]> {
  const task = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks.serve as string;
  const words = task.split(/\s+/);
  assert.equal(words[0], "DENO_SERVE=1");
  assert.equal(words[1], "deno");
  const args = words.slice(2);
  args[args.indexOf("--port") + 1] = String(port);
  args[args.indexOf("main.ts")] = `${ROOT}main.ts`;
  return [args[0], "--config", `${ROOT}deno.json`, ...args.slice(1)];
}

/** Starts the task in `dir` (where config.json, models.yaml and the ledger are). */
async function serve(dir: string) {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: await serveArgs(port),
    cwd: dir,
    env: { DENO_SERVE: "1", DENO_JOBS: "2" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url);
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/**
 * Every request on a connection of its own: the kernel spreads new connections over the
 * workers, where a kept-alive one would always reach the same worker.
 */
const fresh = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });

async function get(url: string): Promise<Response> {
  return await fetch(url, { client: fresh });
}

async function requestsInStats(url: string): Promise<number> {
  return (await (await get(`${url}/anthropic/v1/stats`)).json()).total.requests;
}

async function requestsInMetrics(url: string): Promise<number> {
  const text = await (await get(`${url}/metrics`)).text();
  return text.split("\n").filter((l) => l.startsWith("proxy_requests_total{"))
    .reduce((n, l) => n + Number(l.split(" ").pop()), 0);
}

Deno.test("deno task serve: every worker's /stats and /metrics show all N requests, and a restart keeps them", async () => {
  const mock = startMock(() =>
    chatCompletion({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 })
  );
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/models.yaml`, `- model_id: m\n  api_base: ${mock.url}/v1\n`);
  await Deno.writeTextFile(`${dir}/config.json`, "{}");
  let total = 0;
  try {
    const first = await serve(dir);
    try {
      // Requests on fresh connections until both workers have served some (the second may
      // start listening a moment after the first), at least N.
      let sent = 0;
      const post = async () => {
        const response = await fetch(`${first.url}/openai/v1/chat/completions`, {
          method: "POST",
          headers: { authorization: "Bearer sk-serve-test-key-0001" },
          client: fresh,
          body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
        });
        assert.equal(response.status, 200);
        await response.body?.cancel();
        sent++;
      };
      const writers = async () => {
        const rows = (await (await get(`${first.url}/api/requests?limit=500`)).json()).requests;
        return new Set(rows.map((r: { id: string }) => r.id.split("-")[0])).size;
      };
      while (sent < N || await writers() < 2) {
        assert.ok(sent < 400, "the second worker never served a request");
        await Promise.all([post(), post(), post(), post()]);
      }
      // One more round, then the reads right after its last answer, from new connections (so
      // from both workers).
      await Promise.all([post(), post(), post(), post()]);
      for (let i = 0; i < 8; i++) {
        assert.equal(await requestsInStats(first.url), sent, `read ${i} of /stats`);
        assert.equal(await requestsInMetrics(first.url), sent, `read ${i} of /metrics`);
      }
      total = sent;
    } finally {
      await first.stop();
    }
    assert.ok((await Deno.stat(`${dir}/usage.sqlite`)).isFile, "the ledger beside config.json");
    const second = await serve(dir);
    try {
      for (let i = 0; i < 4; i++) {
        assert.equal(await requestsInStats(second.url), total, "after a restart");
        assert.equal(await requestsInMetrics(second.url), total, "after a restart");
      }
    } finally {
      await second.stop();
    }
  } finally {
    await mock.close();
    fresh.close();
  }
});

Deno.test("deno task start: rows still held when the proxy is stopped are written before it exits", async () => {
  const mock = startMock(() => chatCompletion({ prompt_tokens: 10, completion_tokens: 2 }));
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/models.yaml`, `- model_id: m\n  api_base: ${mock.url}/v1\n`);
  await Deno.writeTextFile(`${dir}/config.json`, "{}");
  const task = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks.start as string;
  const args = task.split(/\s+/).slice(1).map((w) => w === "main.ts" ? `${ROOT}main.ts` : w);
  const start = () => {
    const port = freePort();
    const child = new Deno.Command(Deno.execPath(), {
      args: [args[0], "--config", `${ROOT}deno.json`, ...args.slice(1), "--port", String(port)],
      cwd: dir,
      stdout: "null",
      stderr: "null",
    }).spawn();
    return { child, url: `http://127.0.0.1:${port}` };
  };
  try {
    const first = start();
    await waitUntilUp(first.url);
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${first.url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer sk-stop-test-key-0002" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
      });
      assert.equal(response.status, 200);
      await response.body?.cancel();
    }
    // At once, before the buffer's timer: only the signal handler can write these rows.
    first.child.kill("SIGTERM");
    assert.equal((await first.child.status).code, 0);
    const second = start();
    try {
      await waitUntilUp(second.url);
      const stats = await (await fetch(`${second.url}/anthropic/v1/stats`)).json();
      assert.equal(stats.total.requests, 3);
    } finally {
      second.child.kill("SIGTERM");
      await second.child.status;
    }
  } finally {
    await mock.close();
  }
});
