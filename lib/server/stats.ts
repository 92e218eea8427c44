/**
 * Usage since start, in total and per model, for `GET /anthropic/v1/stats`, and the Prometheus
 * text for `GET /metrics`. Fed one finished request at a time.
 */
import type { Dialect, Usage } from "../ir/types.ts";

/** What the proxy knows of one finished request (also the source of its log line). */
export interface RequestRecord {
  callerDialect: Dialect | "-";
  method: string;
  path: string;
  modelId?: string;
  upstreamDialect?: Dialect;
  stream: boolean;
  status: number;
  /** Milliseconds from arrival to the first byte sent back. */
  ttfbMs?: number;
  totalMs: number;
  usage?: Usage;
  /** The upstream reported no usage and `usage` is the proxy's own estimate. */
  usageEstimated?: boolean;
  warnings: string[];
  keyTail: string;
  error?: string;
}

interface Totals {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  reasoning_tokens: number;
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

function zero(): Totals {
  return {
    requests: 0,
    errors: 0,
    input_tokens: 0,
    output_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation_input_tokens: 0,
    reasoning_tokens: 0,
  };
}

class Histogram {
  counts = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  sum = 0;
  count = 0;

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= LATENCY_BUCKETS[i]) this.counts[i]++;
    }
  }
}

/** Counters since start. */
export class Stats {
  readonly startedAt = Date.now();
  #total = zero();
  #perModel = new Map<string, Totals>();
  #requestCounts = new Map<string, number>();
  #latency = new Map<string, Histogram>();
  #ttfb = new Map<string, Histogram>();
  inFlight = 0;

  /**
   * Adds one finished request. Every request counts in `proxy_requests_total`; only API calls
   * (POST) count in the usage totals and the latency histograms, so scraping `/metrics` or
   * reading `/stats` does not dilute them.
   */
  record(r: RequestRecord): void {
    const model = r.modelId ?? "-";
    const key = this.#labels(model, r.callerDialect, r.status);
    this.#requestCounts.set(key, (this.#requestCounts.get(key) ?? 0) + 1);
    if (r.method !== "POST") return;
    const isError = r.status >= 400;
    const totals = r.modelId === undefined
      ? [this.#total]
      : [this.#total, this.#modelTotals(model)];
    for (const t of totals) {
      t.requests++;
      if (isError) t.errors++;
      if (r.usage) {
        t.input_tokens += r.usage.inputTokens;
        t.output_tokens += r.usage.outputTokens;
        t.cache_read_input_tokens += r.usage.cacheReadTokens;
        t.cache_creation_input_tokens += r.usage.cacheWriteTokens;
        t.reasoning_tokens += r.usage.reasoningTokens;
      }
    }
    const modelKey = this.#labels(model, r.callerDialect);
    histogram(this.#latency, modelKey).observe(r.totalMs / 1000);
    if (r.ttfbMs !== undefined) histogram(this.#ttfb, modelKey).observe(r.ttfbMs / 1000);
  }

  /** Label sets seen so far, by their values: built (and escaped) once each, not per request. */
  #labelCache = new Map<string, string>();

  #labels(model: string, dialect: string, status?: number): string {
    const id = `${model}\n${dialect}\n${status ?? ""}`;
    let key = this.#labelCache.get(id);
    if (key === undefined) {
      key = labels(
        status === undefined ? { model, dialect } : {
          model,
          dialect,
          status: String(status),
        },
      );
      this.#labelCache.set(id, key);
    }
    return key;
  }

  /** The JSON of `GET /anthropic/v1/stats`. */
  snapshot(): Record<string, unknown> {
    return {
      uptime_seconds: Math.round((Date.now() - this.startedAt) / 1000),
      in_flight: this.inFlight,
      total: { ...this.#total },
      models: Object.fromEntries([...this.#perModel].map(([k, v]) => [k, { ...v }])),
    };
  }

  /** Prometheus text exposition of the counters and histograms. */
  prometheus(): string {
    const lines: string[] = [];
    lines.push("# HELP proxy_requests_total Requests by model, caller dialect and status.");
    lines.push("# TYPE proxy_requests_total counter");
    for (const [key, n] of this.#requestCounts) lines.push(`proxy_requests_total{${key}} ${n}`);
    lines.push("# HELP proxy_tokens_total Tokens by model and kind.");
    lines.push("# TYPE proxy_tokens_total counter");
    for (const [model, t] of this.#perModel) {
      for (
        const kind of [
          "input_tokens",
          "output_tokens",
          "cache_read_input_tokens",
          "cache_creation_input_tokens",
          "reasoning_tokens",
        ] as const
      ) {
        lines.push(`proxy_tokens_total{${labels({ model, kind })}} ${t[kind]}`);
      }
    }
    writeHistograms(lines, "proxy_request_duration_seconds", "Request duration.", this.#latency);
    writeHistograms(lines, "proxy_time_to_first_byte_seconds", "Time to first byte.", this.#ttfb);
    lines.push("# HELP proxy_in_flight_requests Requests being served now.");
    lines.push("# TYPE proxy_in_flight_requests gauge");
    lines.push(`proxy_in_flight_requests ${this.inFlight}`);
    return lines.join("\n") + "\n";
  }

  #modelTotals(model: string): Totals {
    let t = this.#perModel.get(model);
    if (!t) this.#perModel.set(model, t = zero());
    return t;
  }
}

function histogram(map: Map<string, Histogram>, key: string): Histogram {
  let h = map.get(key);
  if (!h) map.set(key, h = new Histogram());
  return h;
}

function writeHistograms(
  lines: string[],
  name: string,
  help: string,
  map: Map<string, Histogram>,
): void {
  lines.push(`# HELP ${name} ${help}`);
  lines.push(`# TYPE ${name} histogram`);
  for (const [key, h] of map) {
    LATENCY_BUCKETS.forEach((le, i) =>
      lines.push(`${name}_bucket{${key},le="${le}"} ${h.counts[i]}`)
    );
    lines.push(`${name}_bucket{${key},le="+Inf"} ${h.count}`);
    lines.push(`${name}_sum{${key}} ${h.sum}`);
    lines.push(`${name}_count{${key}} ${h.count}`);
  }
}

function labels(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}="${v.replace(/[\\"]/g, "\\$&").replace(/\n/g, "\\n")}"`)
    .join(",");
}
