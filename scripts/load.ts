/**
 * Load test (`deno task load`): N concurrent streaming requests and a stream of non-streaming
 * ones through the proxy (`deno run main.ts`, its own process) to the mock upstream
 * (bench/mock_upstream.ts), on 127.0.0.1 only, in a few waves, while slow connections (a request
 * head sent a line a second, never finished) are held open throughout, reopened whenever the
 * proxy closes them. Reports errors, throughput, latency percentiles and the proxy's memory
 * after each wave (bounded memory: later waves must not grow it). Exits non-zero on any error.
 * Bounded in count and time: it stops by itself.
 *
 *   deno task load [--streams 1000] [--requests 2000] [--concurrency 50] [--waves 3]
 *                  [--chunk-ms 50] [--slow 300] [--timeout-s 120]
 */
import {
  commitOf,
  cpuSeconds,
  memoryMb,
  percentile,
  pin,
  type Server,
  startMockUpstream,
  startProxyProcess,
} from "../bench/_processes.ts";

const KEY = "sk-load-0000000000000000";

function flag(name: string, fallback: number): number {
  const at = Deno.args.indexOf(`--${name}`);
  return at >= 0 ? Number(Deno.args[at + 1]) : fallback;
}

const STREAMS = flag("streams", 1000);
const REQUESTS = flag("requests", 2000);
const CONCURRENCY = flag("concurrency", 50);
const WAVES = flag("waves", 3);
const CHUNK_MS = flag("chunk-ms", 50);
const SLOW = flag("slow", 300);
const TIMEOUT_S = flag("timeout-s", 120);

function modelsYaml(mock: string): string {
  const entry = (id: string, base: string, format: string) =>
    `- model_id: ${id}\n  model_name: mock-model\n  api_base: ${base}\n  format: ${format}\n`;
  return entry("slow-openai", `${mock}/slow${CHUNK_MS}/v1`, "openai") +
    entry("slow-anthropic", `${mock}/slow${CHUNK_MS}`, "anthropic") +
    entry("fast-openai", `${mock}/v1`, "openai") +
    entry("fast-anthropic", mock, "anthropic");
}

const TEXT = "Summarise the load test results for the team, briefly. ".repeat(30);

/** The kinds of request, by caller dialect and model; streams rotate through all four. */
function request(proxy: string, i: number, stream: boolean): { url: string; init: RequestInit } {
  const kind = i % 4;
  const upstream = stream ? "slow" : "fast";
  const headers = {
    "content-type": "application/json",
    "x-api-key": KEY,
    authorization: `Bearer ${KEY}`,
    "x-goog-api-key": KEY,
  };
  const messages = [{ role: "user", content: TEXT }];
  let url: string;
  let body: unknown;
  if (kind === 0 || kind === 3) { // Anthropic caller → OpenAI upstream, or pass-through
    url = `${proxy}/anthropic/v1/messages`;
    const model = kind === 0 ? `${upstream}-openai` : `${upstream}-anthropic`;
    body = { model, max_tokens: 512, messages, stream };
  } else if (kind === 1) { // OpenAI caller → Anthropic upstream
    url = `${proxy}/openai/v1/chat/completions`;
    body = { model: `${upstream}-anthropic`, messages, stream };
  } else { // Gemini caller → OpenAI upstream
    const method = stream ? "streamGenerateContent?alt=sse" : "generateContent";
    url = `${proxy}/gemini/v1beta/models/${upstream}-openai:${method}`;
    body = { contents: [{ role: "user", parts: [{ text: TEXT }] }] };
  }
  return { url, init: { method: "POST", headers, body: JSON.stringify(body) } };
}

interface Outcome {
  ok: boolean;
  totalMs: number;
  ttfbMs: number;
  error?: string;
}

async function send(url: string, init: RequestInit, signal: AbortSignal): Promise<Outcome> {
  const start = performance.now();
  try {
    const response = await fetch(url, { ...init, signal });
    const reader = response.body!.getReader();
    let ttfb = NaN;
    let text = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (Number.isNaN(ttfb)) ttfb = performance.now() - start;
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const failed = !response.ok || /"error"/.test(text) || text.length === 0;
    return {
      ok: !failed,
      totalMs: performance.now() - start,
      ttfbMs: ttfb,
      error: failed ? `${response.status} ${text.slice(0, 200)}` : undefined,
    };
  } catch (error) {
    return { ok: false, totalMs: performance.now() - start, ttfbMs: NaN, error: String(error) };
  }
}

/**
 * Holds `count` slow connections to the proxy until `signal` aborts: each sends a request head
 * a line at a time, one a second, and never ends it; one the proxy closes is opened again.
 */
