/**
 * `deno task bench:doc [results.json] [doc.md]`: writes the figures of a `bench/e2e.ts` report
 * (and of `deno task load`'s, when bench/results_load.json exists) into docs/performance.md,
 * between its two markers, so that the document's figures are the benchmark's own output and
 * never copied by hand. The text around the markers is the document's own. `bench/e2e.ts` does
 * the same at the end of a run when `BENCH_DOC=<doc.md>` is set.
 */

export const BEGIN =
  "<!-- figures: begin (written by `deno task bench:doc`; edit around, not in) -->";
export const END = "<!-- figures: end -->";

type Num = number | null;

interface Run {
  p50_ms: Num;
  p99_ms: Num;
  ttfb_p50_ms: Num;
  requests_per_second: Num;
}

interface Lane {
  lane: string;
  proxy_cpu_ms_per_request: Num;
  proxy_cpu_ms_per_request_c8: Num;
  floor_cpu_ms_per_request: Num;
  relay_floor_cpu_ms_per_request: Num;
  target_cpu_ms: Num;
  target_added_p50_ms: Num;
  target_added_ttfb_ms: Num;
  direct: Run;
  proxied: Run;
  added_p50_ms: Num;
  added_ttfb_p50_ms: Num;
  baseline: null | {
    cpu_ms_per_request: Num;
    cpu_ms_per_request_c8: Num;
    cpu_ratio: Num;
    cpu_ratio_c8: Num;
  };
}

/** What `bench/e2e.ts` writes to bench/results.json (the fields the document shows). */
export interface Report {
  date?: string;
  commit: string;
  machine: { cpu: string; cores: number; deno: string; v8: string };
  pinned: boolean;
  baseline: string | null;
  baseline_config: Record<string, unknown> | null;
  requests: {
    warmup: number;
    sequential: number;
    rounds: number;
    concurrent: number;
    concurrency: number;
  };
  memory: Record<string, Num>;
  lanes: Lane[];
}

interface LoadSummary {
  requests: number;
  errors: number;
  per_second: Num;
  p50_ms: Num;
  p99_ms: Num;
  ttfb_p50_ms: Num;
}

/** What `deno task load` writes to bench/results_load.json. */
export interface LoadReport {
  date?: string;
  commit?: string;
  idle_rss_mb: Num;
  errors: number;
  waves: Array<{
    wave: number;
    streams: LoadSummary;
    non_streaming: LoadSummary;
    proxy_cpu_seconds: Num;
    proxy_vmhwm_mb: Num;
  }>;
}

const show = (x: Num | undefined, unit = "") => x === null || x === undefined ? "–" : `${x}${unit}`;
const signed = (x: Num) => x === null ? "–" : `${x >= 0 ? "+" : ""}${x}`;
const ratio = (a: Num, b: Num) => a === null || b === null || b === 0 ? "–" : (a / b).toFixed(2);

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

function laneTable(report: Report): string {
  const rows = report.lanes.map((l) => {
    const streamed = l.relay_floor_cpu_ms_per_request !== null;
    const target = [
      show(l.target_cpu_ms, " ms"),
      l.target_added_p50_ms !== null ? `p50 +${l.target_added_p50_ms}` : "",
      l.target_added_ttfb_ms !== null ? `TTFB +${l.target_added_ttfb_ms}` : "",
    ].filter(Boolean).join("; ");
    return [
      l.lane,
      show(l.proxy_cpu_ms_per_request, " ms"),
      show(l.floor_cpu_ms_per_request),
      streamed ? show(l.relay_floor_cpu_ms_per_request) : "–",
      streamed
        ? `${ratio(l.proxy_cpu_ms_per_request, l.relay_floor_cpu_ms_per_request)} of the relay`
        : ratio(l.proxy_cpu_ms_per_request, l.floor_cpu_ms_per_request),
      show(l.proxy_cpu_ms_per_request_c8, " ms"),
      signed(l.added_p50_ms),
      signed(l.added_ttfb_p50_ms),
      `${show(l.direct.p99_ms)} → ${show(l.proxied.p99_ms)}`,
      `${show(l.direct.requests_per_second)} → ${show(l.proxied.requests_per_second)}`,
      target,
    ];
  });
  return table([
    "lane",
    "proxy CPU / request",
    "floor",
    "JS relay floor",
    "proxy ÷ floor",
    "proxy CPU, concurrency 8",
    "added p50 (ms)",
    "added TTFB p50 (ms)",
    "p99 direct → proxied (ms)",
    "req/s direct → proxied",
    "target",
  ], rows);
}

function abTable(report: Report): string {
  const rows = report.lanes.map((l) => {
    const b = l.baseline;
    if (!b) return [l.lane, show(l.proxy_cpu_ms_per_request, " ms"), "–", "–", "–", "–", "–"];
    return [
      l.lane,
      show(l.proxy_cpu_ms_per_request, " ms"),
      show(b.cpu_ms_per_request, " ms"),
      show(b.cpu_ratio),
      show(l.proxy_cpu_ms_per_request_c8, " ms"),
      show(b.cpu_ms_per_request_c8, " ms"),
      show(b.cpu_ratio_c8),
    ];
  });
  return table([
    "lane",
    "this tree, CPU / request",
    "baseline",
    "this ÷ baseline",
    "this tree, concurrency 8",
    "baseline, concurrency 8",
    "this ÷ baseline, concurrency 8",
  ], rows);
}

