/**
 * The usage ledger: every finished API request becomes a row, kept in a buffer and written to
 * the store in batches on a timer, never on the request path. A store that fails keeps rows in
 * the buffer (up to a bound; the rest are counted as dropped) and is retried with backoff; the
 * failure is logged once, and the recovery once. Reads first have every worker sharing the
 * store write what it holds (see peers.ts), so all of them answer with the same figures.
 */
import type { Price } from "../config/price.ts";
import type { Logger } from "../server/log.ts";
import type { RequestRecord } from "../server/stats.ts";
import { Peers, type PeerState } from "./peers.ts";
import { type LedgerRow, rowIds, rowOf } from "./row.ts";
import type { LedgerStore } from "./store.ts";
import { type Counter, foldRows, type HourCell, mergeCounters } from "./tally.ts";

export interface LedgerOptions {
  store: LedgerStore;
  /** The price of a models.yaml entry, by `model_id`. */
  price?: (modelId: string) => Price | undefined;
  logger?: Logger;
  /** Rows older than this are deleted (checked at start and hourly). */
  days?: number;
  /** How long a row may wait in the buffer before it is written. */
  flushMs?: number;
  /** Rows held while the store fails; beyond it rows are dropped and counted. */
  maxPending?: number;
  /** Describes an error of the store without a secret (a PostgreSQL password). */
  describe?: (error: unknown) => string;
}

/** What the figures of every endpoint come from. */
export interface LedgerView {
  counters: Counter[];
  inFlight: number;
  dropped: number;
  pending: number;
  /** The store could not be read: counters are the last read plus rows not yet written. */
  stale: boolean;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MAX_RETRY_MS = 30_000;

export class Ledger {
  readonly store: LedgerStore;
  /** Requests being served by this worker. */
  inFlight = 0;
  /** Rows this worker could not keep. */
  dropped = 0;
  readonly #options: LedgerOptions;
  readonly #nextId = rowIds();
  readonly #peers?: Peers;
  #buffer: LedgerRow[] = [];
  #timer?: ReturnType<typeof setTimeout>;
  #writing: Promise<void> = Promise.resolve();
  #failing = false;
  #retryMs = 0;
  #readFailing = false;
  #lastCounters: Counter[] = [];
  #prunedAt = 0;
  #closed = false;
  readonly #written = new Set<() => void>();

