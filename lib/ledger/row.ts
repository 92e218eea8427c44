/**
 * One ledger row: what is kept of a finished request. Built from the request's record on the
 * request path, so it copies only what it keeps: no body, no key (its last four characters at
 * most), no error message (an upstream may echo the request in one).
 */
import type { Price } from "../config/price.ts";
import { kindOfStatus } from "../errors.ts";
import { maskKeyShapes } from "../redact.ts";
import type { RequestRecord } from "../server/stats.ts";
import { costOf } from "./cost.ts";

/** A row as stored and as `/api/requests` shows it (with `time` as an ISO string there). */
export interface LedgerRow {
  /** Assigned by the store: the order rows were written in. */
  seq?: number;
  id: string;
  /** Arrival, in milliseconds since the epoch. */
  time: number;
  caller: string;
  /** The name the caller sent. */
  model: string | null;
  /** The models.yaml entry that served it. */
  served_by: string | null;
  upstream: string | null;
  stream: boolean;
  status: number;
  error_type: string | null;
  ttfb_ms: number;
  total_ms: number;
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  usage_estimated: boolean;
  warnings: string[];
  /** The key's last four characters (`…abcd`), `…` for a short key, `-` for none. */
  key_tail: string;
  /** USD, from the serving entry's price; null without one. */
  cost_usd: number | null;
  /** Web searches the upstream ran (billed apart from tokens). */
  web_search_requests: number;
}

/** The row of a finished request; `now` is when it finished. */
export function rowOf(
  r: RequestRecord,
  id: string,
  now: number,
  price: Price | undefined,
): LedgerRow {
  const u = r.usage;
  return {
    id,
    time: Math.round(now - r.totalMs),
    caller: r.callerDialect,
    model: r.requestedModel ?? null,
    served_by: r.modelId ?? null,
    upstream: r.upstreamDialect ?? null,
    stream: r.stream,
    status: r.status,
    error_type: errorType(r),
    ttfb_ms: tenths(r.ttfbMs ?? r.totalMs),
    total_ms: tenths(r.totalMs),
    input_tokens: u?.inputTokens ?? 0,
    cache_read_input_tokens: u?.cacheReadTokens ?? 0,
    cache_creation_input_tokens: u?.cacheWriteTokens ?? 0,
    output_tokens: u?.outputTokens ?? 0,
    reasoning_tokens: u?.reasoningTokens ?? 0,
    usage_estimated: r.usageEstimated === true,
    warnings: r.warnings.length ? r.warnings.map(maskKeyShapes) : [],
    key_tail: r.keyTail,
    cost_usd: price ? costOf(u, price) : null,
    web_search_requests: u?.serverToolUse?.webSearchRequests ?? 0,
  };
}

/**
 * The error's kind, from the status: every error the proxy answers carries the status of its
 * kind, and one after a stream began sets the record's status the same way. A stream the
 * caller left keeps its 200 and is "cancelled".
 */
function errorType(r: RequestRecord): string | null {
  if (r.status === 499 || (r.status < 400 && r.error !== undefined)) return "cancelled";
  return r.status >= 400 ? kindOfStatus(r.status) : null;
}

function tenths(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Makes row ids unique across workers and instances: a random prefix and a counter. */
export function rowIds(): () => string {
  const prefix = crypto.randomUUID().slice(0, 8);
  let n = 0;
  return () => `${prefix}-${(n++).toString(36)}`;
}
