import assert from "node:assert/strict";
import { groupUsage, parseGroupBy } from "./group_usage.ts";
import { emptyTally, type HourCell } from "./tally.ts";

function cell(hour: number, model: string, requests: number, cost = 0): HourCell {
  return { ...emptyTally(), hour, model, caller: "anthropic", requests, cost_usd: cost };
}

Deno.test("groupUsage() sums cells per model and in total", () => {
  const { groups, total } = groupUsage([
    cell(Date.UTC(2026, 0, 1, 1), "b", 2, 0.5),
    cell(Date.UTC(2026, 0, 1, 2), "a", 1),
    cell(Date.UTC(2026, 0, 2, 2), "b", 3, 0.25),
  ], ["model"]);
  assert.deepEqual(groups.map((g) => [g.model, g.requests, g.cost_usd]), [
    ["a", 1, 0],
    ["b", 5, 0.75],
  ]);
  assert.equal(total.requests, 6);
});

Deno.test("groupUsage() puts days in the reader's time zone", () => {
  // 23:00 UTC on 1 January is 2 January in CET (UTC+1), still 1 January in New York.
  const cells = [cell(Date.UTC(2026, 0, 1, 23), "a", 1)];
  assert.equal(groupUsage(cells, ["day"], 60).groups[0].day, "2026-01-02");
  assert.equal(groupUsage(cells, ["day"], -300).groups[0].day, "2026-01-01");
  assert.equal(groupUsage(cells, ["hour"]).groups[0].hour, "2026-01-01T23:00:00.000Z");
});

Deno.test("groupUsage() by two keys sorts by the first, then the second", () => {
  const { groups } = groupUsage([
    cell(Date.UTC(2026, 0, 2), "b", 1),
    cell(Date.UTC(2026, 0, 1), "b", 1),
    cell(Date.UTC(2026, 0, 1), "a", 1),
  ], ["day", "model"]);
  assert.deepEqual(groups.map((g) => `${g.day} ${g.model}`), [
    "2026-01-01 a",
    "2026-01-01 b",
    "2026-01-02 b",
  ]);
});

Deno.test("parseGroupBy() takes one or two known keys and names what is wrong", () => {
  assert.deepEqual(parseGroupBy(null), ["model"]);
  assert.deepEqual(parseGroupBy("hour,model"), ["hour", "model"]);
  assert.throws(() => parseGroupBy("week"), /group must be one of model, caller, hour, day/);
  assert.throws(() => parseGroupBy("day,day"), /one or two of/);
  assert.throws(() => parseGroupBy("day,model,caller"), /one or two of/);
});
