/**
 * The sums the ledger keeps besides its rows: per hour, model and caller (for `/api/usage` and
 * the charts), and for all time per model, caller and status with latency histograms (for
 * `/anthropic/v1/stats` and `/metrics`). A batch of rows is folded into these in memory, then
 * added to the store's in one statement per key.
 */
import type { LedgerRow } from "./row.ts";

/** Upper bounds, in seconds, of the latency and time-to-first-byte histogram buckets. */
export const LATENCY_BUCKETS = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  30,
  60,
  120,
  300,
] as const;

/** The summed figures of a set of rows. */
export interface Tally {
  requests: number;
  errors: number;
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  web_search_requests: number;
}

/** The fields of a Tally, in column order. */
export const TALLY_FIELDS = [
  "requests",
  "errors",
  "input_tokens",
  "cache_read_input_tokens",
  "cache_creation_input_tokens",
  "output_tokens",
  "reasoning_tokens",
  "cost_usd",
  "web_search_requests",
] as const satisfies readonly (keyof Tally)[];

/** One hour of one model and caller. `hour` is the hour's start, in ms since the epoch. */
export interface HourCell extends Tally {
  hour: number;
  model: string;
  caller: string;
}

/**
 * All-time counts of one model, caller and status, with latency histograms: `lat[i]` counts
 * requests whose total time fell in bucket i (not cumulative; the rest are beyond the last).
 */
export interface Counter extends Tally {
  model: string;
  caller: string;
  status: number;
  lat_sum: number;
  lat: number[];
  ttfb_sum: number;
  ttfb: number[];
}

/** The histogram columns of a Counter as stored: `lat_sum, lat_0…, ttfb_sum, ttfb_0…`. */
export const HISTOGRAM_FIELDS = [
  "lat_sum",
  ...LATENCY_BUCKETS.map((_, i) => `lat_${i}`),
  "ttfb_sum",
  ...LATENCY_BUCKETS.map((_, i) => `ttfb_${i}`),
];

export function emptyTally(): Tally {
  return {
    requests: 0,
    errors: 0,
    input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: 0,
    web_search_requests: 0,
  };
}

/** Adds one row's figures to a tally. */
export function addRow(t: Tally, row: LedgerRow): void {
  t.requests++;
  if (row.status >= 400) t.errors++;
  t.input_tokens += row.input_tokens;
  t.cache_read_input_tokens += row.cache_read_input_tokens;
  t.cache_creation_input_tokens += row.cache_creation_input_tokens;
  t.output_tokens += row.output_tokens;
  t.reasoning_tokens += row.reasoning_tokens;
  if (row.cost_usd !== null) t.cost_usd += row.cost_usd;
  t.web_search_requests += row.web_search_requests;
}

/** Adds one tally to another. */
export function addTally(into: Tally, t: Tally): void {
  for (const f of TALLY_FIELDS) into[f] += t[f];
}

const HOUR = 3_600_000;

/** The hour a time falls in (its start). */
export function hourOf(time: number): number {
  return time - (((time % HOUR) + HOUR) % HOUR);
}

/** A batch of rows folded into its hour cells and counters. */
export function foldRows(rows: readonly LedgerRow[]): { cells: HourCell[]; counters: Counter[] } {
  const cells = new Map<string, HourCell>();
  const counters = new Map<string, Counter>();
  for (const row of rows) {
    const model = row.served_by ?? "-";
    const hour = hourOf(row.time);
    const cellKey = `${hour}\n${model}\n${row.caller}`;
    let cell = cells.get(cellKey);
    if (!cell) cells.set(cellKey, cell = { hour, model, caller: row.caller, ...emptyTally() });
    addRow(cell, row);
    const counterKey = `${model}\n${row.caller}\n${row.status}`;
    let counter = counters.get(counterKey);
    if (!counter) {
      counters.set(counterKey, counter = emptyCounter(model, row.caller, row.status));
    }
    addToCounter(counter, row);
  }
  return { cells: [...cells.values()], counters: [...counters.values()] };
}

export function emptyCounter(model: string, caller: string, status: number): Counter {
  const zeros = () => LATENCY_BUCKETS.map(() => 0);
  return {
    model,
    caller,
    status,
    ...emptyTally(),
    lat_sum: 0,
    lat: zeros(),
    ttfb_sum: 0,
    ttfb: zeros(),
  };
}

/** Adds one row to a counter, its latencies to the histograms. */
export function addToCounter(c: Counter, row: LedgerRow): void {
  addRow(c, row);
  const total = row.total_ms / 1000;
  const ttfb = row.ttfb_ms / 1000;
  c.lat_sum += total;
  c.ttfb_sum += ttfb;
  const i = bucketOf(total);
  if (i < c.lat.length) c.lat[i]++;
  const j = bucketOf(ttfb);
  if (j < c.ttfb.length) c.ttfb[j]++;
}

/** Adds one counter's figures to another of the same key. */
export function mergeCounter(into: Counter, c: Counter): void {
  addTally(into, c);
  into.lat_sum += c.lat_sum;
  into.ttfb_sum += c.ttfb_sum;
  for (let i = 0; i < into.lat.length; i++) {
    into.lat[i] += c.lat[i];
    into.ttfb[i] += c.ttfb[i];
  }
}

/** Counters merged by key (model, caller, status). */
export function mergeCounters(lists: readonly (readonly Counter[])[]): Counter[] {
  const out = new Map<string, Counter>();
  for (const list of lists) {
    for (const c of list) {
      const key = `${c.model}\n${c.caller}\n${c.status}`;
      const into = out.get(key);
      if (into) mergeCounter(into, c);
      else {
        out.set(key, { ...c, lat: [...c.lat], ttfb: [...c.ttfb] });
      }
    }
  }
  return [...out.values()];
}

function bucketOf(seconds: number): number {
  let i = 0;
  while (i < LATENCY_BUCKETS.length && seconds > LATENCY_BUCKETS[i]) i++;
  return i;
}

/** A counter's histogram columns in the order of HISTOGRAM_FIELDS. */
export function histogramValues(c: Counter): number[] {
  return [c.lat_sum, ...c.lat, c.ttfb_sum, ...c.ttfb];
}

/** A counter from its stored columns. */
export function counterFromColumns(record: Record<string, unknown>): Counter {
  const c = emptyCounter(String(record.model), String(record.caller), Number(record.status));
  for (const f of TALLY_FIELDS) c[f] = Number(record[f] ?? 0);
  c.lat_sum = Number(record.lat_sum ?? 0);
  c.ttfb_sum = Number(record.ttfb_sum ?? 0);
  for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
    c.lat[i] = Number(record[`lat_${i}`] ?? 0);
    c.ttfb[i] = Number(record[`ttfb_${i}`] ?? 0);
  }
  return c;
}
