/**
 * models.yaml: a top-level list, one entry per model name a client may send, parsed into
 * `ModelEntry` values with every default applied, and routers (router.ts) that pick one of them
 * per request; looked up in model_registry.ts.
 */
import { parse as parseYaml } from "yaml";
import type { ThinkingStyle } from "../ir/codec.ts";
import { CODECS, DEFAULT_UPSTREAM, type Dialect, DIALECTS } from "../dialects.ts";
import type { Effort } from "../ir/types.ts";
import { ConfigError } from "./config_error.ts";
import {
  objectOf,
  optBool,
  optNumber,
  optString,
  stringList,
  stringMap,
  tokenCount,
} from "./entry_fields.ts";
import { ModelRegistry } from "./model_registry.ts";
import { promptCacheFor, thinkingStyleFor } from "./format_keys.ts";
import { parsePrice, type Price } from "./price.ts";
import { parseRouter, resolveRouter, type RouterEntry } from "./router.ts";

/** One model as the proxy uses it: every default applied. */
export interface ModelEntry {
  /** The name clients send. */
  modelId: string;
  /** The name sent upstream. */
  modelName: string;
  apiBase: string;
  /** The upstream's dialect (models.yaml `format`, or inferred from `api_base`). */
  dialect: Dialect;
  aliases: string[];
  /** A key that replaces the caller's (from `api_key` or `api_key_env`). */
  apiKey?: string;
  maxTokens: number;
  contextTokens?: number;
  canStream: boolean;
  temperature?: number;
  reasoningEffort?: Effort;
  extraHeaders: Record<string, string>;
  extraBody: Record<string, unknown>;
  maxRetries: number;
  fallbacks: string[];
  /**
   * Pass-through body fields that pick other models or run tools on the account (OpenRouter
   * `provider`, Anthropic `mcp_servers`, …) that a caller may send to an entry with its own key.
   */
  allowParams: string[];
  /** false: the upstream cannot read images or documents; they go as placeholder text. */
  vision: boolean;
  /** How the upstream is asked to think; undefined: its dialect's default. */
  thinkingStyle?: ThinkingStyle;
  /** Top-level body fields never sent to this upstream. */
  dropParams: string[];
  /** OpenAI-dialect upstreams that honour `cache_control` on content parts. */
  promptCache: boolean;
  /** USD per million tokens, for the ledger's cost; none, no cost. */
  price?: Price;
}

const KNOWN_KEYS = new Set([
  "model_id",
  "model_name",
  "api_base",
  "format",
  "direct",
  "aliases",
  "api_key",
  "api_key_env",
  "max_tokens",
  "context",
  "max_input_tokens",
  "can_stream",
  "temperature",
  "reasoning_effort",
  "extra_headers",
  "extra_body",
  "max_retries",
  "fallbacks",
  "allow_params",
  "vision",
  "thinking_style",
  "drop_params",
  "prompt_cache",
  "description",
  "price",
]);

const EFFORTS = new Set(["minimal", "low", "medium", "high", "xhigh", "max"]);
const DEFAULT_MAX_TOKENS = 8192;

/** Reads and validates models.yaml; throws ConfigError naming the file, entry and problem. */
export async function loadModels(
  path: string,
  env: (name: string) => string | undefined,
): Promise<ModelRegistry> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    throw new ConfigError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  return parseModels(text, path, env);
}

/** Parses models.yaml text (see `loadModels`). */
export function parseModels(
  text: string,
  path: string,
  env: (name: string) => string | undefined,
): ModelRegistry {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    const first = String((error as Error).message).split("\n")[0];
    throw new ConfigError(`Cannot parse ${path}: ${first}`);
  }
  if (doc === null || doc === undefined) doc = [];
  if (!Array.isArray(doc)) throw new ConfigError(`Cannot parse ${path}: expected a list of models`);
  const where = (i: number) => `${path}: entry ${i + 1}`;
  const parsed = doc.map((raw, i) => parseEntry(raw, where(i), env));
  const byId = new Map<string, ModelEntry | RouterEntry<string>>();
  for (const [i, entry] of parsed.entries()) {
    if (byId.has(entry.modelId)) {
      throw new ConfigError(`${where(i)}: duplicate model_id "${entry.modelId}"`);
    }
    byId.set(entry.modelId, entry);
  }
  const entries = parsed.map((entry, i) => {
    const at = `${where(i)} ("${entry.modelId}")`;
    if ("route" in entry) return resolveRouter(entry, at, byId);
    for (const fallback of entry.fallbacks) {
      const target = byId.get(fallback);
      if (!target) throw new ConfigError(`${at}: fallback "${fallback}" is not a model_id`);
      if ("route" in target) throw new ConfigError(`${at}: fallback "${fallback}" is a router`);
    }
    return entry;
  });
  return new ModelRegistry(entries);
}

