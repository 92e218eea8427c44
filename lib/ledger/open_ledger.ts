/**
 * The ledger the settings ask for. A SQLite file that cannot be opened stops start-up with the
 * reason (a permission flag, a missing folder); a PostgreSQL server that cannot be reached does
 * not: requests are served, rows are held, and the schema is made once it answers.
 */
import { ConfigError } from "../config/config_error.ts";
import type { ModelRegistry } from "../config/model_registry.ts";
import type { Settings } from "../config/settings.ts";
import type { Logger } from "../server/log.ts";
import { Ledger } from "./ledger.ts";
import { MemoryStore } from "./memory_store.ts";
import { PostgresStore } from "./postgres_store.ts";
import { SqliteStore } from "./sqlite_store.ts";
import type { LedgerStore } from "./store.ts";

/** Opens the configured ledger (`ledger_days` applied at once). */
export async function openLedger(
  settings: Pick<Settings, "ledger" | "ledgerDays" | "configFile">,
  models: ModelRegistry,
  logger: Logger,
): Promise<Ledger> {
  const setting = settings.ledger;
  const secret = setting.kind === "postgres" ? passwordOf(setting.url) : undefined;
  const describe = (error: unknown) => {
    const text = error instanceof Error ? error.message : String(error);
    return secret ? text.replaceAll(secret, "***") : text;
  };
  const store = storeFor(settings);
  const ledger = new Ledger({
    store,
    price: (modelId) => models.get(modelId)?.price,
    logger,
    days: settings.ledgerDays,
    describe,
  });
  try {
    await ledger.open();
  } catch (error) {
    if (setting.kind !== "postgres") {
      await ledger.close().catch(() => {});
      throw new ConfigError(`Cannot open the ledger "${storeName(settings)}": ${describe(error)}`);
    }
    logger.message(
      "error",
      `Ledger: cannot reach PostgreSQL (${describe(error)}); ` +
        "serving anyway, holding rows until it answers",
    );
  }
  return ledger;
}

function storeFor(settings: Pick<Settings, "ledger" | "configFile">): LedgerStore {
  const setting = settings.ledger;
  switch (setting.kind) {
    case "off":
      return new MemoryStore();
    case "postgres":
      return new PostgresStore(setting.url);
    case "sqlite":
      try {
        return new SqliteStore(setting.path);
      } catch (error) {
        const denied = error instanceof Deno.errors.NotCapable ||
          error instanceof Deno.errors.PermissionDenied;
        const hint = denied
          ? ` (run with --allow-write=${setting.path}, or set "ledger": false in ${settings.configFile})`
          : "";
        throw new ConfigError(
          `Cannot open the ledger "${setting.path}": ${(error as Error).message}${hint}`,
        );
      }
  }
}

function storeName(settings: Pick<Settings, "ledger">): string {
  return settings.ledger.kind === "sqlite" ? settings.ledger.path : settings.ledger.kind;
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