  constructor(options: LedgerOptions) {
    this.#options = options;
    this.store = options.store;
    if (options.store.shareKey) {
      this.#peers = new Peers(options.store.shareKey, {
        flush: () => this.flush(),
        state: () => this.#state(),
      });
    }
  }

  /** Creates the schema and prunes old rows. */
  async open(): Promise<void> {
    await this.store.open();
    await this.#prune();
  }

  /** Records one finished request (the request path: builds the row and buffers it). */
  add(record: RequestRecord): void {
    const price = record.modelId === undefined ? undefined : this.#options.price?.(record.modelId);
    const row = rowOf(record, this.#nextId(), Date.now(), price);
    if (this.store.record) {
      this.store.record(row);
      this.#notify();
      return;
    }
    if (this.#buffer.length >= (this.#options.maxPending ?? 10_000)) {
      this.dropped++;
      return;
    }
    this.#buffer.push(row);
    if (this.#timer === undefined && !this.#closed) {
      this.#timer = setTimeout(() => this.flush(), this.#failing ? this.#retryMs : this.#flushMs);
    }
  }

  /** Writes what the buffer holds now (after any write under way). */
  flush(): Promise<void> {
    this.#writing = this.#writing.then(() => this.#write());
    return this.#writing;
  }

  /** Has every worker write what it holds; their states summed with this worker's. */
  async sync(): Promise<PeerState> {
    await this.flush();
    const states = [this.#state(), ...(await this.#peers?.sync() ?? [])];
    return {
      inFlight: states.reduce((n, s) => n + s.inFlight, 0),
      dropped: states.reduce((n, s) => n + s.dropped, 0),
      pending: states.reduce((n, s) => n + s.pending, 0),
    };
  }

  /** The all-time figures, the same from every worker. */
  async view(): Promise<LedgerView> {
    const state = await this.sync();
    let stale = false;
    try {
      this.#lastCounters = await this.store.counters();
      this.#readRecovered();
    } catch (error) {
      stale = true;
      this.#readFailed(error);
    }
    // Rows not written yet (the store is failing) still count.
    const held = foldRows(this.#buffer).counters;
    return { counters: mergeCounters([this.#lastCounters, held]), ...state, stale };
  }

  /** Hour cells from `from` to `to`, after every worker has written what it holds. */
  async hours(from: number, to: number): Promise<HourCell[]> {
    await this.sync();
    return await this.store.hours(from, to);
  }

  /** The latest rows, newest first. */
  async latest(limit: number, before?: number): Promise<LedgerRow[]> {
    await this.sync();
    return await this.store.latest(limit, before);
  }

  /** Calls `listener` after each write (the live feed looks for new rows then); undo with the result. */
  onWritten(listener: () => void): () => void {
    this.#written.add(listener);
    return () => this.#written.delete(listener);
  }

  /** An error of the store as text, without a secret. */
  describe(error: unknown): string {
    return this.#describe(error);
  }

  /** Writes what is held, stops the timer and closes the store. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#peers?.close();
    await this.store.close();
  }

  get #flushMs(): number {
    return this.#options.flushMs ?? 500;
  }

  #notify(): void {
    for (const listener of this.#written) listener();
  }

  #state(): PeerState {
    return { inFlight: this.inFlight, dropped: this.dropped, pending: this.#buffer.length };
  }

  async #write(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#buffer.length === 0) return;
    const rows = this.#buffer;
    this.#buffer = [];
    const { cells, counters } = foldRows(rows);
    try {
      await this.store.write(rows, cells, counters);
    } catch (error) {
      this.#writeFailed(rows, error);
      return;
    }
    if (this.#failing) {
      this.#failing = false;
      this.#log("info", `Ledger: writing again; ${rows.length} held rows written`);
    }
    this.#notify();
    if (Date.now() - this.#prunedAt > HOUR) await this.#prune();
  }

  #writeFailed(rows: LedgerRow[], error: unknown): void {
    const max = this.#options.maxPending ?? 10_000;
    const held = rows.concat(this.#buffer);
    if (held.length > max) {
      this.dropped += held.length - max;
      held.length = max;
    }
    this.#buffer = held;
    this.#retryMs = this.#failing ? Math.min(this.#retryMs * 2, MAX_RETRY_MS) : 1000;
    if (!this.#failing) {
      this.#failing = true;
      this.#log(
        "error",
        `Ledger: cannot write to the ${this.store.kind} ledger (${this.#describe(error)}); ` +
          `holding up to ${max} rows and retrying; requests are served as usual`,
      );
    }
    if (!this.#closed) this.#timer = setTimeout(() => this.flush(), this.#retryMs);
  }

  #readFailed(error: unknown): void {
    if (this.#readFailing) return;
    this.#readFailing = true;
    this.#log(
      "error",
      `Ledger: cannot read the ${this.store.kind} ledger (${this.#describe(error)}); ` +
        "answering with the last figures read",
    );
  }

  #readRecovered(): void {
    if (!this.#readFailing) return;
    this.#readFailing = false;
    this.#log("info", "Ledger: reading again");
  }

  async #prune(): Promise<void> {
    this.#prunedAt = Date.now();
    const days = this.#options.days;
    if (days === undefined) return;
    try {
      await this.store.prune(Date.now() - days * DAY);
    } catch (error) {
      this.#log("warning", `Ledger: could not delete old rows (${this.#describe(error)})`);
    }
  }

  #describe(error: unknown): string {
    if (this.#options.describe) return this.#options.describe(error);
    return error instanceof Error ? error.message : String(error);
  }

  #log(level: "info" | "warning" | "error", text: string): void {
    this.#options.logger?.message(level, text);
  }
}
