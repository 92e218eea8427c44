import assert from "node:assert/strict";
import { sampleRow } from "./_sample_row.ts";
import { foldRows, hourOf, mergeCounters } from "./tally.ts";

Deno.test("foldRows() sums rows per hour, model and caller, and per model, caller and status", () => {
  const rows = [
    sampleRow(),
    sampleRow({ time: Date.UTC(2026, 11, 2, 15, 59) }),
    sampleRow({ time: Date.UTC(2026, 11, 2, 16, 0), status: 500, cost_usd: null }),
    sampleRow({ served_by: null, caller: "openai", status: 404 }),
  ];
  const { cells, counters } = foldRows(rows);
  const cell = cells.find((c) =>
    c.hour === Date.UTC(2026, 11, 2, 15) && c.model === "deepseek-chat"
  );
  assert.equal(cell?.requests, 2);
  assert.equal(cell?.input_tokens, 20);
  assert.equal(cell?.cost_usd, 1);
  const failed = cells.find((c) => c.hour === Date.UTC(2026, 11, 2, 16));
  assert.deepEqual([failed?.requests, failed?.errors, failed?.cost_usd], [1, 1, 0]);
  assert.ok(cells.some((c) => c.model === "-" && c.caller === "openai"), 'no model: "-"');
  const ok = counters.find((c) => c.status === 200)!;
  assert.equal(ok.requests, 2);
  // 0.3 s falls in the 0.5 s bucket (index 6), 0.04 s in the 0.05 s one (index 3).
  assert.equal(ok.lat[6], 2);
  assert.equal(ok.ttfb[3], 2);
  assert.ok(Math.abs(ok.lat_sum - 0.6) < 1e-9);
});

Deno.test("a latency beyond the last bucket counts only in the total", () => {
  const { counters } = foldRows([sampleRow({ total_ms: 400_000 })]);
  assert.equal(counters[0].lat.reduce((a, b) => a + b, 0), 0);
  assert.equal(counters[0].requests, 1);
});

Deno.test("mergeCounters() adds counters of the same key and copies the rest", () => {
  const a = foldRows([sampleRow()]).counters;
  const b = foldRows([sampleRow(), sampleRow({ status: 429 })]).counters;
  const merged = mergeCounters([a, b]);
  assert.equal(merged.find((c) => c.status === 200)?.requests, 2);
  assert.equal(merged.find((c) => c.status === 429)?.requests, 1);
  assert.equal(a[0].requests, 1, "the inputs are not changed");
});

Deno.test("hourOf() is the start of the hour, also before 1970", () => {
  assert.equal(hourOf(Date.UTC(2026, 0, 1, 10, 59, 59)), Date.UTC(2026, 0, 1, 10));
  assert.equal(hourOf(-1), -3_600_000);
});
