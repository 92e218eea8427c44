/**
 * A server for tests/connections_test.ts: `serveConnections` with a connection cap far above the
 * process's descriptor limit, so that accepting fails with EMFILE. Prints its port, then each
 * report line, to stdout.
 */
import { serveConnections } from "../lib/server/serve_connections.ts";

serveConnections({
  hostname: "127.0.0.1",
  port: 0,
  maxConnections: 100_000,
  headerTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
  onListen: ({ port }) => console.log(`port ${port}`),
  onError: () => new Response(null, { status: 500 }),
  log: (text) => console.log(text),
}, () => new Response("ok"));
