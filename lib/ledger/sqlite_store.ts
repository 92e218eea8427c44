/**
 * The ledger in a SQLite file, through Deno's built-in `node:sqlite` (WAL mode: readers never
 * wait for the writer, and several workers of one process or several processes can share the
 * file). Calls are synchronous but short: a batch is one transaction of prepared statements.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { LedgerRow } from "./row.ts";
import {
  addColumnSql,
  ADDED_COLUMNS,
  insertRowsSql,
  schemaStatements,
  SELECT_ROW,
  upsertHourlySql,
  upsertTotalsSql,
} from "./schema.ts";
import { cellFromColumns, type LedgerStore, rowFromColumns, rowValues } from "./store.ts";
import {
  type Counter,
  counterFromColumns,
  histogramValues,
  type HourCell,
  hourOf,
  TALLY_FIELDS,
} from "./tally.ts";

/**
 * How long a write waits for another writer (a worker of `deno serve`, another process) before
 * it counts as failed and is retried later. Writers hold the file for a few milliseconds; a
 * longer wait would stall this worker's requests, since the call is synchronous.
 */
const BUSY_TIMEOUT_MS = 250;

type Param = null | number | bigint | string;

export class SqliteStore implements LedgerStore {
  readonly kind = "sqlite";
  readonly shareKey: string;
  readonly path: string;
  #db: DatabaseSync;
  #statements?: ReturnType<typeof prepare>;

  /** Opens (or creates) the file; throws when it cannot be opened. */
  constructor(path: string) {
    this.path = path;
    this.shareKey = `sqlite:${path}`;
    this.#db = new DatabaseSync(path);
    this.#db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }

  open(): Promise<void> {
    const db = this.#db;
    if (db.prepare("PRAGMA journal_mode").get()?.journal_mode !== "wal") {
      db.exec("PRAGMA journal_mode = WAL");
    }
    // WAL with synchronous=NORMAL: a commit does not wait for the disk; a power cut may lose
    // the last commits, never corrupt the file.
    db.exec("PRAGMA synchronous = NORMAL");
    this.#transaction(() => {
      for (const statement of schemaStatements("sqlite")) db.exec(statement);
      for (const added of ADDED_COLUMNS) {
        const columns = db.prepare(`PRAGMA table_info(${added.table})`).all();
        if (!columns.some((c) => c.name === added.column)) db.exec(addColumnSql("sqlite", added));
      }
    });
    this.#statements = prepare(db);
    return Promise.resolve();
  }

  write(
    rows: readonly LedgerRow[],
    cells: readonly HourCell[],
    counters: readonly Counter[],
  ): Promise<void> {
    const s = this.#ready();
    this.#transaction(() => {
      for (const row of rows) s.insertRow.run(...rowValues(row, "int") as Param[]);
      for (const c of cells) {
        s.upsertHour.run(c.hour, c.model, c.caller, ...TALLY_FIELDS.map((f) => c[f]));
      }
      for (const c of counters) {
        s.upsertTotal.run(
          c.model,
          c.caller,
          c.status,
          ...TALLY_FIELDS.map((f) => c[f]),
          ...histogramValues(c),
        );
      }
    });
    return Promise.resolve();
  }

  counters(): Promise<Counter[]> {
    return Promise.resolve(this.#ready().totals.all().map(counterFromColumns));
  }

  hours(from: number, to: number): Promise<HourCell[]> {
    return Promise.resolve(this.#ready().hours.all(from, to).map(cellFromColumns));
  }

  latest(limit: number, before?: number): Promise<LedgerRow[]> {
    const rows = this.#ready().latest.all(before ?? Number.MAX_SAFE_INTEGER, limit);
    return Promise.resolve(rows.map(rowFromColumns));
  }

  after(after: number, limit: number): Promise<LedgerRow[]> {
    return Promise.resolve(this.#ready().after.all(after, limit).map(rowFromColumns));
  }

  lastSeq(): Promise<number> {
    return Promise.resolve(Number(this.#ready().lastSeq.get()?.seq ?? 0));
  }

  prune(time: number): Promise<void> {
    const s = this.#ready();
    this.#transaction(() => {
      s.pruneRows.run(time);
      s.pruneHours.run(hourOf(time));
    });
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.#db.isOpen) this.#db.close();
    return Promise.resolve();
  }

  #ready() {
    if (!this.#statements) throw new Error("The ledger's schema is not open");
    return this.#statements;
  }

  #transaction(work: () => void): void {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      work();
      this.#db.exec("COMMIT");
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }
}

function prepare(db: DatabaseSync) {
  const statement = (sql: string): StatementSync => db.prepare(sql);
  return {
    insertRow: statement(insertRowsSql("sqlite", 1)),
    upsertHour: statement(upsertHourlySql("sqlite")),
    upsertTotal: statement(upsertTotalsSql("sqlite")),
    totals: statement("SELECT * FROM proxy_usage_totals"),
    hours: statement("SELECT * FROM proxy_usage_hourly WHERE hour >= ? AND hour < ?"),
    latest: statement(
      `SELECT ${SELECT_ROW} FROM proxy_requests WHERE seq < ? ORDER BY seq DESC LIMIT ?`,
    ),
    after: statement(`SELECT ${SELECT_ROW} FROM proxy_requests WHERE seq > ? ORDER BY seq LIMIT ?`),
    lastSeq: statement("SELECT max(seq) AS seq FROM proxy_requests"),
    pruneRows: statement("DELETE FROM proxy_requests WHERE time < ?"),
    pruneHours: statement("DELETE FROM proxy_usage_hourly WHERE hour < ?"),
  };
}
