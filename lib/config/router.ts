/**
 * Routers in models.yaml: an entry with `route` instead of `api_base`, whose rules pick, for each
 * request, the model entry that serves it (first rule whose `when` holds; a last rule without
 * `when` is the default). Read in two steps: each router's own keys with its entry, then its
 * targets once every entry is known.
 */
import { type Dialect, DIALECTS } from "../dialects.ts";
import { ConfigError } from "./config_error.ts";
import { optString, stringList, tokenCount } from "./entry_fields.ts";
import type { ModelEntry } from "./models.ts";

/** The kinds of server tool a rule can ask for. */
export const SERVER_TOOL_KINDS = ["web_search", "web_fetch"] as const;
export type ServerToolKind = typeof SERVER_TOOL_KINDS[number];

/** A rule's conditions: every one given must hold. */
export interface RouteConditions {
  /** A glob on the name the caller sent, as its pieces between stars (see glob.ts). */
  model?: { pattern: string; pieces: readonly string[] };
  /** The request asks for thinking (enabled, adaptive or an effort), or does not. */
  thinking?: boolean;
  /** The request holds (or does not hold) an image or a document, tool results included. */
  images?: boolean;
  /** The request declares a server tool of this kind. */
  serverTool?: ServerToolKind;
  /** The proxy's estimate of the request's input tokens is above this. */
  inputTokensOver?: number;
  /** The dialect the request came in. */
  caller?: Dialect;
}

/** One rule: `to` serves the request when `when` holds (always, without `when`). */
export interface RouteRule<Target = ModelEntry> {
  when?: RouteConditions;
  to: Target;
}

/** A router: a name (and aliases) clients send, served by the entry its rules pick. */
export interface RouterEntry<Target = ModelEntry> {
  modelId: string;
  aliases: string[];
  /** The rules, in order; the last has no `when`. */
  route: RouteRule<Target>[];
}

/** True for a router, false for a model entry. */
export function isRouter(entry: ModelEntry | RouterEntry): entry is RouterEntry {
  return "route" in entry;
}

const ROUTER_KEYS = new Set(["model_id", "aliases", "route", "description"]);
const RULE_KEYS = new Set(["when", "to"]);
const CONDITIONS = ["model", "thinking", "images", "server_tool", "input_tokens_over", "caller"];

/** A router's own keys and rules, its targets still names (`at` names the entry). */
export function parseRouter(o: Record<string, unknown>, at: string): RouterEntry<string> {
  for (const key of Object.keys(o)) {
    if (ROUTER_KEYS.has(key)) continue;
    throw new ConfigError(
      `${at}: a router takes no "${key}" (only model_id, aliases, route, description; ` +
        `the models it routes to have their own)`,
    );
  }
  const rules = o.route;
  if (!Array.isArray(rules) || rules.length === 0) {
    throw new ConfigError(`${at}: "route" must be a list of rules ({when, to})`);
  }
  const route = rules.map((rule, i) => parseRule(rule, `${at}: rule ${i + 1}`));
  route.forEach((rule, i) => {
    if (rule.when === undefined && i < route.length - 1) {
      throw new ConfigError(
        `${at}: rule ${
          i + 1
        } has no "when" but is not the last: the rules after it are never tried`,
      );
    }
  });
  if (route[route.length - 1].when !== undefined) {
    throw new ConfigError(`${at}: no default: the last rule must have a "to" and no "when"`);
  }
  return { modelId: o.model_id as string, aliases: stringList(o, "aliases", at), route };
}

