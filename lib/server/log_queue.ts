/**
 * Log lines written off the request path. A synchronous write to a pipe nobody reads (a paused
 * pager, a stalled log shipper) blocks the only thread, and then no request is answered again;
 * here lines wait in a bounded queue while one asynchronous write is in progress, and once the
 * queue is full further lines are dropped and counted, and the count is written as a line of its
 * own when the sink takes lines again.
 */

import { concatBytes } from "../bytes/concat_bytes.ts";

/** Where lines go: stderr or the log file. */
export interface LogWriter {
  write(bytes: Uint8Array): Promise<number>;
}

/** Bytes of lines that may wait for a blocked sink before lines are dropped. */
const MAX_QUEUED_BYTES = 1024 * 1024;

/** A queue of lines in front of one writer. */
export class LogQueue {
  #writer: LogWriter;
  #maxQueued: number;
  #queue: Uint8Array[] = [];
  #queued = 0;
  /** Lines dropped since the last report of them. */
  #unreported = 0;
  #droppedTotal = 0;
  #writing: Promise<void> | undefined;
  #broken = false;
  #encoder = new TextEncoder();
  /** Formats the line that reports dropped lines. */
  #droppedLine: (count: number) => string;

  constructor(
    writer: LogWriter,
    droppedLine: (count: number) => string,
    maxQueued = MAX_QUEUED_BYTES,
  ) {
    this.#writer = writer;
    this.#droppedLine = droppedLine;
    this.#maxQueued = maxQueued;
  }

  /** Lines dropped so far because the sink was blocked (or gone). */
  get dropped(): number {
    return this.#droppedTotal;
  }

  /** Queues one line (without its line end); never waits. */
  push(line: string): void {
    const bytes = this.#encoder.encode(line + "\n");
    if (this.#broken || this.#queued + bytes.length > this.#maxQueued) {
      this.#unreported++;
      this.#droppedTotal++;
      return;
    }
    this.#queue.push(bytes);
    this.#queued += bytes.length;
    this.#writing ??= this.#pump();
  }

  /** Resolves once every queued line has been written (or the sink has failed). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #pump(): Promise<void> {
    try {
      while (this.#queue.length > 0 && !this.#broken) {
        const batch = concatBytes(this.#queue, this.#queued);
        this.#queue = [];
        this.#queued = 0;
        await this.#writeAll(batch);
        if (this.#queue.length === 0 && this.#unreported > 0 && !this.#broken) {
          const count = this.#unreported;
          this.#unreported = 0;
          await this.#writeAll(this.#encoder.encode(this.#droppedLine(count) + "\n"));
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    try {
      let at = 0;
      while (at < bytes.length) at += await this.#writer.write(bytes.subarray(at));
    } catch {
      // The sink is gone (a closed pipe): nothing more can be written there.
      this.#broken = true;
      this.#queue = [];
      this.#queued = 0;
    }
  }
}
