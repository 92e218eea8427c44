/**
 * The store of `ledger: false`: this process's figures since it started, forgotten when it
 * stops. Keeps the sums and only the latest rows (for `/api/requests` and the live feed).
 */
import type { LedgerRow } from "./row.ts";
import type { LedgerStore } from "./store.ts";
import {
  addRow,
  addTally,
  addToCounter,
  type Counter,
  emptyCounter,
  emptyTally,
  type HourCell,
  hourOf,
  mergeCounter,
} from "./tally.ts";

/** Rows kept for `/api/requests`; older ones live on only in the sums. */
const KEPT_ROWS = 1000;

export class MemoryStore implements LedgerStore {
  readonly kind = "memory";
  readonly shareKey = undefined;
  #rows: LedgerRow[] = [];
  #seq = 0;
  #cells = new Map<string, HourCell>();
  #counters = new Map<string, Counter>();

  open(): Promise<void> {
    return Promise.resolve();
  }

  /** Adds one row to the sums in place (the request path of `ledger: false`). */
  record(row: LedgerRow): void {
    row.seq = ++this.#seq;
    this.#rows.push(row);
    if (this.#rows.length > KEPT_ROWS * 2) this.#rows = this.#rows.slice(-KEPT_ROWS);
    const model = row.served_by ?? "-";
    const hour = hourOf(row.time);
    const cellKey = `${hour}\n${model}\n${row.caller}`;
    let cell = this.#cells.get(cellKey);
    if (!cell) {
      this.#cells.set(cellKey, cell = { hour, model, caller: row.caller, ...emptyTally() });
    }
    addRow(cell, row);
    const counterKey = `${model}\n${row.caller}\n${row.status}`;
    let counter = this.#counters.get(counterKey);
    if (!counter) {
      this.#counters.set(counterKey, counter = emptyCounter(model, row.caller, row.status));
    }
    addToCounter(counter, row);
  }

  write(
    rows: readonly LedgerRow[],
    cells: readonly HourCell[],
    counters: readonly Counter[],
  ): Promise<void> {
    for (const row of rows) this.#rows.push({ ...row, seq: ++this.#seq });
    if (this.#rows.length > KEPT_ROWS * 2) this.#rows = this.#rows.slice(-KEPT_ROWS);
    for (const cell of cells) {
      const key = `${cell.hour}\n${cell.model}\n${cell.caller}`;
      const into = this.#cells.get(key);
      if (into) addTally(into, cell);
      else this.#cells.set(key, { ...cell });
    }
    for (const c of counters) {
      const key = `${c.model}\n${c.caller}\n${c.status}`;
      const into = this.#counters.get(key);
      if (into) mergeCounter(into, c);
      else this.#counters.set(key, { ...c, lat: [...c.lat], ttfb: [...c.ttfb] });
    }
    return Promise.resolve();
  }

  counters(): Promise<Counter[]> {
    return Promise.resolve([...this.#counters.values()]);
  }

  hours(from: number, to: number): Promise<HourCell[]> {
    return Promise.resolve([...this.#cells.values()].filter((c) => c.hour >= from && c.hour < to));
  }

  latest(limit: number, before?: number): Promise<LedgerRow[]> {
    const out: LedgerRow[] = [];
    for (let i = this.#rows.length - 1; i >= 0 && out.length < limit; i--) {
      const row = this.#rows[i];
      if (before === undefined || row.seq! < before) out.push(row);
    }
    return Promise.resolve(out);
  }

  after(after: number, limit: number): Promise<LedgerRow[]> {
    return Promise.resolve(this.#rows.filter((row) => row.seq! > after).slice(0, limit));
  }

  lastSeq(): Promise<number> {
    return Promise.resolve(this.#seq);
  }

  prune(time: number): Promise<void> {
    for (const [key, cell] of this.#cells) if (cell.hour < time) this.#cells.delete(key);
    this.#rows = this.#rows.filter((row) => row.time >= time);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
