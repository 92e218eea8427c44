/**
 * End-to-end benchmark (`deno task bench:e2e`): a fast mock upstream and the proxy as separate
 * processes, this process as the load generator, pinned to separate cores with `taskset` where
 * it exists (proxy on core 0; mock and load generator on core 1). For each lane it
 * measures the same requests sent to the mock directly, through the floor (bench/floor_proxy.ts:
 * parse, re-serialise, pipe the answer back; for streams also a second one that reads the answer
 * chunk by chunk in JavaScript) and through the proxy, in alternating rounds:
 * latency percentiles and time to first byte at concurrency 1, throughput at concurrency 8, the
 * CPU per request of the proxy and of the floor (the median over the rounds, from each thread's
 * /proc/<pid>/task/<tid>/schedstat) and the proxy's memory (VmRSS idle, VmHWM peak). Prints a
 * table and writes bench/results.json; with BENCH_DOC=<doc.md>, also its figures into that
 * document (bench/performance_doc.ts).
 */
import {
  baselineTree,
  canPin,
  commitOf,
  cpuSeconds,
  memoryMb,
  percentile,
  pin,
  type Server,
  startFloorProxy,
  startMockUpstream,
  startProxyProcess,
} from "./_processes.ts";
import { writeDoc } from "./performance_doc.ts";

type Dialect = "anthropic" | "openai" | "gemini" | "responses";

interface Lane {
  name: string;
  caller: Dialect;
  upstream: Dialect;
  body: string;
  stream: boolean;
  target: { cpuMs: number; addedP50Ms?: number; addedTtfbMs?: number };
}

interface Run {
  p50: number;
  p90: number;
  p99: number;
  ttfbP50: number;
  rps: number;
}

const SINGLE = Number(Deno.env.get("BENCH_REQUESTS") ?? 400);
const CONCURRENT = Number(Deno.env.get("BENCH_CONCURRENT_REQUESTS") ?? 1200);
const CONCURRENCY = 8;
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 8);
const WARMUP = Number(Deno.env.get("BENCH_WARMUP") ?? 150);
const KEY = "sk-bench-0000000000000000";
const MODEL: Record<Dialect, string> = {
  anthropic: "bench-anthropic",
  openai: "bench-openai",
  gemini: "bench-gemini",
  responses: "bench-responses",
};

function fixture(path: string): any {
  return JSON.parse(Deno.readTextFileSync(new URL(`../tests/fixtures/${path}`, import.meta.url)));
}

/** A ~2 KB conversation in a dialect. */
function smallBody(dialect: Dialect): Record<string, unknown> {
  const system = "You are a careful assistant for a software team. Answer briefly. ".repeat(6);
  const question = "Explain how the retry policy with exponential backoff works here. ".repeat(12);
  const answer = "Each retry waits twice as long as the one before, with jitter. ".repeat(6);
  switch (dialect) {
    case "anthropic":
      return {
        max_tokens: 1024,
        system,
        messages: [
          { role: "user", content: question },
          { role: "assistant", content: answer },
          { role: "user", content: "And the cap?" },
        ],
      };
    case "openai":
      return {
        max_tokens: 1024,
        messages: [
          { role: "system", content: system },
          { role: "user", content: question },
          { role: "assistant", content: answer },
          { role: "user", content: "And the cap?" },
        ],
      };
    case "gemini":
      return {
        systemInstruction: { parts: [{ text: system }] },
        contents: [
          { role: "user", parts: [{ text: question }] },
          { role: "model", parts: [{ text: answer }] },
          { role: "user", parts: [{ text: "And the cap?" }] },
        ],
        generationConfig: { maxOutputTokens: 1024 },
      };
    case "responses":
      return {
        max_output_tokens: 1024,
        instructions: system,
        input: [
          { role: "user", content: question },
          { role: "assistant", content: answer },
          { role: "user", content: "And the cap?" },
        ],
      };
  }
}

