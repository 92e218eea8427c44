/**
 * Server settings: command-line flags win over environment variables, which win over
 * config.json, which wins over the defaults. `Settings` is the resolved form with every default
 * applied.
 */
import { ConfigError } from "./config_error.ts";
import {
  type LedgerSetting,
  resolveAdminToken,
  resolveLedger,
  resolveLedgerDays,
} from "./ledger_setting.ts";

export type LogLevel = "debug" | "info" | "warning" | "error";

/** Every setting, resolved. */
export interface Settings {
  host: string;
  port: number;
  logLevel: LogLevel;
  logFormat: "text" | "json";
  logFilePath?: string;
  /** Upstream idle timeout. */
  timeoutSeconds: number;
  /** A whole request's deadline, from its arrival to the end of its answer; 0: none. */
  totalTimeoutSeconds: number;
  /** A new connection must have sent its request head within this. */
  clientHeaderTimeoutSeconds: number;
  /** A request body must have arrived within this. */
  clientBodyTimeoutSeconds: number;
  /** A connection with no request in flight is closed after this. */
  keepaliveTimeoutSeconds: number;
  maxRequestBytes: number;
  /** Allowed CORS origins ("*" allowed); empty: no CORS headers, and any Origin is refused. */
  cors: string[];
  /** Domain names a request's Host may carry besides `localhost` (IP literals always may). */
  allowedHosts: string[];
  modelsFile: string;
  configFile: string;
  /** Where usage rows go (SQLite beside config.json unless set). */
  ledger: LedgerSetting;
  /** Rows older than this many days are deleted. */
  ledgerDays: number;
  /** Needed by the dashboard and `/api/*` when the proxy listens beyond loopback. */
  adminToken?: string;
}

const DEFAULTS = {
  host: "127.0.0.1",
  port: 8082,
  logLevel: "info" as LogLevel,
  logFormat: "text" as const,
  timeoutSeconds: 600,
  totalTimeoutSeconds: 0,
  clientHeaderTimeoutSeconds: 10,
  clientBodyTimeoutSeconds: 60,
  keepaliveTimeoutSeconds: 60,
  maxRequestBytes: 32 * 1024 * 1024,
};

const CONFIG_KEYS = new Set([
  "host",
  "port",
  "log_level",
  "log_format",
  "log_file_path",
  "timeout_seconds",
  "total_timeout_seconds",
  "client_header_timeout_seconds",
  "client_body_timeout_seconds",
  "keepalive_timeout_seconds",
  "max_request_bytes",
  "cors",
  "allowed_hosts",
  "ledger",
  "ledger_days",
  "admin_token",
]);

const FLAGS: Record<string, string> = {
  "--port": "port",
  "--host": "host",
  "--models": "models",
  "--config": "config",
  "--log-level": "log_level",
};

/** Parses `--port 9000` / `--port=9000` style flags; throws ConfigError on anything else. */
export function parseFlags(args: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = FLAGS[flag];
    if (!key) {
      throw new ConfigError(
        `Unknown argument "${arg}" (flags: ${Object.keys(FLAGS).join(", ")})`,
      );
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new ConfigError(`Flag ${flag} needs a value`);
    out[key] = value;
  }
  return out;
}

/** Resolves the settings from flags, environment and config.json. */
export async function loadSettings(
  args: string[],
  env: (name: string) => string | undefined,
): Promise<Settings> {
  const flags = parseFlags(args);
  const configFile = flags.config ?? env("CONFIG_FILE") ?? "config.json";
  const explicit = flags.config !== undefined || env("CONFIG_FILE") !== undefined;
  const file = await readConfigFile(configFile, explicit);
  return resolveSettings(flags, env, file, configFile);
}

async function readConfigFile(path: string, required: boolean): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!required && error instanceof Deno.errors.NotFound) return {};
    throw new ConfigError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Cannot parse ${path}: ${(error as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new ConfigError(`Cannot parse ${path}: expected a JSON object`);
  }
  for (const key of Object.keys(doc)) {
    if (!CONFIG_KEYS.has(key)) throw new ConfigError(`${path}: unknown key "${key}"`);
  }
  return doc as Record<string, unknown>;
}

