/**
 * What the usage ledger costs a request: building and buffering its row (on the request path),
 * and writing it to SQLite in a batch (on the timer), per row. Part of `deno task bench:micro`.
 */
import { Ledger } from "../lib/ledger/ledger.ts";
import { SqliteStore } from "../lib/ledger/sqlite_store.ts";
import type { RequestRecord } from "../lib/server/stats.ts";

const PRICE = { input: 0.27, output: 1.1, cacheRead: 0.07, cacheWrite: 0.27 };
const RECORD: RequestRecord = {
  callerDialect: "openai",
  method: "POST",
  path: "/openai/v1/chat/completions",
  requestedModel: "bench-anthropic",
  modelId: "bench-anthropic",
  upstreamDialect: "anthropic",
  stream: false,
  status: 200,
  ttfbMs: 0.8,
  totalMs: 0.9,
  usage: {
    inputTokens: 420,
    outputTokens: 60,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  },
  warnings: [],
  keyTail: "…0000",
};

// In memory: the statements' CPU without the disk's waits (and no write permission needed).
const store = new SqliteStore(":memory:");
await store.open();
const ledger = new Ledger({ store, price: () => PRICE, flushMs: 3_600_000 });

let added = 0;
Deno.bench("Ledger.add(): a request's row built and buffered (the request path)", async (b) => {
  // The buffer is written now and then, outside the measured part.
  if (++added % 1000 === 0) await ledger.flush();
  b.start();
  ledger.add(RECORD);
  b.end();
});

Deno.bench("Ledger: 100 rows buffered and written to SQLite in one batch (the timer)", async () => {
  for (let i = 0; i < 100; i++) ledger.add(RECORD);
  await ledger.flush();
});
