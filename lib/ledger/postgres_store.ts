/**
 * The ledger in PostgreSQL (`ledger: "postgres://…"`), so that proxies on several machines keep
 * one ledger. Sums are added with upserts, so concurrent writers never overwrite each other.
 * The driver (`npm:postgres`) is loaded only when a PostgreSQL ledger is configured.
 */
import type { Sql } from "postgres";
import { redactUrl } from "../config/ledger_setting.ts";
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

/** Rows per INSERT statement (PostgreSQL takes at most 65,535 parameters). */
const ROWS_PER_STATEMENT = 1000;
/** Any constant both creators agree on: serialises schema creation between instances. */
const SCHEMA_LOCK = 0x11e_d9e7;

type Values = (string | number | boolean | null)[];

export class PostgresStore implements LedgerStore {
  readonly kind = "postgres";
  readonly shareKey: string;
  #url: string;
  #sql?: Sql;
  #schema?: Promise<void>;

  constructor(url: string) {
    this.#url = url;
    this.shareKey = `postgres:${redactUrl(url)}`;
  }

  /** Creates the schema; tried again by the next call when the database could not be reached. */
  open(): Promise<void> {
    this.#schema ??= this.#createSchema().catch((error) => {
      this.#schema = undefined;
      throw error;
    });
    return this.#schema;
  }

  async #createSchema(): Promise<void> {
    const sql = await this.#connect();
    await sql.begin(async (tx) => {
      await tx.unsafe(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
      for (const statement of schemaStatements("postgres")) await tx.unsafe(statement);
      for (const added of ADDED_COLUMNS) await tx.unsafe(addColumnSql("postgres", added));
    });
  }

  async write(
    rows: readonly LedgerRow[],
    cells: readonly HourCell[],
    counters: readonly Counter[],
  ): Promise<void> {
    const sql = await this.#ready();
    await sql.begin(async (tx) => {
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        const part = rows.slice(i, i + ROWS_PER_STATEMENT);
        await tx.unsafe(
          insertRowsSql("postgres", part.length),
          part.flatMap((row) => rowValues(row, "bool")) as Values,
        );
      }
      if (cells.length) {
        await tx.unsafe(
          upsertHourlySql("postgres", cells.length),
          cells.flatMap((c) => [c.hour, c.model, c.caller, ...TALLY_FIELDS.map((f) => c[f])]),
        );
      }
      if (counters.length) {
        await tx.unsafe(
          upsertTotalsSql("postgres", counters.length),
          counters.flatMap((c) => [
            c.model,
            c.caller,
            c.status,
            ...TALLY_FIELDS.map((f) => c[f]),
            ...histogramValues(c),
          ]),
        );
      }
    });
  }

  async counters(): Promise<Counter[]> {
    const sql = await this.#ready();
    return (await sql.unsafe("SELECT * FROM proxy_usage_totals")).map(counterFromColumns);
  }

  async hours(from: number, to: number): Promise<HourCell[]> {
    const sql = await this.#ready();
    const rows = await sql.unsafe(
      "SELECT * FROM proxy_usage_hourly WHERE hour >= $1 AND hour < $2",
      [from, to],
    );
    return rows.map(cellFromColumns);
  }

  async latest(limit: number, before?: number): Promise<LedgerRow[]> {
    const sql = await this.#ready();
    const rows = await sql.unsafe(
      `SELECT ${SELECT_ROW} FROM proxy_requests WHERE seq < $1 ORDER BY seq DESC LIMIT $2`,
      [before ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return rows.map(rowFromColumns);
  }

  async after(after: number, limit: number): Promise<LedgerRow[]> {
    const sql = await this.#ready();
    const rows = await sql.unsafe(
      `SELECT ${SELECT_ROW} FROM proxy_requests WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [after, limit],
    );
    return rows.map(rowFromColumns);
  }

  async lastSeq(): Promise<number> {
    const sql = await this.#ready();
    const [row] = await sql.unsafe("SELECT max(seq) AS seq FROM proxy_requests");
    return Number(row?.seq ?? 0);
  }

  async prune(time: number): Promise<void> {
    const sql = await this.#ready();
    await sql.begin(async (tx) => {
      await tx.unsafe("DELETE FROM proxy_requests WHERE time < $1", [time]);
      await tx.unsafe("DELETE FROM proxy_usage_hourly WHERE hour < $1", [hourOf(time)]);
    });
  }

  async close(): Promise<void> {
    await this.#sql?.end({ timeout: 1 });
    this.#sql = undefined;
  }

  /** The connection pool, once the schema exists. */
  async #ready(): Promise<Sql> {
    await this.open();
    return await this.#connect();
  }

  async #connect(): Promise<Sql> {
    if (this.#sql) return this.#sql;
    const { default: postgres } = await import("postgres");
    this.#sql = postgres(this.#url, {
      max: 2,
      idle_timeout: 60,
      connect_timeout: 5,
      onnotice: () => {},
      connection: { application_name: "llm-proxy" },
    });
    return this.#sql;
  }
}
