/**
 * The ledger's figures as `GET /anthropic/v1/stats` JSON and `GET /metrics` Prometheus text.
 * Both read the all-time counters, so they agree with each other and with every worker.
 */
import type { LedgerView } from "./ledger.ts";
import {
  addTally,
  type Counter,
  emptyTally,
  LATENCY_BUCKETS,
  mergeCounter,
  type Tally,
} from "./tally.ts";

/** The JSON of `GET /anthropic/v1/stats`. */
export function statsJson(
  view: LedgerView,
  extra: { uptimeSeconds: number; ledger: string },
): Record<string, unknown> {
  const total = emptyTally();
  const models = new Map<string, Tally>();
  for (const c of view.counters) {
    addTally(total, c);
    if (c.model === "-") continue;
    let t = models.get(c.model);
    if (!t) models.set(c.model, t = emptyTally());
    addTally(t, c);
  }
  return {
    uptime_seconds: extra.uptimeSeconds,
    in_flight: view.inFlight,
    ledger: extra.ledger,
    total: statsTally(total),
    models: Object.fromEntries(
      [...models].sort(([a], [b]) => a < b ? -1 : 1).map((
        [model, t],
      ) => [model, statsTally(t)]),
    ),
  };
}

function statsTally(t: Tally): Record<string, number> {
  return {
    requests: t.requests,
    errors: t.errors,
    input_tokens: t.input_tokens,
    output_tokens: t.output_tokens,
    cache_read_input_tokens: t.cache_read_input_tokens,
    cache_creation_input_tokens: t.cache_creation_input_tokens,
    reasoning_tokens: t.reasoning_tokens,
    web_search_requests: t.web_search_requests,
    cost_usd: roundUsd(t.cost_usd),
  };
}

/** Dollars to a millionth of a cent: float sums carry noise below that. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}

const TOKEN_KINDS = [
  "input_tokens",
  "output_tokens",
  "cache_read_input_tokens",
  "cache_creation_input_tokens",
  "reasoning_tokens",
] as const;

/** Prometheus text exposition. */
export function prometheusText(view: LedgerView): string {
  const lines: string[] = [];
  const counters = [...view.counters].sort(byKey);
  lines.push("# HELP proxy_requests_total API requests by model, caller dialect and status.");
  lines.push("# TYPE proxy_requests_total counter");
  for (const c of counters) {
    const l = labels({ model: c.model, dialect: c.caller, status: String(c.status) });
    lines.push(`proxy_requests_total{${l}} ${c.requests}`);
  }
  const perModel = new Map<string, Tally>();
  for (const c of counters) {
    if (c.model === "-") continue;
    let t = perModel.get(c.model);
    if (!t) perModel.set(c.model, t = emptyTally());
    addTally(t, c);
  }
  lines.push("# HELP proxy_tokens_total Tokens by model and kind.");
  lines.push("# TYPE proxy_tokens_total counter");
  for (const [model, t] of perModel) {
    for (const kind of TOKEN_KINDS) {
      lines.push(`proxy_tokens_total{${labels({ model, kind })}} ${t[kind]}`);
    }
  }
  lines.push("# HELP proxy_cost_usd_total Cost in USD by model, from models.yaml prices.");
  lines.push("# TYPE proxy_cost_usd_total counter");
  for (const [model, t] of perModel) {
    lines.push(`proxy_cost_usd_total{${labels({ model })}} ${roundUsd(t.cost_usd)}`);
  }
  lines.push("# HELP proxy_web_search_requests_total Web searches upstreams ran, by model.");
  lines.push("# TYPE proxy_web_search_requests_total counter");
  for (const [model, t] of perModel) {
    lines.push(`proxy_web_search_requests_total{${labels({ model })}} ${t.web_search_requests}`);
  }
  const histograms = byModelAndCaller(counters);
  writeHistograms(lines, "proxy_request_duration_seconds", "Request duration.", histograms, "lat");
  writeHistograms(
    lines,
    "proxy_time_to_first_byte_seconds",
    "Time to first byte.",
    histograms,
    "ttfb",
  );
  gauge(lines, "proxy_in_flight_requests", "Requests being served now.", view.inFlight);
  lines.push(
    "# HELP proxy_ledger_dropped_total Ledger rows lost: the ledger failed and the buffer was full.",
  );
  lines.push("# TYPE proxy_ledger_dropped_total counter");
  lines.push(`proxy_ledger_dropped_total ${view.dropped}`);
  gauge(
    lines,
    "proxy_ledger_pending_rows",
    "Ledger rows held in memory, not written yet.",
    view.pending,
  );
  return lines.join("\n") + "\n";
}

function gauge(lines: string[], name: string, help: string, value: number): void {
  lines.push(`# HELP ${name} ${help}`);
  lines.push(`# TYPE ${name} gauge`);
  lines.push(`${name} ${value}`);
}

/** Histograms are by model and caller: counters of every status merged. */
function byModelAndCaller(counters: readonly Counter[]): Counter[] {
  const out = new Map<string, Counter>();
  for (const c of counters) {
    const key = `${c.model}\n${c.caller}`;
    const into = out.get(key);
    if (into) mergeCounter(into, c);
    else out.set(key, { ...c, lat: [...c.lat], ttfb: [...c.ttfb] });
  }
  return [...out.values()];
}

function writeHistograms(
  lines: string[],
  name: string,
  help: string,
  counters: readonly Counter[],
  which: "lat" | "ttfb",
): void {
  lines.push(`# HELP ${name} ${help}`);
  lines.push(`# TYPE ${name} histogram`);
  for (const c of counters) {
    const key = labels({ model: c.model, dialect: c.caller });
    let cumulative = 0;
    LATENCY_BUCKETS.forEach((le, i) => {
      cumulative += c[which][i];
      lines.push(`${name}_bucket{${key},le="${le}"} ${cumulative}`);
    });
    lines.push(`${name}_bucket{${key},le="+Inf"} ${c.requests}`);
    lines.push(`${name}_sum{${key}} ${c[which === "lat" ? "lat_sum" : "ttfb_sum"]}`);
    lines.push(`${name}_count{${key}} ${c.requests}`);
  }
}

function byKey(a: Counter, b: Counter): number {
  return a.model < b.model
    ? -1
    : a.model > b.model
    ? 1
    : a.caller < b.caller
    ? -1
    : a.caller > b.caller
    ? 1
    : a.status - b.status;
}

function labels(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}="${v.replace(/[\\"]/g, "\\$&").replace(/\n/g, "\\n")}"`)
    .join(",");
}
