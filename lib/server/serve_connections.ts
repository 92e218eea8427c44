/**
 * The HTTP server of `deno task start`: Deno's own HTTP implementation, with the connection
 * handling `Deno.serve` lacks. `Deno.serve` (Deno 2.9) accepts in a loop of its own that ends
 * the process at the first accept error (EMFILE), keeps any number of connections, and has no
 * timeout for a connection that never sends its headers or sits idle between requests. Here
 * the proxy accepts connections itself (`Deno.listen`), so an accept error is logged and
 * retried, the number of open connections is capped (at the cap the connection idle longest
 * makes room), and connections without a request in flight are closed after a header or idle
 * timeout; each connection is then served by the runtime's `serveHttpOnConnection`, the same
 * HTTP code `Deno.serve` runs for its own connections. That function is internal to Deno
 * (`Deno[Deno.internal]`): where a runtime lacks it, `Deno.serve` serves as before.
 */

import { setUpSignalsEarly } from "./descriptor_limit.ts";

/** What `serveConnections` needs. */
export interface ConnectionOptions {
  hostname: string;
  port: number;
  /** Most connections open at once. */
  maxConnections: number;
  /** A new connection must have sent a whole request head within this. */
  headerTimeoutMs: number;
  /** A connection with no request in flight is closed after this. */
  idleTimeoutMs: number;
  onListen: (addr: Deno.NetAddr, limited: boolean) => void;
  onError: (error: unknown) => Response | Promise<Response>;
  /** Reports accept failures and refused connections (rate-limited here). */
  log: (text: string) => void;
}

/** A running server. */
export interface ConnectionServer {
  addr: Deno.NetAddr;
  /** Connections open now. */
  readonly open: number;
  shutdown(): Promise<void>;
}

type Handler = (request: Request) => Response | Promise<Response>;

interface ServeInfo {
  completed: Promise<void>;
}

type ServeOnConnection = (
  conn: Deno.Conn,
  signal: AbortSignal,
  handler: (request: Request, info: ServeInfo) => Response | Promise<Response>,
  onError: (error: unknown) => Response | Promise<Response>,
  onListen: () => void,
) => { finished: Promise<void> };

interface Connection {
  /** Requests being answered on it. */
  active: number;
  /** When it last became idle (accepted, or its last answer sent). */
  idleSince: number;
  /** No request has arrived on it yet. */
  fresh: boolean;
  close: AbortController;
}

/** The runtime's per-connection HTTP server, if this Deno has it. */
function serveOnConnection(): ServeOnConnection | undefined {
  const deno = Deno as unknown as Record<symbol, Record<string, unknown> | undefined>;
  const internal = (Deno as unknown as { internal?: symbol }).internal;
  const fn = internal === undefined ? undefined : deno[internal]?.serveHttpOnConnection;
  return typeof fn === "function" ? fn as ServeOnConnection : undefined;
}

/** How long an answer that says `connection: close` has to go out before the close. */
const CLOSE_AFTER_MS = 1000;

/**
 * True while the proxy closes a connection. The runtime closes it from an abort listener, which
 * throws BadResource when the caller closed the connection at the same moment (its descriptor
 * is already gone); an exception in a listener is reported as uncaught and would end the
 * process, so that one is swallowed (see `swallowCloseRaces`).
 */
let closing = false;

/** Keeps a close that raced the caller's own close from ending the process. */
function swallowCloseRaces(): void {
  globalThis.addEventListener("error", (event) => {
    if (closing && event.error instanceof Deno.errors.BadResource) event.preventDefault();
  });
}

/** Pause after a failed accept, so a full descriptor table does not become a busy loop. */
const ACCEPT_BACKOFF_MS = 50;
/** At most one log line per this long about failed accepts or refused connections. */
const REPORT_EVERY_MS = 10_000;

/** Serves `handler` on hostname:port with the limits above. */
export function serveConnections(options: ConnectionOptions, handler: Handler): ConnectionServer {
  const serveOn = serveOnConnection();
  if (!serveOn) return fallback(options, handler);
  swallowCloseRaces();
  setUpSignalsEarly();
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const pool = new ConnectionPool(serveOn, options, handler);
  const report = reporter(options.log);
  let closed = false;
  (async () => {
    while (!closed) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closed || error instanceof Deno.errors.BadResource) return;
        // Out of descriptors: an idle connection gives one back, then the accept is retried.
        pool.evictIdle();
        report("accept", `Accepting a connection failed: ${(error as Error).message}`, pool.size);
        await new Promise((resolve) => setTimeout(resolve, ACCEPT_BACKOFF_MS));
        continue;
      }
      if (!pool.admit(conn)) {
        report("refused", "Refused a connection: every open one is answering a request", pool.size);
      }
    }
  })();
  options.onListen(listener.addr as Deno.NetAddr, true);
  return {
    addr: listener.addr as Deno.NetAddr,
    get open() {
      return pool.size;
    },
    shutdown() {
      closed = true;
      listener.close();
      pool.closeAll();
      return Promise.resolve();
    },
  };
}

