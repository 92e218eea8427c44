/**
 * A model entry's `price`: USD per million tokens, the ledger's cost of each request. Cache
 * prices left out are charged at the input price, so a cost is never understated.
 */
import { ConfigError } from "./config_error.ts";

/** USD per million tokens of each kind. */
export interface Price {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

const KEYS = new Set(["input", "output", "cache_read", "cache_write"]);

/** Parses `price: {input, output, cache_read?, cache_write?}`; undefined when absent. */
export function parsePrice(raw: unknown, at: string): Price | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(`${at}: "price" must be a mapping of USD per million tokens`);
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KEYS.has(key)) {
      throw new ConfigError(
        `${at}: unknown key "price.${key}" (use input, output, cache_read, cache_write)`,
      );
    }
  }
  const amount = (key: string): number | undefined => {
    const v = o[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new ConfigError(`${at}: "price.${key}" must be a non-negative number`);
    }
    return v;
  };
  const input = amount("input");
  const output = amount("output");
  if (input === undefined || output === undefined) {
    throw new ConfigError(`${at}: "price" needs both "input" and "output"`);
  }
  return {
    input,
    output,
    cacheRead: amount("cache_read") ?? input,
    cacheWrite: amount("cache_write") ?? input,
  };
}
