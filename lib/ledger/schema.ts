/**
 * The ledger's tables, the same in SQLite and PostgreSQL but for column types: `proxy_requests`
 * (one row per request), `proxy_usage_hourly` (sums per hour, model and caller) and
 * `proxy_usage_totals` (all-time sums per model, caller and status, never pruned, so that
 * `/metrics` counters only ever grow). Prefixed, to live beside other tables in a shared database.
 */
import { HISTOGRAM_FIELDS, TALLY_FIELDS } from "./tally.ts";

export type SqlDialect = "sqlite" | "postgres";

type ColumnType = "text" | "bigint" | "real" | "bool";

/** The columns of `proxy_requests` after `seq`, in the order rows are inserted. */
export const ROW_COLUMNS: ReadonlyArray<readonly [string, ColumnType, "null" | "not null"]> = [
  ["id", "text", "not null"],
  ["time", "bigint", "not null"],
  ["caller", "text", "not null"],
  ["model", "text", "null"],
  ["served_by", "text", "null"],
  ["upstream", "text", "null"],
  ["stream", "bool", "not null"],
  ["status", "bigint", "not null"],
  ["error_type", "text", "null"],
  ["ttfb_ms", "real", "not null"],
  ["total_ms", "real", "not null"],
  ["input_tokens", "bigint", "not null"],
  ["cache_read_input_tokens", "bigint", "not null"],
  ["cache_creation_input_tokens", "bigint", "not null"],
  ["output_tokens", "bigint", "not null"],
  ["reasoning_tokens", "bigint", "not null"],
  ["usage_estimated", "bool", "not null"],
  ["warnings", "text", "not null"],
  ["key_tail", "text", "not null"],
  ["cost_usd", "real", "null"],
  ["web_search_requests", "bigint", "not null"],
];

/**
 * Columns added since the ledger's first schema, which `CREATE TABLE IF NOT EXISTS` does not add
 * to an older database: each store adds the missing ones when it opens (`addColumnSql`).
 */
export const ADDED_COLUMNS: ReadonlyArray<{ table: string; column: string }> = [
  { table: "proxy_requests", column: "web_search_requests" },
  { table: "proxy_usage_hourly", column: "web_search_requests" },
  { table: "proxy_usage_totals", column: "web_search_requests" },
];

/** Adds one of ADDED_COLUMNS (PostgreSQL: only if missing; SQLite: the caller checks first). */
export function addColumnSql(d: SqlDialect, added: { table: string; column: string }): string {
  const ifMissing = d === "postgres" ? "IF NOT EXISTS " : "";
  return `ALTER TABLE ${added.table} ADD COLUMN ${ifMissing}${added.column} ${
    TYPES[d].bigint
  } NOT NULL DEFAULT 0`;
}

export const ROW_NAMES = ROW_COLUMNS.map(([name]) => name);

const TYPES: Record<SqlDialect, Record<ColumnType, string>> = {
  sqlite: { text: "TEXT", bigint: "INTEGER", real: "REAL", bool: "INTEGER" },
  postgres: { text: "TEXT", bigint: "BIGINT", real: "DOUBLE PRECISION", bool: "BOOLEAN" },
};

function tallyColumns(d: SqlDialect): string[] {
  return TALLY_FIELDS.map((f) =>
    `${f} ${f === "cost_usd" ? TYPES[d].real : TYPES[d].bigint} NOT NULL DEFAULT 0`
  );
}

/** The statements that create the schema (idempotent). */
export function schemaStatements(d: SqlDialect): string[] {
  const t = TYPES[d];
  const seq = d === "sqlite"
    ? "seq INTEGER PRIMARY KEY"
    : "seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
  const rows = ROW_COLUMNS.map(([name, type, nul]) =>
    `${name} ${t[type]}${nul === "not null" ? " NOT NULL" : ""}`
  );
  const histogram = HISTOGRAM_FIELDS.map((f) =>
    `${f} ${f.endsWith("_sum") ? t.real : t.bigint} NOT NULL DEFAULT 0`
  );
  return [
    `CREATE TABLE IF NOT EXISTS proxy_requests (${[seq, ...rows].join(", ")})`,
    "CREATE INDEX IF NOT EXISTS proxy_requests_time ON proxy_requests (time)",
    `CREATE TABLE IF NOT EXISTS proxy_usage_hourly (hour ${t.bigint} NOT NULL, model ${t.text} NOT NULL, caller ${t.text} NOT NULL, ${
      tallyColumns(d).join(", ")
    }, PRIMARY KEY (hour, model, caller))`,
    `CREATE TABLE IF NOT EXISTS proxy_usage_totals (model ${t.text} NOT NULL, caller ${t.text} NOT NULL, status ${t.bigint} NOT NULL, ${
      [...tallyColumns(d), ...histogram].join(", ")
    }, PRIMARY KEY (model, caller, status))`,
  ];
}

/** `$1, $2…` for PostgreSQL, `?` for SQLite. */
function placeholders(d: SqlDialect, count: number, from = 0): string {
  return Array.from({ length: count }, (_, i) => d === "sqlite" ? "?" : `$${from + i + 1}`)
    .join(", ");
}

/** Inserts `count` rows (values in ROW_NAMES order, row after row). */
export function insertRowsSql(d: SqlDialect, count: number): string {
  const n = ROW_NAMES.length;
  const values = Array.from({ length: count }, (_, i) => `(${placeholders(d, n, i * n)})`);
  return `INSERT INTO proxy_requests (${ROW_NAMES.join(", ")}) VALUES ${values.join(", ")}`;
}

const HOURLY_KEYS = ["hour", "model", "caller"];
const TOTALS_KEYS = ["model", "caller", "status"];

/** Adds `count` hour cells, each HOURLY_KEYS then TALLY_FIELDS (keys unique in one call). */
export function upsertHourlySql(d: SqlDialect, count = 1): string {
  return upsert(d, "proxy_usage_hourly", HOURLY_KEYS, [...TALLY_FIELDS], count);
}

/** Adds `count` counters, each TOTALS_KEYS, TALLY_FIELDS, then HISTOGRAM_FIELDS. */
export function upsertTotalsSql(d: SqlDialect, count = 1): string {
  const sums = [...TALLY_FIELDS, ...HISTOGRAM_FIELDS];
  return upsert(d, "proxy_usage_totals", TOTALS_KEYS, sums, count);
}

function upsert(
  d: SqlDialect,
  table: string,
  keys: string[],
  sums: string[],
  count: number,
): string {
  const columns = [...keys, ...sums];
  const n = columns.length;
  const values = Array.from({ length: count }, (_, i) => `(${placeholders(d, n, i * n)})`);
  const set = sums.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(", ");
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values.join(", ")} ON CONFLICT (${
    keys.join(", ")
  }) DO UPDATE SET ${set}`;
}

/** The columns a row is read back with (`seq` first). */
export const SELECT_ROW = `seq, ${ROW_NAMES.join(", ")}`;