function body(dialect: Dialect, json: Record<string, unknown>, stream: boolean): string {
  return JSON.stringify(dialect === "gemini" ? json : { ...json, model: MODEL.anthropic, stream });
}

const CLAUDE_CODE = fixture("requests/claude_code_request.json");
/** What Codex CLI sent on its second turn (a real capture, 43 KB). */
const CODEX = fixture("requests/codex_request_turn2.json");

const LANES: Lane[] = [
  {
    name: "anthropic → openai, 116 KB, non-stream",
    caller: "anthropic",
    upstream: "openai",
    body: body("anthropic", CLAUDE_CODE, false),
    stream: false,
    target: { cpuMs: 1.5, addedP50Ms: 2 },
  },
  {
    name: "anthropic → openai, 116 KB, stream (20 chunks)",
    caller: "anthropic",
    upstream: "openai",
    body: body("anthropic", CLAUDE_CODE, true),
    stream: true,
    target: { cpuMs: 1.5, addedTtfbMs: 1 },
  },
  {
    name: "openai → anthropic, 2 KB, non-stream",
    caller: "openai",
    upstream: "anthropic",
    body: body("openai", smallBody("openai"), false),
    stream: false,
    target: { cpuMs: 0.6, addedP50Ms: 0.5 },
  },
  {
    name: "gemini → openai, 2 KB, non-stream",
    caller: "gemini",
    upstream: "openai",
    body: body("gemini", smallBody("gemini"), false),
    stream: false,
    target: { cpuMs: 0.6 },
  },
  {
    name: "anthropic → anthropic pass-through, 2 KB, stream",
    caller: "anthropic",
    upstream: "anthropic",
    body: body("anthropic", smallBody("anthropic"), true),
    stream: true,
    target: { cpuMs: 0.4 },
  },
  {
    name: "anthropic → anthropic pass-through, 116 KB, stream (no target)",
    caller: "anthropic",
    upstream: "anthropic",
    body: body("anthropic", CLAUDE_CODE, true),
    stream: true,
    target: { cpuMs: NaN },
  },
  // Codex CLI on a Chat Completions model; within 1.5× of the openai → anthropic lane's CPU.
  {
    name: "responses → openai, 2 KB, non-stream",
    caller: "responses",
    upstream: "openai",
    body: body("responses", smallBody("responses"), false),
    stream: false,
    target: { cpuMs: 0.9 },
  },
  {
    name: "responses → openai, Codex 43 KB, stream (no target)",
    caller: "responses",
    upstream: "openai",
    body: body("responses", CODEX, true),
    stream: true,
    target: { cpuMs: NaN },
  },
];

function modelsYaml(mock: string): string {
  return [
    `- model_id: ${MODEL.anthropic}\n  model_name: mock-model\n  api_base: ${mock}\n  format: anthropic\n  max_tokens: 64K`,
    `- model_id: ${MODEL.openai}\n  model_name: mock-model\n  api_base: ${mock}/v1\n  format: openai\n  max_tokens: 64K`,
  ].join("\n") + "\n";
}

/** The proxied and the direct request of a lane. */
function targets(lane: Lane, proxy: string, mock: string): { proxied: string; direct: string } {
  const model = MODEL[lane.upstream];
  const proxied = lane.caller === "anthropic"
    ? `${proxy}/anthropic/v1/messages`
    : lane.caller === "openai"
    ? `${proxy}/openai/v1/chat/completions`
    : lane.caller === "responses"
    ? `${proxy}/openai/v1/responses`
    : `${proxy}/gemini/v1beta/models/${model}:${
      lane.stream ? "streamGenerateContent?alt=sse" : "generateContent"
    }`;
  const direct = lane.upstream === "openai" ? `${mock}/v1/chat/completions` : `${mock}/v1/messages`;
  return { proxied, direct };
}

function laneBody(lane: Lane): string {
  if (lane.caller === "gemini") return lane.body;
  const parsed = JSON.parse(lane.body);
  parsed.model = MODEL[lane.upstream];
  return JSON.stringify(parsed);
}