function parseEntry(
  raw: unknown,
  where: string,
  env: (name: string) => string | undefined,
): ModelEntry | RouterEntry<string> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${where}: expected a mapping of keys`);
  }
  const o = raw as Record<string, unknown>;
  const id = o.model_id;
  if (typeof id !== "string" || id === "") throw new ConfigError(`${where}: no "model_id"`);
  const at = `${where} ("${id}")`;
  if (o.route !== undefined) return parseRouter(o, at);
  for (const key of Object.keys(o)) {
    if (!KNOWN_KEYS.has(key)) throw new ConfigError(`${at}: unknown key "${key}"`);
  }
  const apiBase = o.api_base;
  if (typeof apiBase !== "string" || apiBase === "") throw new ConfigError(`${at}: no "api_base"`);
  try {
    const url = new URL(apiBase);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
  } catch {
    throw new ConfigError(`${at}: "api_base" is not an http(s) URL: "${apiBase}"`);
  }
  const dialect = dialectOf(o, apiBase, at);
  return {
    modelId: id,
    modelName: optString(o, "model_name", at) ?? id,
    apiBase: apiBase.replace(/\/+$/, ""),
    dialect,
    aliases: stringList(o, "aliases", at),
    apiKey: apiKeyOf(o, at, env),
    maxTokens: tokenCount(o, "max_tokens", at) ?? DEFAULT_MAX_TOKENS,
    contextTokens: tokenCount(o, "context", at) ?? tokenCount(o, "max_input_tokens", at),
    canStream: optBool(o, "can_stream", at) ?? true,
    temperature: optNumber(o, "temperature", at),
    reasoningEffort: effortOf(o, at),
    extraHeaders: stringMap(o, "extra_headers", at),
    extraBody: objectOf(o, "extra_body", at),
    maxRetries: retriesOf(o, at),
    fallbacks: stringList(o, "fallbacks", at),
    allowParams: stringList(o, "allow_params", at),
    vision: optBool(o, "vision", at) ?? true,
    thinkingStyle: thinkingStyleFor(dialect, optString(o, "thinking_style", at), at),
    dropParams: stringList(o, "drop_params", at),
    promptCache: promptCacheFor(dialect, optBool(o, "prompt_cache", at) ?? false, at),
    price: parsePrice(o.price, at),
  };
}

/** The entry's `format`, checked against the registry, else the dialect its `api_base` implies. */
function dialectOf(o: Record<string, unknown>, apiBase: string, at: string): Dialect {
  const format = o.format;
  if (format !== undefined) {
    if (typeof format !== "string" || !Object.hasOwn(CODECS, format)) {
      const names = `${DIALECTS.slice(0, -1).join(", ")} or ${DIALECTS.at(-1)}`;
      throw new ConfigError(`${at}: unknown format "${String(format)}" (use ${names})`);
    }
    return format as Dialect;
  }
  // No format: the dialect whose hosts the api_base names, else the most widely spoken one.
  return DIALECTS.find((d) => CODECS[d].config.claimsApiBase?.(apiBase, o)) ?? DEFAULT_UPSTREAM;
}

function apiKeyOf(
  o: Record<string, unknown>,
  at: string,
  env: (name: string) => string | undefined,
): string | undefined {
  const key = optString(o, "api_key", at);
  if (key) return key;
  const name = optString(o, "api_key_env", at);
  return name ? env(name) || undefined : undefined;
}

function effortOf(o: Record<string, unknown>, at: string): Effort | undefined {
  const effort = optString(o, "reasoning_effort", at);
  if (effort === undefined) return undefined;
  if (!EFFORTS.has(effort)) {
    throw new ConfigError(
      `${at}: "reasoning_effort" must be minimal, low, medium, high, xhigh or max`,
    );
  }
  return effort as Effort;
}

/** `max_retries`: a whole number up to 10 (each retry may wait up to a minute). */
function retriesOf(o: Record<string, unknown>, at: string): number {
  const n = optNumber(o, "max_retries", at) ?? 0;
  if (!Number.isInteger(n) || n > 10) {
    throw new ConfigError(`${at}: "max_retries" must be a whole number from 0 to 10`);
  }
  return n;
}
