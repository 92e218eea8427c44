/**
 * Entry point: `deno task start [--port N] [--host H] [--models F] [--config F] [--log-level L]`.
 * The only module with side effects. Also `export default { fetch }` for `deno serve --parallel`,
 * which then reads its settings from the environment and the config files alone.
 */
import { ConfigError } from "./lib/config/config_error.ts";
import type { ModelRegistry } from "./lib/config/model_registry.ts";
import { loadModels } from "./lib/config/models.ts";
import { loadSettings, type Settings } from "./lib/config/settings.ts";
import { createHandler } from "./lib/server/app.ts";
import {
  countDescriptors,
  describeDescriptors,
  descriptorBudget,
} from "./lib/server/descriptor_limit.ts";
import { randomId, type ServerDeps } from "./lib/server/exchange.ts";
import { createLogger, type Logger } from "./lib/server/log.ts";
import { serveConnections } from "./lib/server/serve_connections.ts";
import { Stats } from "./lib/server/stats.ts";
import type { Ledger } from "./lib/ledger/ledger.ts";
import { openLedger } from "./lib/ledger/open_ledger.ts";

const env = (name: string) => Deno.env.get(name);

/**
 * Reads settings and models and opens the log; one line and a non-zero exit when any fails.
 * `maxInFlight` is this process's share of the descriptor budget (none under `deno serve`).
 */
async function load(args: string[], maxInFlight?: number): Promise<ServerDeps> {
  try {
    const settings = await loadSettings(args, env);
    const models = await loadModels(settings.modelsFile, env);
    return await deps(settings, models, maxInFlight);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `Start-up failed: ${error}`;
    console.error(message);
    Deno.exit(1);
  }
}

async function deps(
  settings: Settings,
  models: ModelRegistry,
  maxInFlight?: number,
): Promise<ServerDeps> {
  const logger = createLogger({
    level: settings.logLevel,
    format: settings.logFormat,
    filePath: settings.logFilePath,
  });
  const ledger = await openLedger(settings, models, logger);
  closeOnSignal(ledger, logger);
  return {
    settings,
    models,
    stats: new Stats(ledger),
    logger,
    newId: randomId,
    now: () => Date.now(),
    maxInFlight,
    fetch: globalThis.fetch,
  };
}

/**
 * On Ctrl-C or SIGTERM, rows still held are written, and log lines still queued, before the
 * process ends.
 */
function closeOnSignal(ledger: Ledger, logger: Logger): void {
  const close = () => {
    setTimeout(() => Deno.exit(0), 3000);
    ledger.close().catch(() => {}).then(() => logger.flush()).finally(() => Deno.exit(0));
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(signal, close);
    } catch {
      // a platform without this signal
    }
  }
}

/**
 * `deno serve` also runs this module as the main one and then serves the default export itself;
 * Deno offers no API that tells the two apart, so `deno task serve` sets `DENO_SERVE=1`.
 */
function underDenoServe(): boolean {
  return Deno.env.get("DENO_SERVE") === "1";
}

let handler: Promise<(request: Request) => Promise<Response>> | undefined;

/**
 * The `fetch` that `deno serve --parallel` calls: each worker loads the configuration once.
 * Deno's own server accepts the connections there, so none of the connection limits apply, and
 * the workers (threads of one process, serving already) cannot count free descriptors safely.
 */
const served = {
  async fetch(request: Request): Promise<Response> {
    handler ??= load([]).then(createHandler);
    return (await handler)(request);
  },
};

/** Exported only where it is served, so `deno run main.ts` does not warn about it. */
export default !import.meta.main || underDenoServe() ? served : {};

if (import.meta.main && !underDenoServe()) {
  const descriptors = countDescriptors();
  const budget = descriptorBudget(descriptors);
  const loaded = await load(Deno.args, budget.requests);
  const { settings, models, logger } = loaded;
  serveConnections({
    hostname: settings.host,
    port: settings.port,
    maxConnections: budget.connections,
    headerTimeoutMs: settings.clientHeaderTimeoutSeconds * 1000,
    idleTimeoutMs: settings.keepaliveTimeoutSeconds * 1000,
    onListen: ({ hostname, port }, limited) => {
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      const count = models.entries.length;
      const routers = models.routers.length;
      const routing = routers ? ` and ${routers} router${routers === 1 ? "" : "s"}` : "";
      const connections = limited
        ? `at most ${budget.connections} connections`
        : "connections not limited (this Deno lacks serveHttpOnConnection)";
      console.error(
        `Listening on http://${host}:${port}, serving ${count} model${count === 1 ? "" : "s"}` +
          `${routing}; ` +
          `open-file limit raised to the hard limit, ${describeDescriptors(descriptors)}, ` +
          connections,
      );
    },
    onError: (error) => {
      logger.message("error", `Unexpected server error: ${error}`);
      return new Response(null, { status: 500 });
    },
    log: (text) => logger.message("warning", text),
  }, createHandler(loaded));
}
