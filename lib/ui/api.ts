/**
 * `GET /api/usage` (sums per model, caller, hour or day over a time range) and
 * `GET /api/requests` (the latest rows, page by page), as JSON.
 */
import { groupUsage, parseGroupBy } from "../ledger/group_usage.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { roundUsd } from "../ledger/report.ts";
import type { LedgerRow } from "../ledger/row.ts";
import { hourOf, type Tally } from "../ledger/tally.ts";
import { jsonResponse } from "../server/exchange.ts";

const HOUR = 3_600_000;
const MAX_ROWS = 500;

/** `?from=&to=&group=&tz=`: `from`/`to` as ISO times or milliseconds, rounded to the hour. */
export async function usageResponse(ledger: Ledger, url: URL): Promise<Response> {
  const q = url.searchParams;
  let from: number, to: number, tz: number, by;
  try {
    from = hourOf(time(q.get("from"), "from") ?? 0);
    const until = time(q.get("to"), "to");
    to = until === undefined ? hourOf(Date.now()) + HOUR : hourOf(until + HOUR - 1);
    tz = integer(q.get("tz"), "tz", -900, 900) ?? 0;
    by = parseGroupBy(q.get("group"));
  } catch (error) {
    return badRequest(error);
  }
  const { groups, total } = groupUsage(await ledger.hours(from, to), by, tz);
  return jsonResponse({
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    group: by,
    groups: groups.map(rounded),
    total: rounded(total),
  });
}

/** `?limit=&before=`: the latest rows, newest first; `before` is a `seq` from a previous page. */
export async function requestsResponse(ledger: Ledger, url: URL): Promise<Response> {
  const q = url.searchParams;
  let limit: number, before: number | undefined;
  try {
    limit = integer(q.get("limit"), "limit", 1, MAX_ROWS) ?? 50;
    before = integer(q.get("before"), "before", 1, Number.MAX_SAFE_INTEGER);
  } catch (error) {
    return badRequest(error);
  }
  const rows = await ledger.latest(limit, before);
  return jsonResponse({
    requests: rows.map(rowJson),
    next_before: rows.length === limit ? rows[rows.length - 1].seq : null,
  });
}

/** A row as the API shows it: the time as an ISO string. */
export function rowJson(row: LedgerRow): Record<string, unknown> {
  return {
    ...row,
    time: new Date(row.time).toISOString(),
    cost_usd: row.cost_usd === null ? null : roundUsd(row.cost_usd),
  };
}

function rounded<T extends Tally>(t: T): T {
  return { ...t, cost_usd: roundUsd(t.cost_usd) };
}

function time(text: string | null, name: string): number | undefined {
  if (text === null || text === "") return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new TypeError(`${name} must be an ISO time or milliseconds since 1970, not "${text}"`);
  }
  return ms;
}

function integer(text: string | null, name: string, min: number, max: number): number | undefined {
  if (text === null || text === "") return undefined;
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < min || n > max) {
    throw new TypeError(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  }
  return n;
}

function badRequest(error: unknown): Response {
  const message = error instanceof Error ? error.message : String(error);
  return jsonResponse({ error: { type: "invalid_request_error", message } }, 400);
}
