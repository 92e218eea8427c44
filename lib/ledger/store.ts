/**
 * Where the ledger keeps its rows and sums: SQLite, PostgreSQL, or this process's memory (with
 * `ledger: false`). Every store answers the same questions, so the endpoints do not care which.
 */
import type { LedgerRow } from "./row.ts";
import { ROW_NAMES } from "./schema.ts";
import type { Counter, HourCell } from "./tally.ts";

export interface LedgerStore {
  readonly kind: "sqlite" | "postgres" | "memory";
  /**
   * Names the store for processes' workers that share it (their BroadcastChannel); undefined
   * when nothing else can write to it.
   */
  readonly shareKey?: string;
  /**
   * Present when keeping a row costs no more than counting it (memory): the ledger hands each
   * row over at once instead of buffering it.
   */
  record?(row: LedgerRow): void;
  /** Creates the schema if missing. */
  open(): Promise<void>;
  /** Adds rows and their sums, all or nothing. */
  write(
    rows: readonly LedgerRow[],
    cells: readonly HourCell[],
    counters: readonly Counter[],
  ): Promise<void>;
  /** The all-time counters. */
  counters(): Promise<Counter[]>;
  /** Hour cells with `from <= hour < to`. */
  hours(from: number, to: number): Promise<HourCell[]>;
  /** The latest rows, newest first, with `seq` below `before` when given. */
  latest(limit: number, before?: number): Promise<LedgerRow[]>;
  /** Rows with `seq` above `after`, oldest first. */
  after(after: number, limit: number): Promise<LedgerRow[]>;
  /** The highest `seq` written, 0 for none. */
  lastSeq(): Promise<number>;
  /** Deletes rows and hour cells from before `time`. */
  prune(time: number): Promise<void>;
  close(): Promise<void>;
}

/** A row from its stored columns (SQLite integers for booleans, warnings as JSON text). */
export function rowFromColumns(record: Record<string, unknown>): LedgerRow {
  const out: Record<string, unknown> = { seq: Number(record.seq) };
  for (const name of ROW_NAMES) out[name] = record[name];
  const row = out as unknown as LedgerRow;
  row.time = Number(row.time);
  row.status = Number(row.status);
  row.stream = Boolean(record.stream);
  row.usage_estimated = Boolean(record.usage_estimated);
  for (
    const f of [
      "input_tokens",
      "cache_read_input_tokens",
      "cache_creation_input_tokens",
      "output_tokens",
      "reasoning_tokens",
      "web_search_requests",
      "ttfb_ms",
      "total_ms",
    ] as const
  ) row[f] = Number(row[f]);
  row.cost_usd = record.cost_usd === null || record.cost_usd === undefined
    ? null
    : Number(record.cost_usd);
  try {
    const warnings = JSON.parse(String(record.warnings ?? "[]"));
    row.warnings = Array.isArray(warnings) ? warnings.map(String) : [];
  } catch {
    row.warnings = [];
  }
  return row;
}

/** A row's values in ROW_NAMES order, as both databases take them. */
export function rowValues(row: LedgerRow, booleans: "int" | "bool"): unknown[] {
  const b = (v: boolean) => booleans === "int" ? (v ? 1 : 0) : v;
  return [
    row.id,
    row.time,
    row.caller,
    row.model,
    row.served_by,
    row.upstream,
    b(row.stream),
    row.status,
    row.error_type,
    row.ttfb_ms,
    row.total_ms,
    row.input_tokens,
    row.cache_read_input_tokens,
    row.cache_creation_input_tokens,
    row.output_tokens,
    row.reasoning_tokens,
    b(row.usage_estimated),
    JSON.stringify(row.warnings),
    row.key_tail,
    row.cost_usd,
    row.web_search_requests,
  ];
}

/** An hour cell from its stored columns. */
export function cellFromColumns(record: Record<string, unknown>): HourCell {
  return {
    hour: Number(record.hour),
    model: String(record.model),
    caller: String(record.caller),
    requests: Number(record.requests),
    errors: Number(record.errors),
    input_tokens: Number(record.input_tokens),
    cache_read_input_tokens: Number(record.cache_read_input_tokens),
    cache_creation_input_tokens: Number(record.cache_creation_input_tokens),
    output_tokens: Number(record.output_tokens),
    reasoning_tokens: Number(record.reasoning_tokens),
    cost_usd: Number(record.cost_usd),
    web_search_requests: Number(record.web_search_requests ?? 0),
  };
}