function holdSlowConnections(url: string, count: number, signal: AbortSignal) {
  const port = Number(new URL(url).port);
  const stats = { open: 0, closedByProxy: 0 };
  const encoder = new TextEncoder();
  const one = async () => {
    while (!signal.aborted) {
      let conn: Deno.Conn;
      try {
        conn = await Deno.connect({ hostname: "127.0.0.1", port });
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      stats.open++;
      const stop = () => conn.close();
      signal.addEventListener("abort", stop, { once: true });
      try {
        await conn.write(encoder.encode("POST /anthropic/v1/messages HTTP/1.1\r\nHost: x\r\n"));
        for (let i = 0; !signal.aborted; i++) {
          await new Promise((resolve) => setTimeout(resolve, 1000));
          await conn.write(encoder.encode(`x-slow-${i}: 1\r\n`));
        }
      } catch {
        if (!signal.aborted) stats.closedByProxy++;
      } finally {
        stats.open--;
        signal.removeEventListener("abort", stop);
        try {
          conn.close();
        } catch {
          // closed already
        }
      }
    }
  };
  const done = Promise.all(Array.from({ length: count }, one));
  return { stats, done };
}

function summary(outcomes: Outcome[], seconds: number) {
  const ok = outcomes.filter((o) => o.ok);
  const totals = ok.map((o) => o.totalMs).sort((a, b) => a - b);
  const ttfbs = ok.map((o) => o.ttfbMs).sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    requests: outcomes.length,
    errors: outcomes.length - ok.length,
    per_second: r(outcomes.length / seconds),
    p50_ms: r(percentile(totals, 0.5)),
    p90_ms: r(percentile(totals, 0.9)),
    p99_ms: r(percentile(totals, 0.99)),
    max_ms: r(totals[totals.length - 1] ?? NaN),
    ttfb_p50_ms: r(percentile(ttfbs, 0.5)),
    ttfb_p99_ms: r(percentile(ttfbs, 0.99)),
    first_error: outcomes.find((o) => !o.ok)?.error,
  };
}

async function wave(proxy: Server, signal: AbortSignal) {
  let peakInFlightRss = 0;
  const sampler = setInterval(() => {
    peakInFlightRss = Math.max(peakInFlightRss, memoryMb(proxy.pid).rss);
  }, 100);
  const start = performance.now();
  const streams = Promise.all(Array.from({ length: STREAMS }, (_, i) => {
    const { url, init } = request(proxy.url, i, true);
    return send(url, init, signal);
  }));
  let next = 0;
  const calls: Outcome[] = [];
  const plain = Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < REQUESTS && !signal.aborted) {
      const { url, init } = request(proxy.url, next++, false);
      calls.push(await send(url, init, signal));
    }
  }));
  const [streamed] = await Promise.all([streams, plain]);
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  return {
    streamed: summary(streamed, seconds),
    plain: summary(calls, seconds),
    seconds,
    peakInFlightRss,
  };
}

async function main(): Promise<number> {
  pin(Deno.pid, 1);
  const signal = AbortSignal.timeout(TIMEOUT_S * 1000);
  let mock: Server | undefined;
  let proxy: Server | undefined;
  let errors = 0;
  const slowStop = new AbortController();
  let slow = { stats: { open: 0, closedByProxy: 0 }, done: Promise.resolve([] as void[]) };
  try {
    mock = await startMockUpstream(1);
    proxy = await startProxyProcess(modelsYaml(mock.url), { log_level: "warning" }, 0);
    const idle = memoryMb(proxy.pid);
    console.log(
      `load: ${STREAMS} concurrent streams (20 events ${CHUNK_MS} ms apart) + ${REQUESTS} ` +
        `non-streaming requests at concurrency ${CONCURRENCY}, ${WAVES} waves, ${SLOW} slow ` +
        `connections held open; proxy idle RSS ${idle.rss.toFixed(1)} MB`,
    );
    slow = holdSlowConnections(proxy.url, SLOW, slowStop.signal);
    const waves = [];
    for (let w = 1; w <= WAVES && !signal.aborted; w++) {
      const cpu0 = cpuSeconds(proxy.pid);
      const result = await wave(proxy, signal);
      const cpu = cpuSeconds(proxy.pid) - cpu0;
      const memory = memoryMb(proxy.pid);
      errors += result.streamed.errors + result.plain.errors;
      const row = {
        wave: w,
        seconds: Math.round(result.seconds * 100) / 100,
        streams: result.streamed,
        non_streaming: result.plain,
        proxy_cpu_seconds: Math.round(cpu * 100) / 100,
        proxy_rss_mb_peak_during: Math.round(result.peakInFlightRss * 10) / 10,
        proxy_rss_mb_after: Math.round(memory.rss * 10) / 10,
        proxy_vmhwm_mb: Math.round(memory.peak * 10) / 10,
        slow_connections_open: slow.stats.open,
        slow_connections_closed_by_proxy: slow.stats.closedByProxy,
      };
      waves.push(row);
      console.log(JSON.stringify(row));
    }
    const report = {
      date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
      commit: commitOf(),
      idle_rss_mb: Math.round(idle.rss * 10) / 10,
      waves,
      errors,
    };
    await Deno.writeTextFile(
      new URL("../bench/results_load.json", import.meta.url),
      JSON.stringify(report, null, 2) + "\n",
    );
    console.log(
      `${errors === 0 ? "PASS" : "FAIL"}: ${errors} errors; peak RSS ` +
        `${Math.max(...waves.map((w) => w.proxy_vmhwm_mb))} MB; wrote bench/results_load.json`,
    );
  } finally {
    slowStop.abort();
    await slow.done;
    await proxy?.stop();
    await mock?.stop();
  }
  return errors === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main());
