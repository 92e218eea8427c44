import assert from "node:assert/strict";
import { countWarnings, WarningTally } from "./warning_tally.ts";

Deno.test("WarningTally: warnings that differ only in positions count as one kind", () => {
  const tally = new WarningTally();
  for (let i = 0; i < 100_000; i++) tally.add(`Dropped a "x" block (messages[${i}].content[2])`);
  tally.add("Temperature 3 is outside 0–2; sent 2");
  assert.equal(tally.total, 100_001);
  assert.deepEqual(tally.list(), [
    'Dropped a "x" block (messages[*].content[*]) (100000 times)',
    "Temperature 3 is outside 0–2; sent 2",
  ]);
});

Deno.test("WarningTally: at most 20 kinds are listed, the rest counted", () => {
  const list = countWarnings(Array.from({ length: 50 }, (_, i) => `Tool "t${i}" dropped`));
  assert.equal(list.length, 21);
  assert.equal(list[20], "and 30 more warnings of other kinds");
});

Deno.test("countWarnings() leaves a single warning as it was", () => {
  assert.deepEqual(countWarnings(["Dropped a x block (messages[3])"]), [
    "Dropped a x block (messages[3])",
  ]);
});
