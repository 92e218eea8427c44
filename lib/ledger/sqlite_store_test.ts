import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { SqliteStore } from "./sqlite_store.ts";
import { foldRows } from "./tally.ts";
import { sampleRow } from "./_sample_row.ts";
import type { LedgerRow } from "./row.ts";

async function tempStore(): Promise<{ path: string; store: SqliteStore }> {
  const path = `${await Deno.makeTempDir()}/usage.sqlite`;
  const store = new SqliteStore(path);
  await store.open();
  return { path, store };
}

async function write(store: SqliteStore, rows: LedgerRow[]): Promise<void> {
  const { cells, counters } = foldRows(rows);
  await store.write(rows, cells, counters);
}

Deno.test("SqliteStore reads back each row as written, in order, with its seq", async () => {
  const { store } = await tempStore();
  try {
    const rows = [
      sampleRow({ id: "a", warnings: ["one", "two"], stream: true, cost_usd: null }),
      sampleRow({ id: "b", model: null, served_by: null, upstream: null, usage_estimated: true }),
    ];
    await write(store, rows);
    const latest = await store.latest(10);
    assert.deepEqual(latest, [{ ...rows[1], seq: 2 }, { ...rows[0], seq: 1 }]);
    assert.deepEqual((await store.after(1, 10)).map((r) => r.id), ["b"]);
    assert.deepEqual((await store.latest(10, 2)).map((r) => r.id), ["a"]);
    assert.equal(await store.lastSeq(), 2);
  } finally {
    await store.close();
  }
});

Deno.test("SqliteStore adds each batch's sums to the stored ones", async () => {
  const { store } = await tempStore();
  try {
    await write(store, [sampleRow(), sampleRow({ status: 500 })]);
    await write(store, [sampleRow({ input_tokens: 90 })]);
    const ok = (await store.counters()).find((c) => c.status === 200)!;
    assert.equal(ok.requests, 2);
    assert.equal(ok.input_tokens, 100);
    assert.equal(ok.lat.reduce((a, b) => a + b, 0), 2);
    const [cell] = await store.hours(0, Number.MAX_SAFE_INTEGER);
    assert.deepEqual([cell.requests, cell.errors, cell.input_tokens], [3, 1, 110]);
    assert.equal(cell.cost_usd, 1.5);
  } finally {
    await store.close();
  }
});

Deno.test("SqliteStore.prune() deletes old rows and hours, never the all-time counters", async () => {
  const { store } = await tempStore();
  try {
    const old = Date.UTC(2026, 0, 1);
    const recent = Date.UTC(2026, 5, 1);
    await write(store, [sampleRow({ time: old }), sampleRow({ time: recent })]);
    await store.prune(Date.UTC(2026, 2, 1));
    assert.equal((await store.latest(10)).length, 1);
    assert.deepEqual((await store.hours(0, Number.MAX_SAFE_INTEGER)).map((c) => c.hour), [recent]);
    assert.equal((await store.counters())[0].requests, 2);
  } finally {
    await store.close();
  }
});

Deno.test("two SqliteStores on one file (two workers) see each other's rows", async () => {
  const { path, store } = await tempStore();
  const other = new SqliteStore(path);
  try {
    await other.open();
    await write(store, [sampleRow({ id: "one" })]);
    await write(other, [sampleRow({ id: "two" })]);
    assert.deepEqual((await store.latest(5)).map((r) => r.id), ["two", "one"]);
    assert.equal((await other.counters())[0].requests, 2);
  } finally {
    await store.close();
    await other.close();
  }
});

Deno.test("SqliteStore.write() fails, and keeps nothing, while another writer holds the file", async () => {
  const { path, store } = await tempStore();
  const holder = new DatabaseSync(path);
  try {
    holder.exec("BEGIN IMMEDIATE");
    await assert.rejects(write(store, [sampleRow()]), /locked|busy/i);
    holder.exec("ROLLBACK");
    assert.equal(await store.lastSeq(), 0);
    await write(store, [sampleRow()]);
    assert.equal(await store.lastSeq(), 1);
  } finally {
    holder.close();
    await store.close();
  }
});

Deno.test("SqliteStore opens a ledger made before web searches were counted, and counts them", async () => {
  const { path, store } = await tempStore();
  await store.close();
  // The file as an earlier release left it: no web_search_requests anywhere.
  const db = new DatabaseSync(path);
  for (const table of ["proxy_requests", "proxy_usage_hourly", "proxy_usage_totals"]) {
    db.exec(`ALTER TABLE ${table} DROP COLUMN web_search_requests`);
  }
  db.close();
  const reopened = new SqliteStore(path);
  await reopened.open();
  try {
    await write(reopened, [sampleRow({ web_search_requests: 2 }), sampleRow()]);
    assert.deepEqual((await reopened.latest(10)).map((r) => r.web_search_requests), [0, 2]);
    const [cell] = await reopened.hours(0, Number.MAX_SAFE_INTEGER);
    assert.equal(cell.web_search_requests, 2);
    assert.equal((await reopened.counters())[0].web_search_requests, 2);
  } finally {
    await reopened.close();
  }
  const again = new SqliteStore(path);
  await again.open(); // the column is there now: nothing to add
  await again.close();
});
