import assert from "node:assert/strict";
import type { Logger } from "../server/log.ts";
import type { RequestRecord } from "../server/stats.ts";
import { Ledger } from "./ledger.ts";
import type { LedgerRow } from "./row.ts";
import { SqliteStore } from "./sqlite_store.ts";
import type { Counter, HourCell } from "./tally.ts";

function record(status = 200): RequestRecord {
  return {
    callerDialect: "openai",
    method: "POST",
    path: "/openai/v1/chat/completions",
    requestedModel: "m",
    modelId: "m",
    upstreamDialect: "anthropic",
    stream: false,
    status,
    totalMs: 12,
    usage: {
      inputTokens: 3,
      outputTokens: 4,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
    warnings: [],
    keyTail: "…abcd",
  };
}

/** A real SQLite store that can be told to fail, as a full disk or a lost server would. */
class FlakyStore extends SqliteStore {
  failWrites = false;
  failReads = false;
  override write(
    rows: readonly LedgerRow[],
    cells: readonly HourCell[],
    counters: readonly Counter[],
  ) {
    if (this.failWrites) return Promise.reject(new Error("disk I/O error"));
    return super.write(rows, cells, counters);
  }
  override counters() {
    if (this.failReads) return Promise.reject(new Error("no such server"));
    return super.counters();
  }
}

async function setup(options: { maxPending?: number } = {}) {
  const store = new FlakyStore(`${await Deno.makeTempDir()}/usage.sqlite`);
  const logs: string[] = [];
  const logger: Logger = {
    request() {},
    message: (level, text) => logs.push(`${level} ${text}`),
    flush: () => Promise.resolve(),
  };
  const ledger = new Ledger({ store, logger, flushMs: 60_000, ...options });
  await ledger.open();
  return { store, ledger, logs };
}

const requests = (view: { counters: Counter[] }) =>
  view.counters.reduce((n, c) => n + c.requests, 0);

Deno.test("Ledger.add() writes nothing on the request path; a read writes what is held first", async () => {
  const { store, ledger } = await setup();
  try {
    for (let i = 0; i < 3; i++) ledger.add(record());
    assert.equal(await store.lastSeq(), 0, "buffered, not written");
    assert.equal(requests(await ledger.view()), 3);
    assert.equal(await store.lastSeq(), 3);
  } finally {
    await ledger.close();
  }
});

Deno.test("Ledger holds rows while its store fails, logs it once, and catches up", async () => {
  const { store, ledger, logs } = await setup({ maxPending: 5 });
  try {
    ledger.add(record());
    await ledger.flush();
    store.failWrites = true;
    for (let i = 0; i < 8; i++) {
      ledger.add(record());
      await ledger.flush();
    }
    assert.equal(ledger.dropped, 3, "5 held, the rest dropped and counted");
    assert.equal(logs.filter((l) => l.includes("cannot write")).length, 1, logs.join("\n"));
    const view = await ledger.view();
    assert.deepEqual([view.pending, view.dropped], [5, 3]);
    assert.equal(requests(view), 6, "the held rows still count");
    store.failWrites = false;
    await ledger.flush();
    assert.equal(await store.lastSeq(), 6);
    assert.ok(
      logs.some((l) => l.startsWith("info Ledger: writing again; 5 held rows")),
      logs.join("\n"),
    );
    assert.equal((await ledger.view()).pending, 0);
  } finally {
    await ledger.close();
  }
});

Deno.test("Ledger answers with the last figures read while its store cannot be read", async () => {
  const { store, ledger, logs } = await setup();
  try {
    ledger.add(record());
    assert.equal(requests(await ledger.view()), 1);
    store.failReads = true;
    store.failWrites = true;
    ledger.add(record(500));
    const view = await ledger.view();
    assert.equal(view.stale, true);
    assert.equal(requests(view), 2);
    await ledger.view();
    assert.equal(logs.filter((l) => l.includes("cannot read")).length, 1);
    store.failReads = false;
    store.failWrites = false;
  } finally {
    await ledger.close();
  }
});

Deno.test("Ledger.close() writes what it holds", async () => {
  const { store, ledger } = await setup();
  ledger.add(record());
  ledger.add(record());
  await ledger.close();
  const reopened = new SqliteStore(store.path);
  await reopened.open();
  assert.equal(await reopened.lastSeq(), 2);
  await reopened.close();
});

Deno.test("two Ledgers on one file, as two workers: a read of either sees both, in flight summed", async () => {
  const path = `${await Deno.makeTempDir()}/usage.sqlite`;
  const a = new Ledger({ store: new SqliteStore(path), flushMs: 60_000 });
  const b = new Ledger({ store: new SqliteStore(path), flushMs: 60_000 });
  try {
    await a.open();
    await b.open();
    // Let the two introduce themselves.
    await new Promise((resolve) => setTimeout(resolve, 50));
    a.add(record());
    b.add(record());
    b.add(record());
    b.inFlight = 2;
    const view = await a.view();
    assert.equal(requests(view), 3, "b wrote what it held when a read");
    assert.equal(view.inFlight, 2);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
