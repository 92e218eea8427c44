/**
 * The config.json keys of the usage ledger: `ledger` (where rows go), `ledger_days` (how long
 * they are kept) and `admin_token` (what the dashboard and `/api/*` need beyond loopback).
 */
import { ConfigError } from "./config_error.ts";

/** Where the ledger lives, resolved. */
export type LedgerSetting =
  | { kind: "sqlite"; path: string }
  | { kind: "postgres"; url: string }
  | { kind: "off" };

/** The file name used when `ledger` is not set, beside config.json. */
export const DEFAULT_LEDGER_FILE = "usage.sqlite";
const DEFAULT_LEDGER_DAYS = 90;
const MIN_TOKEN_LENGTH = 16;

/** `ledger`: absent → `usage.sqlite` beside config.json; `false` → off; a URL → PostgreSQL. */
export function resolveLedger(value: unknown, configFile: string): LedgerSetting {
  if (value === undefined || value === null || value === true) {
    return { kind: "sqlite", path: besideConfig(DEFAULT_LEDGER_FILE, configFile) };
  }
  if (value === false) return { kind: "off" };
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigError(
      `${configFile}: "ledger" must be false, a file path or a postgres:// URL`,
    );
  }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      if (!url.hostname) throw new Error();
    } catch {
      // The URL may hold a password: never echoed.
      throw new ConfigError(`${configFile}: "ledger" is not a valid postgres:// URL`);
    }
    return { kind: "postgres", url: value };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new ConfigError(
      `${configFile}: "ledger" must be a file path or a postgres:// URL, not another kind of URL`,
    );
  }
  return { kind: "sqlite", path: besideConfig(value, configFile) };
}

/** `ledger_days`: a whole number of days, at least one. */
export function resolveLedgerDays(value: unknown, configFile: string): number {
  if (value === undefined || value === null) return DEFAULT_LEDGER_DAYS;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 100_000) {
    throw new ConfigError(`${configFile}: "ledger_days" must be a whole number of days from 1`);
  }
  return value;
}

/** `admin_token`: long enough that guessing it over the network is hopeless. */
export function resolveAdminToken(value: unknown, configFile: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.length < MIN_TOKEN_LENGTH || /\s|;|,/.test(value)) {
    throw new ConfigError(
      `${configFile}: "admin_token" must be a string of at least ${MIN_TOKEN_LENGTH} characters without spaces, commas or semicolons`,
    );
  }
  return value;
}

/** A relative path is taken from config.json's folder; an absolute one is kept. */
function besideConfig(path: string, configFile: string): string {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return path;
  const cut = Math.max(configFile.lastIndexOf("/"), configFile.lastIndexOf("\\"));
  return cut < 0 ? path : configFile.slice(0, cut + 1) + path;
}

/** A postgres URL with its password replaced, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, "$1***@");
}