/** The open connections: admitted up to the cap, swept by their header and idle timeouts. */
class ConnectionPool {
  #connections = new Set<Connection>();
  #serveOn: ServeOnConnection;
  #options: ConnectionOptions;
  #handler: Handler;
  #sweep: ReturnType<typeof setInterval>;

  constructor(serveOn: ServeOnConnection, options: ConnectionOptions, handler: Handler) {
    this.#serveOn = serveOn;
    this.#options = options;
    this.#handler = handler;
    const every = Math.min(1000, options.headerTimeoutMs / 4, options.idleTimeoutMs / 4);
    this.#sweep = setInterval(() => this.#closeExpired(), Math.max(10, every));
    Deno.unrefTimer(this.#sweep);
  }

  get size(): number {
    return this.#connections.size;
  }

  /** Serves a new connection, making room at the cap; false when there was none to make. */
  admit(conn: Deno.Conn): boolean {
    if (this.#connections.size >= this.#options.maxConnections && !this.evictIdle()) {
      conn.close();
      return false;
    }
    const c: Connection = {
      active: 0,
      idleSince: performance.now(),
      fresh: true,
      close: new AbortController(),
    };
    this.#connections.add(c);
    const idle = () => {
      c.active--;
      c.idleSince = performance.now();
    };
    const closeIt = () => this.#close(c);
    const served = this.#serveOn(
      conn,
      c.close.signal,
      async (request, info) => {
        c.active++;
        c.fresh = false;
        info.completed.then(idle, idle);
        const response = await this.#handler(request);
        // An answer that says close, closes. The runtime does so itself once the answer is out,
        // unless it is still reading what is left of the body; a caller trickling that would
        // hold the connection for good, so it is closed here a moment later if still open.
        if (response.headers.get("connection") === "close") {
          info.completed.then(() => setTimeout(closeIt, CLOSE_AFTER_MS), closeIt);
        }
        return response;
      },
      this.#options.onError,
      () => {},
    );
    served.finished.catch(() => {}).finally(() => this.#connections.delete(c));
    return true;
  }

  /** Closes the connection idle longest, if any is idle; true when one was closed. */
  evictIdle(): boolean {
    let oldest: Connection | undefined;
    for (const c of this.#connections) {
      if (c.active === 0 && (!oldest || c.idleSince < oldest.idleSince)) oldest = c;
    }
    if (oldest) this.#close(oldest);
    return oldest !== undefined;
  }

  closeAll(): void {
    clearInterval(this.#sweep);
    for (const c of [...this.#connections]) this.#close(c);
  }

  #closeExpired(): void {
    const now = performance.now();
    for (const c of this.#connections) {
      const limit = c.fresh ? this.#options.headerTimeoutMs : this.#options.idleTimeoutMs;
      if (c.active === 0 && now - c.idleSince >= limit) this.#close(c);
    }
  }

  #close(c: Connection): void {
    if (!this.#connections.delete(c)) return;
    closing = true;
    try {
      c.close.abort();
    } finally {
      closing = false;
    }
  }
}

/** `Deno.serve`, for a runtime without the per-connection server: no limits of our own. */
function fallback(options: ConnectionOptions, handler: Handler): ConnectionServer {
  const server = Deno.serve({
    hostname: options.hostname,
    port: options.port,
    onListen: (addr) => options.onListen(addr, false),
    onError: options.onError,
  }, handler);
  return { addr: server.addr, open: 0, shutdown: () => server.shutdown() };
}

/**
 * Logs the first event of a kind at once, then the count of those that followed at most once
 * per `REPORT_EVERY_MS`: a full descriptor table fails every accept, and a line for each would
 * flood the log.
 */
function reporter(log: (text: string) => void) {
  const last = new Map<string, { at: number; since: number }>();
  return (kind: string, text: string, open: number) => {
    const now = performance.now();
    const seen = last.get(kind);
    if (seen && now - seen.at < REPORT_EVERY_MS) {
      seen.since++;
      return;
    }
    const more = seen && seen.since > 0 ? ` (and ${seen.since} more since the last report)` : "";
    log(`${text}; ${open} connections open${more}`);
    last.set(kind, { at: now, since: 0 });
  };
}
