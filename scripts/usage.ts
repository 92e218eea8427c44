/**
 * `deno task usage [--since 7d] [--by model|day] [--config config.json]`: the ledger's totals
 * per model or per day (in this machine's time zone) as a table in the terminal. Reads the
 * ledger config.json names, the same one the running proxy writes to.
 */
import { ConfigError } from "../lib/config/config_error.ts";
import { redactUrl } from "../lib/config/ledger_setting.ts";
import { loadSettings } from "../lib/config/settings.ts";
import { groupUsage } from "../lib/ledger/group_usage.ts";
import { PostgresStore } from "../lib/ledger/postgres_store.ts";
import { SqliteStore } from "../lib/ledger/sqlite_store.ts";
import type { LedgerStore } from "../lib/ledger/store.ts";
import { hourOf } from "../lib/ledger/tally.ts";
import { parseUsageArgs, usageTable } from "../lib/ledger/usage_table.ts";

async function main(): Promise<number> {
  let args;
  try {
    args = parseUsageArgs(Deno.args, Date.now());
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const settings = await loadSettings(
    args.config ? ["--config", args.config] : [],
    (name) => Deno.env.get(name),
  );
  const setting = settings.ledger;
  let store: LedgerStore;
  let where: string;
  switch (setting.kind) {
    case "off":
      console.error(`${settings.configFile} sets "ledger": false: nothing is recorded`);
      return 1;
    case "postgres":
      store = new PostgresStore(setting.url);
      where = redactUrl(setting.url);
      break;
    case "sqlite":
      try {
        await Deno.stat(setting.path);
      } catch {
        console.error(`No ledger at ${setting.path} yet: the proxy writes it once it serves`);
        return 1;
      }
      store = new SqliteStore(setting.path);
      where = setting.path;
      break;
  }
  try {
    await store.open();
    const cells = await store.hours(hourOf(args.since), Number.MAX_SAFE_INTEGER);
    const tz = -new Date().getTimezoneOffset();
    const { groups, total } = groupUsage(cells, [args.by], tz);
    const since = args.since ? `since ${new Date(args.since).toLocaleString()}` : "all kept";
    console.log(`Usage ${since}, by ${args.by} (${where})\n`);
    console.log(usageTable(groups, total, args.by));
    return 0;
  } finally {
    await store.close();
  }
}

try {
  Deno.exit(await main());
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `usage failed: ${error}`);
  Deno.exit(1);
}
