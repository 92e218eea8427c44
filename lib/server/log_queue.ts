/**
 * Log lines written off the request path. A synchronous write to a pipe nobody reads (a paused
 * pager, a stalled log shipper) blocks the only thread, and then no request is answered again;
 * here lines wait in a bounded queue while one asynchronous write is in progress, and once the
 * queue is full further lines are dropped and counted, and the count is written as a line of its
 * own when the sink takes lines again. Lines are gathered for a few milliseconds and written
 * together: one write per line would cost a thread hop per request (an asynchronous write to
 * stderr or a file runs on a blocking thread), more than all the rest of a small request. A line
 * may be queued unformatted (a function that formats it): lines gathered so are formatted and
 * encoded together when the batch is written, in one hot loop and one buffer, instead of one at
 * a time among each request's other work.
 */

/** Where lines go: stderr or the log file. */
export interface LogWriter {
  write(bytes: Uint8Array): Promise<number>;
}

/** A line, or what formats it when its batch is written. */
export type LogLine = string | (() => string);

/** Characters of lines that may wait for a blocked sink before lines are dropped. */
const MAX_QUEUED_CHARS = 1024 * 1024;
/**
 * Unformatted lines gathered before the batch is written at once. A line is formatted as soon
 * as it is queued behind a write in progress, so that only formatted lines, counted against
 * `MAX_QUEUED_CHARS`, wait for a slow sink.
 */
const MAX_UNFORMATTED = 256;
/** How long a line may wait for others to be written with it. */
const GATHER_MS = 20;
/** Queued characters that are written at once, without waiting for more. */
const WRITE_NOW_CHARS = 64 * 1024;

/** A queue of lines in front of one writer. */
export class LogQueue {
  #writer: LogWriter;
  #maxQueued: number;
  #queue: LogLine[] = [];
  /** Characters of the formatted lines queued. */
  #queued = 0;
  #unformatted = 0;
  /** Lines dropped since the last report of them. */
  #unreported = 0;
  #droppedTotal = 0;
  #writing: Promise<void> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #broken = false;
  #encoder = new TextEncoder();
  /** Formats the line that reports dropped lines. */
  #droppedLine: (count: number) => string;

  constructor(
    writer: LogWriter,
    droppedLine: (count: number) => string,
    maxQueued = MAX_QUEUED_CHARS,
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
  push(line: LogLine): void {
    if (typeof line !== "string" && this.#writing) line = line();
    const size = typeof line === "string" ? line.length + 1 : 0;
    if (this.#broken || this.#queued + size > this.#maxQueued) {
      this.#unreported++;
      this.#droppedTotal++;
      return;
    }
    this.#queue.push(line);
    this.#queued += size;
    if (size === 0) this.#unformatted++;
    if (this.#writing) return; // the write in progress takes these next
    if (this.#queued >= WRITE_NOW_CHARS || this.#unformatted >= MAX_UNFORMATTED) this.#start();
    else if (this.#timer === undefined) {
      const timer = setTimeout(() => this.#start(), GATHER_MS);
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
  }

  /** Resolves once every queued line has been written (or the sink has failed). */
  async flush(): Promise<void> {
    if (this.#queue.length > 0 && !this.#writing) this.#start();
    while (this.#writing) await this.#writing;
  }

  #start(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing ??= this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      while (this.#queue.length > 0 && !this.#broken) {
        const batch = this.#encoder.encode(this.#text(this.#queue));
        this.#queue = [];
        this.#queued = 0;
        this.#unformatted = 0;
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

  /** The lines, each formatted and ended. */
  #text(lines: LogLine[]): string {
    let text = "";
    for (const line of lines) text += (typeof line === "string" ? line : formatted(line)) + "\n";
    return text;
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
      this.#unformatted = 0;
    }
  }
}

/** A line formatted late; a formatter that fails still leaves a line (a throw here would end the process). */
function formatted(format: () => string): string {
  try {
    return format();
  } catch (error) {
    return `${new Date().toISOString()} ERROR A log line could not be formatted: ${error}`;
  }
}