const HEADERS = {
  "content-type": "application/json",
  "x-api-key": KEY,
  authorization: `Bearer ${KEY}`,
  "x-goog-api-key": KEY,
  "anthropic-version": "2023-06-01",
};

/** One request, read to the end: total time and time to the first body chunk, in ms. */
async function once(url: string, payload: string): Promise<{ total: number; ttfb: number }> {
  const start = performance.now();
  const response = await fetch(url, { method: "POST", headers: HEADERS, body: payload });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  const reader = response.body!.getReader();
  let ttfb = NaN;
  for (;;) {
    const { done } = await reader.read();
    if (Number.isNaN(ttfb)) ttfb = performance.now() - start;
    if (done) break;
  }
  return { total: performance.now() - start, ttfb };
}

async function sequential(url: string, payload: string, n: number) {
  const totals: number[] = [];
  const ttfbs: number[] = [];
  for (let i = 0; i < n; i++) {
    const { total, ttfb } = await once(url, payload);
    totals.push(total);
    ttfbs.push(ttfb);
  }
  return { totals: totals.sort((a, b) => a - b), ttfbs: ttfbs.sort((a, b) => a - b) };
}

async function concurrent(url: string, payload: string, n: number, workers: number) {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next++ < n) await once(url, payload);
  }));
  return n / ((performance.now() - start) / 1000);
}

/** A proxy measured in a lane: this tree's, or the baseline's of a same-run A/B. */
interface Measured {
  url: string;
  pid: number;
}

/**
 * One lane: the direct and the proxied requests in alternating rounds, so that a slower spell of
 * a shared machine weighs on both alike. Latency percentiles pool every round's requests; the
 * proxy's CPU per request is the median over the rounds; throughput is measured once each. With
 * a baseline (another tree's proxy), it takes its rounds beside the proxy's, the two in turns
 * first, so that neither always follows the other.
 */
async function measureLane(
  direct: string,
  floors: Measured[],
  proxy: Measured,
  payload: string,
  baseline?: Measured,
) {
  for (const url of [direct, ...floors.map((floor) => floor.url), proxy.url]) {
    await sequential(url, payload, WARMUP);
  }
  if (baseline) {
    try {
      await sequential(baseline.url, payload, WARMUP);
    } catch (error) {
      console.error(`baseline skipped in this lane: ${(error as Error).message.slice(0, 200)}`);
      baseline = undefined;
    }
  }
  const perRound = Math.max(1, Math.round(SINGLE / ROUNDS));
  const samples = () => ({ totals: [] as number[], ttfbs: [] as number[] });
  const d = samples();
  const f = floors.map(samples);
  const p = samples();
  const b = samples();
  const cpuPerRound: number[] = [];
  const baselineCpuPerRound: number[] = [];
  const floorCpuPerRound: number[][] = floors.map(() => []);
  /** One round of `url` into `into`; with `cpu`, also the CPU per request of process `pidOf`. */
  const round = async (url: string, into: typeof d, cpu?: { pid: number; rounds: number[] }) => {
    const cpu0 = cpu ? cpuSeconds(cpu.pid) : 0;
    const run = await sequential(url, payload, perRound);
    if (cpu) cpu.rounds.push((cpuSeconds(cpu.pid) - cpu0) * 1000 / perRound);
    into.totals.push(...run.totals);
    into.ttfbs.push(...run.ttfbs);
  };
  const proxyRound = () => round(proxy.url, p, { pid: proxy.pid, rounds: cpuPerRound });
  const baselineRound = (base: Measured) =>
    round(base.url, b, { pid: base.pid, rounds: baselineCpuPerRound });
  for (let r = 0; r < ROUNDS; r++) {
    await round(direct, d);
    for (const [i, floor] of floors.entries()) {
      await round(floor.url, f[i], { pid: floor.pid, rounds: floorCpuPerRound[i] });
    }
    if (baseline && r % 2 === 0) await baselineRound(baseline);
    await proxyRound();
    if (baseline && r % 2 === 1) await baselineRound(baseline);
  }
  const directRps = await concurrent(direct, payload, CONCURRENT, CONCURRENCY);
  // The floors take the same load, so that their memory compares with the proxy's.
  const floorRps: number[] = [];
  for (const floor of floors) {
    floorRps.push(await concurrent(floor.url, payload, CONCURRENT, CONCURRENCY));
  }
  const underLoad = async (server: Measured) => {
    const cpu0 = cpuSeconds(server.pid);
    const rps = await concurrent(server.url, payload, CONCURRENT, CONCURRENCY);
    return { rps, cpuMs: (cpuSeconds(server.pid) - cpu0) * 1000 / CONCURRENT };
  };
  const loaded = await underLoad(proxy);
  const baselineLoaded = baseline ? await underLoad(baseline) : undefined;
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  const run = (s: { totals: number[]; ttfbs: number[] }, rps: number): Run => {
    const totals = sorted(s.totals);
    return {
      p50: percentile(totals, 0.5),
      p90: percentile(totals, 0.9),
      p99: percentile(totals, 0.99),
      ttfbP50: percentile(sorted(s.ttfbs), 0.5),
      rps,
    };
  };
  return {
    direct: run(d, directRps),
    floors: f.map((samples, i) => run(samples, floorRps[i])),
    proxied: run(p, loaded.rps),
    cpuMs: percentile(sorted([...cpuPerRound]), 0.5),
    cpuMsRounds: cpuPerRound, // in the order measured
    floorCpuMs: floorCpuPerRound.map((rounds) => percentile(sorted(rounds), 0.5)),
    cpuMsConcurrent: loaded.cpuMs,
    baseline: baselineLoaded && {
      run: run(b, baselineLoaded.rps),
      cpuMs: percentile(sorted([...baselineCpuPerRound]), 0.5),
      cpuMsRounds: baselineCpuPerRound,
      cpuMsConcurrent: baselineLoaded.cpuMs,
    },
  };
}

