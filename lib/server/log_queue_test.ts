import assert from "node:assert/strict";
import { createLogger, MAX_LINE } from "./log.ts";
import { LogQueue } from "./log_queue.ts";
import type { RequestRecord } from "./stats.ts";

/** A writer that takes nothing until `open()` is called, then everything. */
function stalledWriter() {
  const written: string[] = [];
  let open!: () => void;
  const opened = new Promise<void>((resolve) => open = resolve);
  return {
    written,
    open,
    writer: {
      async write(bytes: Uint8Array) {
        await opened;
        written.push(new TextDecoder().decode(bytes));
        return bytes.length;
      },
    },
  };
}

/** A queue in front of a writer that takes every write at once and keeps what each held. */
function recordingQueue() {
  const writes: string[] = [];
  const queue = new LogQueue({
    write: (bytes: Uint8Array) => {
      writes.push(new TextDecoder().decode(bytes));
      return Promise.resolve(bytes.length);
    },
  }, String);
  return { writes, queue };
}

Deno.test("LogQueue: push() never waits; past the queue's size lines are dropped and counted", async () => {
  const sink = stalledWriter();
  const queue = new LogQueue(sink.writer, (n) => `dropped ${n}`, 100);
  for (let i = 0; i < 50; i++) queue.push(`line ${i}`); // 7-8 bytes each
  assert.equal(queue.dropped > 0, true);
  const kept = 50 - queue.dropped;
  sink.open();
  await queue.flush();
  const lines = sink.written.join("").trimEnd().split("\n");
  assert.deepEqual(lines.slice(0, kept), Array.from({ length: kept }, (_, i) => `line ${i}`));
  assert.deepEqual(lines.slice(kept), [`dropped ${queue.dropped}`]);
});

Deno.test("LogQueue: a sink that fails is given up, and lines after it are counted", async () => {
  const queue = new LogQueue({ write: () => Promise.reject(new Error("EPIPE")) }, String);
  queue.push("a");
  await queue.flush();
  queue.push("b");
  assert.equal(queue.dropped, 1);
});

Deno.test("createLogger() cuts a line to MAX_LINE and keeps JSON lines whole", () => {
  const lines: string[] = [];
  const record: RequestRecord = {
    callerDialect: "openai",
    method: "POST",
    path: "/p" + "a".repeat(100_000),
    stream: false,
    status: 400,
    totalMs: 1,
    warnings: Array.from({ length: 5000 }, (_, i) => `Dropped part ${i} ${"x".repeat(100)}`),
    keyTail: "-",
    error: "e".repeat(200_000),
  };
  for (const format of ["json", "text"] as const) {
    createLogger({ level: "info", format, sink: (l) => lines.push(l) }).request(record);
  }
  const [json, text] = lines;
  assert.ok(json.length <= MAX_LINE && text.length <= MAX_LINE, `${json.length} ${text.length}`);
  const parsed = JSON.parse(json);
  assert.equal(parsed.warnings.length, 21);
  assert.equal(parsed.warnings[20], "and 4980 more warnings of other kinds");
  assert.match(parsed.error, /characters cut\]$/);
});

Deno.test("LogQueue: lines pushed one after another go out in one write, not a write each", async () => {
  const { writes, queue } = recordingQueue();
  for (let i = 0; i < 10; i++) {
    queue.push(`line ${i}`);
    await Promise.resolve(); // as requests finish, each in a task of its own
  }
  await queue.flush();
  assert.equal(writes.length, 1);
  assert.equal(writes[0], Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join(""));
});

Deno.test("LogQueue: unformatted lines are formatted when their batch is written, in one write", async () => {
  const { writes, queue } = recordingQueue();
  let formatted = 0;
  for (let i = 0; i < 3; i++) queue.push(() => `line ${i} (${++formatted})`);
  queue.push("plain");
  assert.equal(formatted, 0);
  await queue.flush();
  assert.deepEqual(writes, ["line 0 (1)\nline 1 (2)\nline 2 (3)\nplain\n"]);
});

Deno.test("LogQueue: behind a stalled write, unformatted lines are formatted at once and bounded", async () => {
  const sink = stalledWriter();
  const queue = new LogQueue(sink.writer, (n) => `dropped ${n}`, 100);
  queue.push("first");
  queue.flush(); // the write of "first" starts and stalls
  let formatted = 0;
  for (let i = 0; i < 50; i++) queue.push(() => `line ${i} ${++formatted}`);
  assert.equal(formatted, 50);
  assert.equal(queue.dropped > 0, true);
  sink.open();
  await queue.flush();
  const lines = sink.written.join("").trimEnd().split("\n");
  assert.equal(lines[0], "first");
  assert.equal(lines.at(-1), `dropped ${queue.dropped}`);
  assert.equal(lines.length, 1 + (50 - queue.dropped) + 1);
});

Deno.test("LogQueue: a formatter that throws leaves a line saying so, and the rest are written", async () => {
  const { writes, queue } = recordingQueue();
  queue.push(() => {
    throw new TypeError("boom");
  });
  queue.push("after");
  await queue.flush();
  const lines = writes.join("").trimEnd().split("\n");
  assert.match(lines[0], /ERROR A log line could not be formatted: TypeError: boom$/);
  assert.equal(lines[1], "after");
});