/** Applies the precedence rules; exported for tests. */
export function resolveSettings(
  flags: Record<string, string>,
  env: (name: string) => string | undefined,
  file: Record<string, unknown>,
  configFile: string,
): Settings {
  const pick = (flag: string | undefined, envName: string, key: string): unknown =>
    flag ?? env(envName) ?? file[key];
  const where = (key: string) => `${configFile}: "${key}"`;

  const host = pick(flags.host, "HOST", "host") ?? DEFAULTS.host;
  if (typeof host !== "string" || host === "") throw new ConfigError(`${where("host")} is empty`);
  const port = integer(pick(flags.port, "PORT", "port") ?? DEFAULTS.port, "port", 0, 65535);
  const logLevel = pick(flags.log_level, "LOG_LEVEL", "log_level") ?? DEFAULTS.logLevel;
  const level = String(logLevel).toLowerCase();
  if (!["debug", "info", "warning", "error"].includes(level)) {
    throw new ConfigError(`log_level must be debug, info, warning or error, not "${logLevel}"`);
  }
  const logFormat = file.log_format ?? DEFAULTS.logFormat;
  if (logFormat !== "text" && logFormat !== "json") {
    throw new ConfigError(`${where("log_format")} must be "text" or "json"`);
  }
  const logFilePath = file.log_file_path;
  if (logFilePath !== undefined && typeof logFilePath !== "string") {
    throw new ConfigError(`${where("log_file_path")} must be a string`);
  }
  const cors = file.cors ?? [];
  if (!Array.isArray(cors) || cors.some((c) => typeof c !== "string")) {
    throw new ConfigError(`${where("cors")} must be a list of origins`);
  }
  const allowedHosts = file.allowed_hosts ?? [];
  if (!Array.isArray(allowedHosts) || allowedHosts.some((h) => typeof h !== "string" || !h)) {
    throw new ConfigError(`${where("allowed_hosts")} must be a list of host names`);
  }
  return {
    host,
    port,
    logLevel: level as LogLevel,
    logFormat,
    logFilePath,
    timeoutSeconds: integer(file.timeout_seconds ?? DEFAULTS.timeoutSeconds, "timeout_seconds", 1),
    totalTimeoutSeconds: integer(
      file.total_timeout_seconds ?? DEFAULTS.totalTimeoutSeconds,
      "total_timeout_seconds",
      0,
    ),
    clientHeaderTimeoutSeconds: seconds(file, "client_header_timeout_seconds"),
    clientBodyTimeoutSeconds: seconds(file, "client_body_timeout_seconds"),
    keepaliveTimeoutSeconds: seconds(file, "keepalive_timeout_seconds"),
    maxRequestBytes: integer(
      file.max_request_bytes ?? DEFAULTS.maxRequestBytes,
      "max_request_bytes",
      1,
    ),
    cors,
    allowedHosts,
    modelsFile: flags.models ?? env("CUSTOM_MODELS_FILE") ?? "models.yaml",
    configFile,
    ledger: resolveLedger(file.ledger, configFile),
    ledgerDays: resolveLedgerDays(file.ledger_days, configFile),
    adminToken: resolveAdminToken(file.admin_token, configFile),
  };
}

/** A timeout of config.json in whole seconds, at least 1. */
function seconds(
  file: Record<string, unknown>,
  key:
    | "client_header_timeout_seconds"
    | "client_body_timeout_seconds"
    | "keepalive_timeout_seconds",
): number {
  const defaults = {
    client_header_timeout_seconds: DEFAULTS.clientHeaderTimeoutSeconds,
    client_body_timeout_seconds: DEFAULTS.clientBodyTimeoutSeconds,
    keepalive_timeout_seconds: DEFAULTS.keepaliveTimeoutSeconds,
  };
  return integer(file[key] ?? defaults[key], key, 1);
}

function integer(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  }
  return n;
}
