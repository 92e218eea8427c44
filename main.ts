/**
 * Entry point: `deno task start [--port N] [--host H] [--models F] [--config F] [--log-level L]`.
 * The only module with side effects. Also `export default { fetch }` for `deno serve --parallel`,
 * which then reads its settings from the environment and the config files alone.
 */
import { ConfigError } from "./lib/config/config_error.ts";
import { loadModels, type ModelRegistry } from "./lib/config/models.ts";
import { loadSettings, type Settings } from "./lib/config/settings.ts";
import { createHandler } from "./lib/server/app.ts";
import { randomId, type ServerDeps } from "./lib/server/exchange.ts";
import { createLogger } from "./lib/server/log.ts";
import { Stats } from "./lib/server/stats.ts";
import type { Ledger } from "./lib/ledger/ledger.ts";
import { openLedger } from "./lib/ledger/open_ledger.ts";

const env = (name: string) => Deno.env.get(name);

/** Reads settings and models and opens the log; one line and a non-zero exit when any fails. */
async function load(args: string[]): Promise<ServerDeps> {
  try {
    const settings = await loadSettings(args, env);
    const models = await loadModels(settings.modelsFile, env);
    return await deps(settings, models);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `Start-up failed: ${error}`;
    console.error(message);
    Deno.exit(1);
  }
}

async function deps(settings: Settings, models: ModelRegistry): Promise<ServerDeps> {
  const logger = createLogger({
    level: settings.logLevel,
    format: settings.logFormat,
    filePath: settings.logFilePath,
  });
  const ledger = await openLedger(settings, models, logger);
  closeOnSignal(ledger);
  return {
    settings,
    models,
    stats: new Stats(ledger),
    logger,
    newId: randomId,
    now: () => Date.now(),
  };
}

/** On Ctrl-C or SIGTERM, rows still held are written before the process ends. */
function closeOnSignal(ledger: Ledger): void {
  const close = () => {
    setTimeout(() => Deno.exit(0), 3000);
    ledger.close().catch(() => {}).finally(() => Deno.exit(0));
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

/** The `fetch` that `deno serve --parallel` calls: each worker loads the configuration once. */
const served = {
  async fetch(request: Request): Promise<Response> {
    handler ??= load([]).then(createHandler);
    return (await handler)(request);
  },
};

/** Exported only where it is served, so `deno run main.ts` does not warn about it. */
export default !import.meta.main || underDenoServe() ? served : {};

if (import.meta.main && !underDenoServe()) {
  const loaded = await load(Deno.args);
  const { settings, models } = loaded;
  const serveHandler = createHandler(loaded);
  Deno.serve({
    hostname: settings.host,
    port: settings.port,
    onListen: ({ hostname, port }) => {
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      const count = models.entries.length;
      console.error(
        `Listening on http://${host}:${port}, serving ${count} model${count === 1 ? "" : "s"}`,
      );
    },
    onError: (error) => {
      console.error(`Unexpected server error: ${error}`);
      return new Response(null, { status: 500 });
    },
  }, serveHandler);
}
