/**
 * `deno task bench:smoke`: the benchmark tools run from a fresh clone: `bench/e2e.ts` (mock, floor
 * proxy, proxy, every lane) and `deno task profile`, each with a handful of requests. No figure is
 * judged here: the figures are the benchmark's to report, not a test's to time. Kept out of
 * `deno task test` (the name matches no test pattern), which stays quick; CI runs both.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;

async function run(args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    code: output.code,
    stdout: text.decode(output.stdout),
    stderr: text.decode(output.stderr),
  };
}

Deno.test("bench/e2e.ts measures every lane, beside the floor and the mock, and writes its report", async () => {
  const out = await Deno.makeTempFile({ suffix: ".json" });
  const doc = await Deno.makeTempFile({ suffix: ".md" });
  await Deno.copyFile(`${ROOT}docs/performance.md`, doc);
  try {
    const result = await run(["run", "--allow-all", "bench/e2e.ts"], {
      BENCH_WARMUP: "3",
      BENCH_REQUESTS: "8",
      BENCH_ROUNDS: "2",
      BENCH_CONCURRENT_REQUESTS: "16",
      BENCH_OUT: out,
      BENCH_DOC: doc,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /floor CPU \(JS relay\)/);
    const report = JSON.parse(await Deno.readTextFile(out));
    assert.equal(report.lanes.length, 8);
    for (const lane of report.lanes) {
      assert.ok(lane.proxy_cpu_ms_per_request > 0, `${lane.lane}: proxy CPU measured`);
      assert.ok(lane.floor_cpu_ms_per_request > 0, `${lane.lane}: floor CPU measured`);
      assert.equal(lane.proxy_cpu_ms_per_round.length, 2);
      const streamed = !lane.lane.includes("non-stream");
      for (const run of [lane.direct, lane.floor, lane.proxied]) assert.ok(run.p50_ms > 0);
      // The floors take the concurrent load too, so their memory compares with the proxy's.
      assert.ok(lane.floor.requests_per_second > 0, `${lane.lane}: floor under load`);
      if (streamed) {
        assert.ok(lane.relay_floor.requests_per_second > 0, `${lane.lane}: relay floor`);
      }
      // Streams also go through the floor that reads them chunk by chunk in JavaScript.
      assert.equal(lane.relay_floor_cpu_ms_per_request > 0, streamed, `${lane.lane}: relay floor`);
      assert.equal(lane.relay_floor?.p50_ms > 0, streamed);
    }
    const memory = report.memory;
    for (const who of ["", "floor_", "relay_floor_"]) {
      const idle = memory[`${who}idle_rss_mb`];
      const peak = memory[`${who}peak_rss_mb`];
      assert.ok(idle > 0 && peak >= idle, `${who || "proxy "}memory: ${idle} / ${peak}`);
    }
    assert.ok(memory.file_rss_mb_at_end > 0 && memory.file_rss_mb_at_end < memory.peak_rss_mb);
    assert.ok(memory.floor_file_rss_mb_at_end > 0);
    assert.match(result.stdout, /memory, idle RSS \/ peak RSS .* proxy .* floor .* JS relay floor/);
    // BENCH_DOC: the report's figures written into the performance document.
    const written = await Deno.readTextFile(doc);
    assert.ok(written.includes(`at commit \`${report.commit}\``), "the doc names the commit");
    for (const lane of report.lanes) {
      assert.ok(written.includes(`| ${lane.lane} `), `the doc has the lane ${lane.lane}`);
    }
  } finally {
    await Deno.remove(out);
    await Deno.remove(doc);
  }
});

Deno.test("bench/e2e.ts with BENCH_BASELINE measures another tree's proxy in the same rounds", async () => {
  const out = await Deno.makeTempFile({ suffix: ".json" });
  try {
    const result = await run(["run", "--allow-all", "bench/e2e.ts"], {
      BENCH_BASELINE: "HEAD",
      BENCH_BASELINE_CONFIG: JSON.stringify({ log_level: "error" }),
      BENCH_LANES: "3",
      BENCH_WARMUP: "2",
      BENCH_REQUESTS: "4",
      BENCH_ROUNDS: "2",
      BENCH_CONCURRENT_REQUESTS: "8",
      BENCH_OUT: out,
    });
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(await Deno.readTextFile(out));
    assert.match(report.baseline, /^[0-9a-f]{7,}$/);
    assert.deepEqual(report.baseline_config, { log_level: "error" });
    assert.equal(report.lanes.length, 1);
    const baseline = report.lanes[0].baseline;
    assert.equal(baseline.cpu_ms_per_round.length, 2);
    assert.ok(baseline.cpu_ms_per_request > 0 && baseline.proxied.p50_ms > 0);
    assert.ok(baseline.cpu_ratio > 0);
    assert.match(result.stdout, /this\/baseline/);
  } finally {
    await Deno.remove(out);
  }
});

Deno.test("deno task profile runs a lane through the handler and reports its cost", async () => {
  for (const lane of ["1", "2", "3", "4"]) {
    const result = await run(["run", "--allow-all", "bench/profile.ts", lane, "20"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`lane ${lane}: [\\d.]+ ms wall, [\\d.]+ ms CPU per request`),
    );
  }
  const unknown = await run(["run", "--allow-all", "bench/profile.ts", "9", "1"]);
  assert.notEqual(unknown.code, 0);
  assert.match(unknown.stderr, /Unknown lane "9"/);
});