const round = (x: number, digits = 2) => Number.isFinite(x) ? Number(x.toFixed(digits)) : null;

async function main(): Promise<void> {
  const pinned = canPin();
  pin(Deno.pid, 1);
  let mock: Server | undefined;
  let proxy: Server | undefined;
  let floor: Server | undefined;
  let relayFloor: Server | undefined;
  let baseline: Server | undefined;
  let baselineTreeDir: Awaited<ReturnType<typeof baselineTree>> | undefined;
  const results: Record<string, unknown>[] = [];
  try {
    mock = await startMockUpstream(1);
    const logLevel = Deno.env.get("BENCH_LOG_LEVEL") ?? "info";
    proxy = await startProxyProcess(modelsYaml(mock.url), { log_level: logLevel }, 0);
    floor = await startFloorProxy(mock.url, 0);
    relayFloor = await startFloorProxy(mock.url, 0, true);
    const baselineSpec = Deno.env.get("BENCH_BASELINE");
    if (baselineSpec) {
      baselineTreeDir = await baselineTree(baselineSpec);
      const extra = JSON.parse(Deno.env.get("BENCH_BASELINE_CONFIG") ?? "{}");
      baseline = await startProxyProcess(
        modelsYaml(mock.url),
        { log_level: logLevel, ...extra },
        0,
        baselineTreeDir.root,
      );
    }
    const baselineIdle = baseline && memoryMb(baseline.pid);
    const idle = memoryMb(proxy.pid);
    const floorIdle = memoryMb(floor.pid);
    const relayFloorIdle = memoryMb(relayFloor.pid);
    const only = Deno.env.get("BENCH_LANES")?.split(",").map(Number);
    for (const [i, lane] of LANES.entries()) {
      if (only && !only.includes(i + 1)) continue;
      const payload = laneBody(lane);
      const { proxied, direct } = targets(lane, proxy.url, mock.url);
      // Streams also go through the floor that reads them in JavaScript chunk by chunk.
      const floors = (lane.stream ? [floor, relayFloor] : [floor]).map((server) => ({
        url: server.url + new URL(direct).pathname,
        pid: server.pid,
      }));
      const m = await measureLane(
        direct,
        floors,
        { url: proxied, pid: proxy.pid },
        payload,
        baseline && { url: targets(lane, baseline.url, mock.url).proxied, pid: baseline.pid },
      );
      const result = {
        lane: lane.name,
        body_bytes: payload.length,
        proxy_cpu_ms_per_request: round(m.cpuMs, 3),
        proxy_cpu_ms_per_round: m.cpuMsRounds.map((x) => round(x, 3)),
        proxy_cpu_ms_per_request_c8: round(m.cpuMsConcurrent, 3),
        floor_cpu_ms_per_request: round(m.floorCpuMs[0], 3),
        floor: mapRun(m.floors[0]),
        relay_floor_cpu_ms_per_request: lane.stream ? round(m.floorCpuMs[1], 3) : null,
        relay_floor: lane.stream ? mapRun(m.floors[1]) : null,
        target_cpu_ms: round(lane.target.cpuMs),
        direct: mapRun(m.direct),
        proxied: mapRun(m.proxied),
        added_p50_ms: round(m.proxied.p50 - m.direct.p50, 3),
        added_ttfb_p50_ms: round(m.proxied.ttfbP50 - m.direct.ttfbP50, 3),
        target_added_p50_ms: lane.target.addedP50Ms ?? null,
        target_added_ttfb_ms: lane.target.addedTtfbMs ?? null,
        throughput_ratio: round(m.proxied.rps / m.direct.rps, 3),
        baseline: m.baseline
          ? {
            cpu_ms_per_request: round(m.baseline.cpuMs, 3),
            cpu_ms_per_round: m.baseline.cpuMsRounds.map((x) => round(x, 3)),
            cpu_ms_per_request_c8: round(m.baseline.cpuMsConcurrent, 3),
            proxied: mapRun(m.baseline.run),
            // this tree over the baseline, per request: below 1 is cheaper
            cpu_ratio: round(m.cpuMs / m.baseline.cpuMs, 3),
            cpu_ratio_c8: round(m.cpuMsConcurrent / m.baseline.cpuMsConcurrent, 3),
          }
          : null,
        proxy_rss_mb_after: round(memoryMb(proxy.pid).rss, 1),
        proxy_peak_rss_mb_so_far: round(memoryMb(proxy.pid).peak, 1),
      };
      results.push(result);
      console.error(`done: ${lane.name}`);
    }
    // The floors served the same requests in the same rounds: what any Deno proxy of these
    // lanes holds, beside what this one holds.
    const end = memoryMb(proxy.pid);
    const floorEnd = memoryMb(floor.pid);
    const relayFloorEnd = memoryMb(relayFloor.pid);
    const memory = {
      idle_rss_mb: round(idle.rss, 1),
      peak_rss_mb: round(end.peak, 1),
      file_rss_mb_at_end: round(end.file, 1),
      floor_idle_rss_mb: round(floorIdle.rss, 1),
      floor_peak_rss_mb: round(floorEnd.peak, 1),
      floor_file_rss_mb_at_end: round(floorEnd.file, 1),
      relay_floor_idle_rss_mb: round(relayFloorIdle.rss, 1),
      relay_floor_peak_rss_mb: round(relayFloorEnd.peak, 1),
      baseline_idle_rss_mb: baselineIdle ? round(baselineIdle.rss, 1) : null,
      baseline_peak_rss_mb: baseline ? round(memoryMb(baseline.pid).peak, 1) : null,
    };
    const report = {
      date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
      machine: machine(),
      pinned,
      commit: commitOf(),
      baseline: baselineTreeDir ? baselineTreeDir.label : null,
      baseline_config: baseline ? JSON.parse(Deno.env.get("BENCH_BASELINE_CONFIG") ?? "{}") : null,
      requests: {
        warmup: WARMUP,
        sequential: SINGLE,
        rounds: ROUNDS,
        concurrent: CONCURRENT,
        concurrency: CONCURRENCY,
      },
      memory,
      lanes: results,
    };
    printTable(report);
    const out = Deno.env.get("BENCH_OUT") ?? new URL("./results.json", import.meta.url).pathname;
    await Deno.writeTextFile(out, JSON.stringify(report, null, 2) + "\n");
    console.log(`wrote ${out}`);
    const doc = Deno.env.get("BENCH_DOC");
    if (doc) {
      await writeDoc(out, doc, new URL("./results_load.json", import.meta.url).pathname);
      console.log(`wrote its figures into ${doc}`);
    }
  } finally {
    await floor?.stop();
    await relayFloor?.stop();
    await proxy?.stop();
    await baseline?.stop();
    await baselineTreeDir?.remove();
    await mock?.stop();
  }
}

