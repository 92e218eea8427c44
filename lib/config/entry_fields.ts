/**
 * Reading one models.yaml entry's keys: each reader gives the key's value (undefined when it is
 * absent or null) or stops start-up with a ConfigError naming the entry (`at`) and the key.
 */
import { ConfigError } from "./config_error.ts";
import { parseTokenCount } from "./number.ts";

export function tokenCount(
  o: Record<string, unknown>,
  key: string,
  at: string,
): number | undefined {
  if (o[key] === undefined || o[key] === null) return undefined;
  const n = parseTokenCount(o[key]);
  if (n === undefined) {
    throw new ConfigError(`${at}: "${key}" is not a token count: ${JSON.stringify(o[key])}`);
  }
  return n;
}

export function optString(o: Record<string, unknown>, key: string, at: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new ConfigError(`${at}: "${key}" must be a string`);
  return v;
}

export function optNumber(o: Record<string, unknown>, key: string, at: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new ConfigError(`${at}: "${key}" must be a non-negative number`);
  }
  return v;
}

export function optBool(o: Record<string, unknown>, key: string, at: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw new ConfigError(`${at}: "${key}" must be true or false`);
  return v;
}

export function stringList(o: Record<string, unknown>, key: string, at: string): string[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw new ConfigError(`${at}: "${key}" must be a list of strings`);
  }
  return v;
}

export function stringMap(
  o: Record<string, unknown>,
  key: string,
  at: string,
): Record<string, string> {
  const v = objectOf(o, key, at);
  for (const [k, value] of Object.entries(v)) {
    if (typeof value !== "string" || /[\r\n]/.test(value)) {
      throw new ConfigError(`${at}: "${key}.${k}" must be a one-line string`);
    }
  }
  return v as Record<string, string>;
}

export function objectOf(
  o: Record<string, unknown>,
  key: string,
  at: string,
): Record<string, unknown> {
  const v = o[key];
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new ConfigError(`${at}: "${key}" must be a mapping`);
  }
  return v as Record<string, unknown>;
}
