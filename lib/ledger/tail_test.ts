import assert from "node:assert/strict";
import { Tail } from "./tail.ts";
import { sampleRow } from "./_sample_row.ts";

const rows = (...seqs: number[]) => seqs.map((seq) => sampleRow({ seq, id: `r${seq}` }));
const seqs = (list: { seq?: number }[]) => list.map((r) => r.seq);

Deno.test("Tail delivers each row once, in order, and moves its cursor past them", () => {
  const tail = new Tail(10);
  assert.deepEqual(seqs(tail.take(rows(11, 12), 0)), [11, 12]);
  assert.equal(tail.cursor, 12);
  assert.deepEqual(seqs(tail.take(rows(12, 13), 0)), [13]);
});

Deno.test("Tail waits for a gap a later commit may fill, and delivers the row when it comes", () => {
  const tail = new Tail(0);
  assert.deepEqual(seqs(tail.take(rows(1, 3, 4), 0)), [1, 3, 4]);
  assert.equal(tail.cursor, 1, "the cursor stays below the gap");
  // Row 2 committed later: delivered, and 3 and 4 not again.
  assert.deepEqual(seqs(tail.take(rows(2, 3, 4, 5), 1000)), [2, 5]);
  assert.equal(tail.cursor, 5);
});

Deno.test("Tail gives up a gap that stays empty (a rolled-back write)", () => {
  const tail = new Tail(0, 5000);
  tail.take(rows(1, 3), 0);
  tail.take(rows(3), 4000);
  assert.equal(tail.cursor, 1);
  tail.take(rows(3), 5000);
  assert.equal(tail.cursor, 3);
  assert.deepEqual(seqs(tail.take(rows(4), 5001)), [4]);
});
