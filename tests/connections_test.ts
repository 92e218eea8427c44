/**
 * Hostile and unusual connections against main.ts as a real process: more connections than it
 * has descriptors, connections that never send a whole request, bodies that trickle in, idle
 * keep-alive connections. The process must survive, keep answering, and close what stalls.
 */
import assert from "node:assert/strict";
import { parseModels } from "../lib/config/models.ts";
import { resolveSettings } from "../lib/config/settings.ts";
import { createHandler } from "../lib/server/app.ts";
import { randomId } from "../lib/server/exchange.ts";
import { createLogger } from "../lib/server/log.ts";
import { Stats } from "../lib/server/stats.ts";
import { json, startMock } from "./_harness.ts";
import { startMain } from "./_main_process.ts";

const MODELS = "- model_id: m\n  api_base: http://127.0.0.1:9/v1\n";
const encoder = new TextEncoder();

/** What happened to a raw connection: the bytes it received before the server closed it. */
interface Outcome {
  received: string;
  closedByServer: boolean;
}

/**
 * Opens a raw connection, writes `pieces` (one every `gapMs`), and reads until the server closes
 * it or `giveUp` fires.
 */
async function rawConnection(
  port: number,
  pieces: string[],
  gapMs: number,
  giveUp: AbortSignal,
): Promise<Outcome> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let closed = false;
  (async () => {
    for (const [i, piece] of pieces.entries()) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      if (closed || giveUp.aborted) return;
      try {
        await conn.write(encoder.encode(piece));
      } catch {
        return; // closed by the server while sending: what this test expects of stalls
      }
    }
  })();
  const onGiveUp = () => conn.close();
  giveUp.addEventListener("abort", onGiveUp);
  const buffer = new Uint8Array(4096);
  let received = "";
  let closedByServer = false;
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) {
        closedByServer = true;
        break;
      }
      received += new TextDecoder().decode(buffer.subarray(0, n));
    }
  } catch {
    closedByServer = !giveUp.aborted;
  } finally {
    closed = true;
    giveUp.removeEventListener("abort", onGiveUp);
  }
  if (closedByServer) conn.close();
  return { received, closedByServer };
}

