import assert from "node:assert/strict";
import {
  BEGIN,
  END,
  type LoadReport,
  renderFigures,
  replaceFigures,
  type Report,
  writeDoc,
} from "./performance_doc.ts";

const run = (p50: number, p99: number, ttfb: number, rps: number) => ({
  p50_ms: p50,
  p99_ms: p99,
  ttfb_p50_ms: ttfb,
  requests_per_second: rps,
});

function report(baseline = false): Report {
  const ab = (cpu: number, ratio: number) =>
    baseline
      ? { cpu_ms_per_request: cpu, cpu_ms_per_request_c8: cpu, cpu_ratio: ratio, cpu_ratio_c8: 1.1 }
      : null;
  return {
    date: "2026-12-03 09:15 UTC",
    commit: "abc1234",
    machine: { cpu: "Test CPU", cores: 2, deno: "2.9.6", v8: "15.0" },
    pinned: true,
    baseline: baseline ? "def5678" : null,
    baseline_config: baseline ? { ledger: false } : null,
    requests: { warmup: 3, sequential: 8, rounds: 2, concurrent: 16, concurrency: 8 },
    memory: {
      idle_rss_mb: 59.5,
      peak_rss_mb: 83.9,
      file_rss_mb_at_end: 41.8,
      floor_idle_rss_mb: 33.7,
      floor_peak_rss_mb: 62.8,
      floor_file_rss_mb_at_end: 32.4,
      relay_floor_idle_rss_mb: 33.6,
      relay_floor_peak_rss_mb: 64.6,
      baseline_idle_rss_mb: baseline ? 60.1 : null,
      baseline_peak_rss_mb: baseline ? 90.2 : null,
    },
    lanes: [{
      lane: "anthropic → openai, 116 KB, non-stream",
      proxy_cpu_ms_per_request: 2.2,
      proxy_cpu_ms_per_request_c8: 1.9,
      floor_cpu_ms_per_request: 1.1,
      relay_floor_cpu_ms_per_request: null,
      target_cpu_ms: 1.5,
      target_added_p50_ms: 2,
      target_added_ttfb_ms: null,
      direct: run(1, 2, 1, 500),
      proxied: run(3, 5, 3, 300),
      added_p50_ms: 2,
      added_ttfb_p50_ms: 2,
      baseline: ab(2.4, 0.917),
    }, {
      lane: "anthropic → anthropic pass-through, 2 KB, stream",
      proxy_cpu_ms_per_request: 1.2,
      proxy_cpu_ms_per_request_c8: 1,
      floor_cpu_ms_per_request: 0.5,
      relay_floor_cpu_ms_per_request: 0.8,
      target_cpu_ms: 0.4,
      target_added_p50_ms: null,
      target_added_ttfb_ms: null,
      direct: run(0.5, 1, 0.3, 1600),
      proxied: run(1.3, 2, 0.9, 650),
      added_p50_ms: 0.8,
      added_ttfb_p50_ms: -0.1,
      baseline: ab(1.3, 0.923),
    }],
  };
}

const LOAD: LoadReport = {
  date: "2026-12-03 09:40 UTC",
  commit: "abc1234",
  idle_rss_mb: 58,
  errors: 0,
  waves: [1, 2].map((wave) => ({
    wave,
    streams: {
      requests: 1000,
      errors: 0,
      per_second: 400,
      p50_ms: 2000,
      p99_ms: 2100,
      ttfb_p50_ms: 600,
    },
    non_streaming: {
      requests: 2000,
      errors: 0,
      per_second: 700,
      p50_ms: 20,
      p99_ms: 700,
      ttfb_p50_ms: 20,
    },
    proxy_cpu_seconds: 2.5,
    proxy_vmhwm_mb: 270 + wave,
  })),
};

/** The cells of the table row whose first cell is `first`. */
function row(text: string, first: string): string[] {
  const line = text.split("\n").find((l) => l.startsWith(`| ${first} |`));
  assert.ok(line, `no row "${first}" in:\n${text}`);
  return line.split("|").slice(1, -1).map((cell) => cell.trim());
}