function memoryTable(report: Report): string {
  const m = report.memory;
  const rows = [
    ["proxy", show(m.idle_rss_mb, " MB"), show(m.peak_rss_mb, " MB"), show(m.file_rss_mb_at_end)],
    [
      "floor",
      show(m.floor_idle_rss_mb, " MB"),
      show(m.floor_peak_rss_mb, " MB"),
      show(m.floor_file_rss_mb_at_end),
    ],
    [
      "JS relay floor",
      show(m.relay_floor_idle_rss_mb, " MB"),
      show(m.relay_floor_peak_rss_mb, " MB"),
      "–",
    ],
  ];
  if (report.baseline !== null) {
    rows.push([
      "baseline proxy",
      show(m.baseline_idle_rss_mb, " MB"),
      show(m.baseline_peak_rss_mb, " MB"),
      "–",
    ]);
  }
  return table(
    ["process", "idle RSS", "peak RSS (VmHWM)", "mapped from files at the end (MB)"],
    rows,
  );
}

function loadTable(load: LoadReport): string {
  const rows = load.waves.map((w) => [
    String(w.wave),
    `${w.streams.errors} / ${w.streams.requests}`,
    `${show(w.streams.p50_ms)} / ${show(w.streams.p99_ms)}`,
    show(w.streams.ttfb_p50_ms),
    `${w.non_streaming.errors} / ${w.non_streaming.requests}`,
    `${show(w.non_streaming.per_second)}, ${show(w.non_streaming.p50_ms)} / ${
      show(w.non_streaming.p99_ms)
    }`,
    show(w.proxy_cpu_seconds, " s"),
    show(w.proxy_vmhwm_mb, " MB"),
  ]);
  return table([
    "wave",
    "stream errors",
    "stream p50 / p99 (ms)",
    "stream TTFB p50 (ms)",
    "plain errors",
    "plain req/s, p50 / p99 (ms)",
    "proxy CPU",
    "proxy peak RSS",
  ], rows);
}

/** The generated block: when, where and what was measured, then the tables. */
export function renderFigures(report: Report, load?: LoadReport): string {
  const r = report.requests;
  const m = report.machine;
  const parts = [
    BEGIN,
    "",
    `Measured ${
      report.date ?? "(date not recorded)"
    } at commit \`${report.commit}\` on ${m.cpu}, ` +
    `${m.cores} cores (Deno ${m.deno}, V8 ${m.v8}); ` +
    `${report.pinned ? "proxy and floors pinned to core 0, the rest to core 1" : "not pinned"}. ` +
    `Each lane: ${r.warmup} warm-up requests per target, ${r.sequential} sequential ones in ` +
    `${r.rounds} alternating rounds (CPU is the median round), then ${r.concurrent} at ` +
    `concurrency ${r.concurrency}.`,
    "",
    laneTable(report),
    "",
    "Memory of each process over the whole run:",
    "",
    memoryTable(report),
  ];
  if (report.baseline !== null) {
    const config = JSON.stringify(report.baseline_config ?? {});
    parts.push(
      "",
      `Same-run A/B: the proxy of \`${report.baseline}\` (config ${config}) took its rounds ` +
        "beside this tree's, the two in turns first:",
      "",
      abTable(report),
    );
  }
  if (load) {
    parts.push(
      "",
      `\`deno task load\`${load.commit ? ` at commit \`${load.commit}\`` : ""}${
        load.date ? `, ${load.date}` : ""
      }: idle RSS ${show(load.idle_rss_mb, " MB")}, ${load.errors} errors in all.`,
      "",
      loadTable(load),
    );
  }
  parts.push("", END);
  return parts.join("\n");
}

/** The document with its generated block replaced; a document without one is refused. */
export function replaceFigures(doc: string, figures: string): string {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END, begin);
  if (begin < 0 || end < 0) {
    throw new SyntaxError(`Cannot write the figures: the document has no "${BEGIN}" … "${END}"`);
  }
  return doc.slice(0, begin) + figures + doc.slice(end + END.length);
}

/** Rewrites the figures of `docPath` from the report at `resultsPath`, then formats it. */
export async function writeDoc(resultsPath: string, docPath: string, loadPath?: string) {
  const report: Report = JSON.parse(await Deno.readTextFile(resultsPath));
  report.date ??= (await Deno.stat(resultsPath)).mtime?.toISOString().slice(0, 10);
  let load: LoadReport | undefined;
  if (loadPath) {
    try {
      load = JSON.parse(await Deno.readTextFile(loadPath));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
  const doc = await Deno.readTextFile(docPath);
  await Deno.writeTextFile(docPath, replaceFigures(doc, renderFigures(report, load)));
  const fmt = await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", docPath] }).output();
  if (!fmt.success) throw new Error(`deno fmt ${docPath}: ${new TextDecoder().decode(fmt.stderr)}`);
}

if (import.meta.main) {
  const bench = (path: string) => new URL(path, import.meta.url).pathname;
  const [results = bench("./results.json"), doc = bench("../docs/performance.md")] = Deno.args;
  await writeDoc(results, doc, bench("./results_load.json"));
  console.log(`wrote the figures of ${results} into ${doc}`);
}
