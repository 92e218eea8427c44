/**
 * One request being served: what the handlers share (settings, models, counters), the record
 * that becomes its log line and stats entry, and the rendering of errors in the caller's dialect.
 */
import type { ModelRegistry } from "../config/model_registry.ts";
import type { Settings } from "../config/settings.ts";
import type { BodyLimits } from "./body.ts";
import { invalidRequest, ProxyError } from "../errors.ts";
import type { Dialect } from "../ir/types.ts";
import { countWarnings } from "../ir/warning_tally.ts";
import { CODECS } from "../dialects.ts";
import type { Logger } from "./log.ts";
import type { RequestRecord, Stats } from "./stats.ts";

/** What every handler may use. */
export interface ServerDeps {
  settings: Settings;
  models: ModelRegistry;
  stats: Stats;
  logger: Logger;
  /** Makes ids such as `msg_…`; replaceable in tests. */
  newId: (prefix: string) => string;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Most API requests (POST) served at once; beyond it, a 503 (undefined: no cap). */
  maxInFlight?: number;
  /** Calls the upstreams (the global `fetch`; a fake one in tests and benchmarks). */
  fetch: typeof fetch;
}

/** One request in flight. */
export interface Exchange {
  deps: ServerDeps;
  http: Request;
  url: URL;
  caller: Dialect;
  record: RequestRecord;
  /** Start time, from `performance.now()`. */
  started: number;
  /** The caller's key, when it sent one (never logged). */
  key?: string;
  /** Set by handlers whose response body keeps running: they call `finish` themselves. */
  deferred: boolean;
  /** Logs and counts the request; safe to call more than once. */
  finish: () => void;
}

/** A JSON response. */
export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** How much of a request body may arrive, and how soon. */
export function bodyLimits(ex: Exchange): BodyLimits {
  const { settings } = ex.deps;
  return {
    maxBytes: settings.maxRequestBytes,
    timeoutMs: settings.clientBodyTimeoutSeconds * 1000,
  };
}

/** The request's deadline for its upstream calls, when `total_timeout_seconds` sets one. */
export function upstreamDeadline(ex: Exchange): { at: number; seconds: number } | undefined {
  const seconds = ex.deps.settings.totalTimeoutSeconds;
  return seconds > 0 ? { at: ex.started + seconds * 1000, seconds } : undefined;
}

/**
 * An error in the caller's envelope, with its status and any Retry-After. A 408 also closes the
 * connection (the caller stopped sending its body midway; what is left of it is never read).
 */
export function errorResponse(dialect: Dialect, error: ProxyError): Response {
  const headers: Record<string, string> = {};
  if (error.retryAfter) headers["retry-after"] = error.retryAfter;
  if (error.status === 408) headers.connection = "close";
  const status = error.status >= 400 && error.status <= 599 ? error.status : 500;
  return jsonResponse(CODECS[dialect].errorBody(error), status, headers);
}

/** The `x-proxy-warnings` header value: what a conversion had to drop, counted by kind. */
export function warningsHeader(warnings: readonly string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  const value = countWarnings(warnings).map((w) => w.replace(/[\r\n]+/g, " ")).join("; ");
  return { "x-proxy-warnings": encodeHeaderValue(value.slice(0, 4000)) };
}

/** Header values must be ByteStrings: anything outside printable ASCII is percent-encoded. */
function encodeHeaderValue(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));
}

/** Random ids for messages and calls (`msg_…`, `call_…`). */
export function randomId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  let text = "";
  for (const b of bytes) text += (b % 36).toString(36);
  const sep = prefix.endsWith("-") || prefix.endsWith("_") ? "" : "_";
  return prefix + sep + text + Date.now().toString(36);
}

/**
 * Runs a conversion of the caller's request. Codecs reject bad input with a ProxyError; anything
 * else they throw (a stack overflow on hostile nesting, a bug) is still caused by this request's
 * content, so the caller gets a 400, never a 500 that clients such as opencode retry forever.
 * The unexpected failure is logged as an error so the bug is seen.
 */
export function guardConversion<T>(ex: Exchange, what: string, convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof ProxyError) throw error;
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    ex.deps.logger.message("error", `${what} failed unexpectedly: ${detail.slice(0, 300)}`);
    throw invalidRequest(`${what} failed: the request could not be read`);
  }
}