function mapRun(run: Run) {
  return {
    p50_ms: round(run.p50, 3),
    p90_ms: round(run.p90, 3),
    p99_ms: round(run.p99, 3),
    ttfb_p50_ms: round(run.ttfbP50, 3),
    requests_per_second: round(run.rps, 0),
  };
}

function machine(): Record<string, unknown> {
  let cpu = "unknown";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(Deno.readTextFileSync("/proc/cpuinfo"))?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  return {
    cpu,
    cores: navigator.hardwareConcurrency,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
  };
}

function printTable(report: any): void {
  const rows = [[
    "lane",
    "CPU ms/req (target)",
    "floor CPU (JS relay)",
    "p50 direct→proxied (added)",
    "p99 direct→proxied",
    "TTFB p50 direct→proxied (added)",
    "req/s direct→proxied",
  ]];
  const ab = report.baseline !== null;
  if (ab) rows[0].push("baseline CPU ms/req (this/baseline), c8");
  for (const r of report.lanes) {
    rows.push([
      r.lane,
      `${r.proxy_cpu_ms_per_request} (${r.target_cpu_ms ?? "-"})`,
      r.relay_floor_cpu_ms_per_request === null
        ? `${r.floor_cpu_ms_per_request}`
        : `${r.floor_cpu_ms_per_request} (${r.relay_floor_cpu_ms_per_request})`,
      `${r.direct.p50_ms}→${r.proxied.p50_ms} (+${r.added_p50_ms})`,
      `${r.direct.p99_ms}→${r.proxied.p99_ms}`,
      `${r.direct.ttfb_p50_ms}→${r.proxied.ttfb_p50_ms} (+${r.added_ttfb_p50_ms})`,
      `${r.direct.requests_per_second}→${r.proxied.requests_per_second}`,
    ]);
    if (ab) {
      const b = r.baseline;
      rows[rows.length - 1].push(
        b ? `${b.cpu_ms_per_request} (${b.cpu_ratio}×), c8 ${b.cpu_ratio_c8}×` : "n/a",
      );
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join(" | "));
  const m = report.memory;
  console.log(
    `memory, idle RSS / peak RSS (VmHWM) (RSS mapped from files at the end): ` +
      `proxy ${m.idle_rss_mb} / ${m.peak_rss_mb} MB (${m.file_rss_mb_at_end}); ` +
      `floor ${m.floor_idle_rss_mb} / ${m.floor_peak_rss_mb} MB (${m.floor_file_rss_mb_at_end}); ` +
      `JS relay floor (streams only) ${m.relay_floor_idle_rss_mb} / ${m.relay_floor_peak_rss_mb} MB`,
  );
  if (ab) {
    console.log(
      `baseline ${report.baseline} ${JSON.stringify(report.baseline_config)}: memory ` +
        `${m.baseline_idle_rss_mb} / ${m.baseline_peak_rss_mb} MB`,
    );
  }
  console.log(
    `commit ${report.commit}; pinned: ${report.pinned}; ${report.machine.cpu}, ` +
      `${report.machine.cores} cores`,
  );
}

if (import.meta.main) await main();