Deno.test("main.ts under ulimit -n 256 keeps serving with 300 half-sent connections, then closes them", async () => {
  const proxy = await startMain({
    models: MODELS,
    config: { client_header_timeout_seconds: 2 },
    nofile: 256,
  });
  const giveUp = new AbortController();
  const safety = setTimeout(() => giveUp.abort(), 30_000);
  try {
    const counted = /(\d+) descriptors free, at most (\d+) connections/.exec(proxy.line);
    assert.ok(counted, proxy.line);
    const [free, cap] = [Number(counted[1]), Number(counted[2])];
    assert.ok(free < 256 && cap < free, proxy.line);

    const half = "GET /health HTTP/1.1\r\nHost: localhost\r\n"; // the blank line never comes
    const held = await Promise.all(
      Array.from({ length: 300 }, () => rawConnection(proxy.port, [half], 0, giveUp.signal)),
    );
    const health = await fetch(`${proxy.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });

    const outcomes = held; // each resolved when the server closed it (or at the safety)
    assert.equal(outcomes.filter((o) => o.closedByServer).length, 300);
    assert.equal(proxy.exited(), false, "the process is still running");
    const after = await fetch(`${proxy.url}/health`);
    assert.equal(after.status, 200);
    await after.body?.cancel();
  } finally {
    clearTimeout(safety);
    await proxy.stop();
  }
});

Deno.test("main.ts closes connections that stall: no request head, a trickled body, idle keep-alive", async () => {
  const proxy = await startMain({
    models: MODELS,
    config: {
      client_header_timeout_seconds: 1,
      client_body_timeout_seconds: 1,
      keepalive_timeout_seconds: 1,
    },
  });
  const giveUp = new AbortController();
  const safety = setTimeout(() => giveUp.abort(), 20_000);
  const signal = giveUp.signal;
  try {
    const head = "POST /openai/v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n";
    const trickle = Array.from({ length: 60 }, () => "a");
    const [silent, halfHead, slowHead, slowBody, idle] = await Promise.all([
      rawConnection(proxy.port, [], 0, signal),
      rawConnection(proxy.port, [head], 0, signal),
      rawConnection(proxy.port, [head, ...trickle.map((_, i) => `X-H${i}: 1\r\n`)], 300, signal),
      rawConnection(
        proxy.port,
        [`${head}Authorization: Bearer sk-x\r\nContent-Length: 100\r\n\r\n{`, ...trickle],
        300,
        signal,
      ),
      rawConnection(proxy.port, ["GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"], 0, signal),
    ]);
    for (const [name, outcome] of Object.entries({ silent, halfHead, slowHead, slowBody, idle })) {
      assert.ok(outcome.closedByServer, `${name} was left open`);
    }
    assert.equal(silent.received, "");
    assert.equal(halfHead.received, "");
    assert.match(slowBody.received, /^HTTP\/1\.1 408 /);
    assert.match(slowBody.received, /did not arrive within 1 s/);
    assert.match(idle.received, /^HTTP\/1\.1 200 /);
  } finally {
    clearTimeout(safety);
    await proxy.stop();
  }
});

Deno.test("API requests beyond the in-flight cap get a 503 in the caller's dialect; /health still answers", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  let arrived = 0;
  const mock = startMock(async () => {
    arrived++;
    await held;
    return json({ id: "c", choices: [{ message: { role: "assistant", content: "hi" } }] });
  });
  const stats = new Stats();
  const handler = createHandler({
    settings: resolveSettings({}, () => undefined, {}, "config.json"),
    models: parseModels(`- model_id: m\n  api_base: ${mock.url}/v1\n`, "models.yaml", () => ""),
    stats,
    logger: createLogger({ level: "error", format: "json", sink: () => {} }),
    newId: randomId,
    now: () => Date.now(),
    maxInFlight: 2,
    fetch: globalThis.fetch,
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  const url = `http://127.0.0.1:${server.addr.port}`;
  const ask = () =>
    fetch(`${url}/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "sk-test", "content-type": "application/json" },
      body: JSON.stringify({
        model: "m",
        max_tokens: 10,
        messages: [{ role: "user", content: "x" }],
      }),
    });
  try {
    const first = [ask(), ask()];
    while (arrived < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const refused = await ask();
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "1");
    const body = await refused.json();
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "overloaded_error");
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    await health.body?.cancel();
    release();
    for (const response of await Promise.all(first)) {
      assert.equal(response.status, 200);
      await response.body?.cancel();
    }
    assert.equal(arrived, 2, "the refused request never reached the upstream");
    assert.equal(stats.inFlight, 0);
  } finally {
    await server.shutdown();
    await mock.close();
  }
});

Deno.test("an accept that fails with EMFILE is logged and retried, never the end of the process", async () => {
  const script = new URL("./_accept_errors_server.ts", import.meta.url).pathname;
  const child = new Deno.Command("sh", {
    args: ["-c", `ulimit -n 64 && exec "$@"`, "sh", Deno.execPath(), "run", "--allow-net", script],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let exited = false;
  child.status.then(() => exited = true);
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  while (!/port \d+\n/.test(out)) out += (await lines.read()).value ?? "";
  const port = Number(/port (\d+)/.exec(out)![1]);
  const giveUp = new AbortController();
  const safety = setTimeout(() => giveUp.abort(), 30_000);
  try {
    // More silent connections than the process has descriptors: accepting runs out.
    const held = await Promise.all(
      Array.from({ length: 100 }, () => Deno.connect({ hostname: "127.0.0.1", port })),
    );
    const health = await fetch(`http://127.0.0.1:${port}/health`, { signal: giveUp.signal });
    assert.equal(health.status, 200);
    await health.body?.cancel();
    while (!/Accepting a connection failed: Too many open files/.test(out)) {
      out += (await lines.read()).value ?? "";
    }
    assert.equal(exited, false, "the process is still running");
    for (const conn of held) conn.close();
  } finally {
    clearTimeout(safety);
    if (!exited) child.kill();
    await child.status;
    await lines.cancel();
  }
});