Deno.test("renderFigures() says when, where and how much was measured", () => {
  const text = renderFigures(report());
  assert.ok(text.startsWith(BEGIN) && text.endsWith(END));
  assert.match(text, /Measured 2026-12-03 09:15 UTC at commit `abc1234` on Test CPU, 2 cores/);
  assert.match(text, /Deno 2\.9\.6, V8 15\.0/);
  assert.match(text, /3 warm-up requests per target, 8 sequential ones in 2 alternating rounds/);
  assert.match(text, /then 16 at concurrency 8/);
});

Deno.test("renderFigures() puts each lane beside both floors, streams against the JS relay", () => {
  const text = renderFigures(report());
  assert.deepEqual(row(text, "anthropic → openai, 116 KB, non-stream"), [
    "anthropic → openai, 116 KB, non-stream",
    "2.2 ms",
    "1.1",
    "–",
    "2.00",
    "1.9 ms",
    "+2",
    "+2",
    "2 → 5",
    "500 → 300",
    "1.5 ms; p50 +2",
  ]);
  const stream = row(text, "anthropic → anthropic pass-through, 2 KB, stream");
  assert.deepEqual(stream.slice(1, 5), ["1.2 ms", "0.5", "0.8", "1.50 of the relay"]);
  assert.equal(stream[7], "-0.1");
  assert.deepEqual(row(text, "proxy"), ["proxy", "59.5 MB", "83.9 MB", "41.8"]);
  assert.deepEqual(row(text, "JS relay floor"), ["JS relay floor", "33.6 MB", "64.6 MB", "–"]);
});

Deno.test("renderFigures() adds the A/B table and memory only for a run with a baseline", () => {
  const plain = renderFigures(report());
  assert.doesNotMatch(plain, /baseline/i);
  const ab = renderFigures(report(true));
  assert.match(ab, /the proxy of `def5678` \(config \{"ledger":false\}\)/);
  const abTable = ab.slice(ab.indexOf("Same-run A/B"));
  assert.deepEqual(row(abTable, "anthropic → openai, 116 KB, non-stream").slice(0, 4), [
    "anthropic → openai, 116 KB, non-stream",
    "2.2 ms",
    "2.4 ms",
    "0.917",
  ]);
  assert.deepEqual(row(ab, "baseline proxy"), ["baseline proxy", "60.1 MB", "90.2 MB", "–"]);
});

Deno.test("renderFigures() adds deno task load's waves when given its report", () => {
  assert.doesNotMatch(renderFigures(report()), /deno task load/);
  const text = renderFigures(report(), LOAD);
  assert.match(text, /`deno task load` at commit `abc1234`, 2026-12-03 09:40 UTC: idle RSS 58 MB/);
  assert.deepEqual(row(text, "2"), [
    "2",
    "0 / 1000",
    "2000 / 2100",
    "600",
    "0 / 2000",
    "700, 20 / 700",
    "2.5 s",
    "272 MB",
  ]);
});

Deno.test("replaceFigures() rewrites only the marked block, and refuses a document without one", () => {
  const doc = `# Title\n\nBefore.\n\n${BEGIN}\nold figures\n${END}\n\nAfter.\n`;
  const figures = renderFigures(report());
  const once = replaceFigures(doc, figures);
  assert.equal(once, `# Title\n\nBefore.\n\n${figures}\n\nAfter.\n`);
  assert.equal(replaceFigures(once, figures), once);
  assert.throws(() => replaceFigures("# No markers\n", figures), SyntaxError);
});

Deno.test("writeDoc() fills docs/performance.md from a results file, formatted as deno fmt wants", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const doc = `${dir}/performance.md`;
    await Deno.copyFile(new URL("../docs/performance.md", import.meta.url), doc);
    await Deno.writeTextFile(`${dir}/results.json`, JSON.stringify(report(true)));
    await writeDoc(`${dir}/results.json`, doc, `${dir}/no_load_results.json`);
    const text = await Deno.readTextFile(doc);
    assert.match(text, /^# Performance\n/);
    assert.match(text, /at commit `abc1234`/);
    assert.match(text, /\| anthropic → openai, 116 KB, non-stream +\| 2\.2 ms/);
    assert.match(text, /## What made the difference/, "the text around the figures is kept");
    const check = await new Deno.Command(Deno.execPath(), { args: ["fmt", "--check", doc] })
      .output();
    assert.ok(check.success, new TextDecoder().decode(check.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