function parseRule(raw: unknown, at: string): RouteRule<string> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${at}: expected a mapping with "to" (and "when")`);
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!RULE_KEYS.has(key)) throw new ConfigError(`${at}: unknown key "${key}" (use when, to)`);
  }
  const to = optString(o, "to", at);
  if (!to) throw new ConfigError(`${at}: no "to" (the model_id that serves the request)`);
  if (o.when === undefined || o.when === null) return { to };
  return { when: parseConditions(o.when, at), to };
}

function parseConditions(raw: unknown, at: string): RouteConditions {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${at}: "when" must be a mapping of conditions`);
  }
  const o = raw as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 0) {
    throw new ConfigError(`${at}: "when" is empty (a rule that always holds has no "when")`);
  }
  for (const key of keys) {
    if (!CONDITIONS.includes(key)) {
      throw new ConfigError(`${at}: unknown condition "${key}" (use ${listed(CONDITIONS)})`);
    }
  }
  const when: RouteConditions = {};
  if (o.model !== undefined) when.model = modelPattern(o.model, at);
  if (o.thinking !== undefined) when.thinking = flag(o, "thinking", at);
  if (o.images !== undefined) when.images = flag(o, "images", at);
  if (o.server_tool !== undefined) when.serverTool = oneOf(o, "server_tool", SERVER_TOOL_KINDS, at);
  if (o.input_tokens_over !== undefined) {
    when.inputTokensOver = tokenCount(o, "input_tokens_over", at);
  }
  if (o.caller !== undefined) when.caller = oneOf(o, "caller", DIALECTS, at);
  return when;
}

function modelPattern(value: unknown, at: string): NonNullable<RouteConditions["model"]> {
  if (typeof value !== "string" || value === "") {
    throw new ConfigError(`${at}: "model" must be a non-empty pattern such as "claude-*haiku*"`);
  }
  return { pattern: value, pieces: value.split("*") };
}

function flag(o: Record<string, unknown>, key: string, at: string): boolean {
  if (typeof o[key] !== "boolean") throw new ConfigError(`${at}: "${key}" must be true or false`);
  return o[key] as boolean;
}

function oneOf<T extends string>(
  o: Record<string, unknown>,
  key: string,
  values: readonly T[],
  at: string,
): T {
  const value = o[key];
  if (typeof value !== "string" || !values.includes(value as T)) {
    throw new ConfigError(
      `${at}: "${key}" must be ${listed(values)}, not ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

function listed(values: readonly string[]): string {
  return values.length === 1 ? values[0] : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}

/**
 * A router with its targets found among the models: a start-up error for a target that is not a
 * model_id or is another router, and for a caller's key that could reach more than one host.
 */
export function resolveRouter(
  router: RouterEntry<string>,
  at: string,
  byId: ReadonlyMap<string, ModelEntry | RouterEntry<string>>,
): RouterEntry {
  const route = router.route.map((rule, i) => {
    const target = byId.get(rule.to);
    if (!target) {
      throw new ConfigError(`${at}: rule ${i + 1} routes to "${rule.to}", which is not a model_id`);
    }
    if ("route" in target) {
      throw new ConfigError(
        `${at}: rule ${
          i + 1
        } routes to "${rule.to}", another router: a router routes to models only`,
      );
    }
    return { ...rule, to: target };
  });
  const targets = route.map((rule) => rule.to);
  oneHostForCallerKeys([...targets, ...targets.flatMap((t) => sameHostFallbacks(t, byId))], at);
  return { ...router, route };
}

/** A model's fallbacks on its own api_base: those without a key get the caller's. */
function sameHostFallbacks(
  model: ModelEntry,
  byId: ReadonlyMap<string, ModelEntry | RouterEntry<string>>,
): ModelEntry[] {
  return model.fallbacks.flatMap((id) => {
    const fallback = byId.get(id);
    // an unknown fallback, or a router, is refused with its own entry
    return fallback && !("route" in fallback) && fallback.apiBase === model.apiBase
      ? [fallback]
      : [];
  });
}

/**
 * A caller's key goes only to the api_base it was sent for. Sent to a router, it goes to the
 * target a rule picks (or a fallback of it on the same api_base), so the targets and such
 * fallbacks without a key of their own must share one api_base: else what a request holds (an
 * image, a search) would decide which host receives the caller's key.
 */
function oneHostForCallerKeys(targets: readonly ModelEntry[], at: string): void {
  const keyless = targets.filter((target) => target.apiKey === undefined);
  const other = keyless.find((target) => target.apiBase !== keyless[0].apiBase);
  if (!other) return;
  throw new ConfigError(
    `${at}: routes to "${keyless[0].modelId}" (${keyless[0].apiBase}) and "${other.modelId}" ` +
      `(${other.apiBase}) with the caller's key: give the models on all but one api_base an ` +
      `api_key, or an api_key_env that is set`,
  );
}
