/**
 * What the proxy counts of each finished request, and `GET /anthropic/v1/stats` and
 * `GET /metrics` over it. The figures live in the usage ledger (lib/ledger/): a SQLite file or
 * a PostgreSQL database shared by every worker and instance, or, with `ledger: false`, this
 * process's memory.
 */
import type { Dialect, Usage } from "../ir/types.ts";
import { Ledger } from "../ledger/ledger.ts";
import { MemoryStore } from "../ledger/memory_store.ts";
import { prometheusText, statsJson } from "../ledger/report.ts";

/** What the proxy knows of one finished request (also the source of its log line). */
export interface RequestRecord {
  callerDialect: Dialect | "-";
  method: string;
  path: string;
  /** The model name the caller sent. */
  requestedModel?: string;
  /** The models.yaml entry that served it. */
  modelId?: string;
  /** For a request sent to a router: the router and the rule that picked the entry (`r#2`). */
  route?: string;
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

/** The counters of the running proxy, kept in its ledger. */
export class Stats {
  readonly startedAt = Date.now();
  readonly ledger: Ledger;

  /** Without a ledger: this process's memory, as with `ledger: false`. */
  constructor(ledger?: Ledger) {
    this.ledger = ledger ?? new Ledger({ store: new MemoryStore() });
  }

  /** Requests this worker is serving now. */
  get inFlight(): number {
    return this.ledger.inFlight;
  }

  set inFlight(n: number) {
    this.ledger.inFlight = n;
  }

  /**
   * Adds one finished request: every API call (POST), and any request that failed (a refused
   * Host or Origin, an unknown path), so that scraping `/metrics`, reading `/stats` or watching
   * the dashboard does not dilute the figures while nothing refused goes unseen.
   */
  record(r: RequestRecord): void {
    if (r.method === "POST" || r.status >= 400) this.ledger.add(r);
  }

  /** The JSON of `GET /anthropic/v1/stats`. */
  async snapshot(): Promise<Record<string, unknown>> {
    return statsJson(await this.ledger.view(), {
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
      ledger: this.ledger.store.kind === "memory" ? "off" : this.ledger.store.kind,
    });
  }

  /** Prometheus text exposition. */
  async prometheus(): Promise<string> {
    return prometheusText(await this.ledger.view());
  }
}
