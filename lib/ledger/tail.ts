/**
 * Follows the ledger's new rows by `seq`, for the live feed. In PostgreSQL a sequence number is
 * taken when a row is inserted but seen only when its transaction commits, so a writer that
 * commits later can fill a gap below rows already seen. A gap is therefore waited for (rows
 * above it are still delivered, each once) and given up after `gapMs` (a rolled-back write never
 * fills its numbers).
 */
import type { LedgerRow } from "./row.ts";

export class Tail {
  /** Every seq up to here is delivered or given up. */
  #cursor: number;
  /** Delivered seqs above the cursor. */
  #delivered = new Set<number>();
  /** When the gap just above the cursor was first seen. */
  #gapSince?: number;
  readonly #gapMs: number;

  constructor(after: number, gapMs = 5000) {
    this.#cursor = after;
    this.#gapMs = gapMs;
  }

  /** Where the next read starts: rows with a higher seq. */
  get cursor(): number {
    return this.#cursor;
  }

  /** The rows not delivered before, from a read of rows above `cursor`, oldest first. */
  take(rows: readonly LedgerRow[], now: number): LedgerRow[] {
    const fresh: LedgerRow[] = [];
    for (const row of rows) {
      const seq = row.seq!;
      if (seq <= this.#cursor || this.#delivered.has(seq)) continue;
      this.#delivered.add(seq);
      fresh.push(row);
    }
    this.#advance(now);
    return fresh;
  }

  #advance(now: number): void {
    for (;;) {
      while (this.#delivered.delete(this.#cursor + 1)) this.#cursor++;
      if (this.#delivered.size === 0) {
        this.#gapSince = undefined;
        return;
      }
      this.#gapSince ??= now;
      if (now - this.#gapSince < this.#gapMs) return;
      // Give the gap up: move to the next delivered row and go on from there.
      this.#cursor = Math.min(...this.#delivered) - 1;
      this.#gapSince = undefined;
    }
  }
}
