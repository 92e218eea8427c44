/**
 * The configured models and routers, looked up by the name a client sends: `model_id`, then
 * aliases.
 */
import { globMatches } from "./glob.ts";
import type { ModelEntry } from "./models.ts";
import { isRouter, type RouterEntry } from "./router.ts";

/** Claude Code asks for `<model>[1m]` when its 1M-token context is chosen. */
const ONE_MILLION_SUFFIX = "[1m]";

/** The longest model name looked up; a longer one cannot be configured and only costs time. */
export const MAX_MODEL_NAME = 256;

/** What a name a client sends stands for: a model, or a router that picks one per request. */
export type NamedEntry = ModelEntry | RouterEntry;

/** The configured models and routers, with lookup by name and alias. */
export class ModelRegistry {
  /** The models (routers aside), in file order. */
  readonly entries: readonly ModelEntry[];
  readonly routers: readonly RouterEntry[];
  /** Some entry has an `api_key` of its own (else every request needs the caller's key). */
  readonly anyOwnKey: boolean;
  #all: readonly NamedEntry[];
  #byId = new Map<string, NamedEntry>();
  #aliases: Array<{ pattern: string[] | string; entry: NamedEntry }> = [];

  /** `all`: the models and routers in file order (the order aliases are tried in). */
  constructor(all: readonly NamedEntry[]) {
    this.#all = all;
    this.entries = all.filter((entry) => !isRouter(entry)) as ModelEntry[];
    this.routers = all.filter(isRouter);
    this.anyOwnKey = this.entries.some((entry) => entry.apiKey !== undefined);
    for (const entry of all) this.#byId.set(entry.modelId, entry);
    for (const entry of all) {
      for (const alias of entry.aliases) {
        this.#aliases.push({ pattern: alias.includes("*") ? alias.split("*") : alias, entry });
      }
    }
  }

  /**
   * The entry for a name a client sent: exact `model_id` first, then aliases in file order. A
   * `[1m]` suffix (Claude Code's 1M-context variant of a model) is looked up without it; nothing
   * for a name over `MAX_MODEL_NAME`.
   */
  resolve(name: string): NamedEntry | undefined {
    if (name.length > MAX_MODEL_NAME) return undefined;
    if (name.endsWith(ONE_MILLION_SUFFIX)) name = name.slice(0, -ONE_MILLION_SUFFIX.length);
    const exact = this.#byId.get(name);
    if (exact) return exact;
    for (const { pattern, entry } of this.#aliases) {
      if (typeof pattern === "string" ? pattern === name : globMatches(pattern, name)) {
        return entry;
      }
    }
    return undefined;
  }

  /** The model with this exact `model_id` (for fallbacks and prices); never a router. */
  get(modelId: string): ModelEntry | undefined {
    const entry = this.#byId.get(modelId);
    return entry && !isRouter(entry) ? entry : undefined;
  }

  /** The configured `model_id`s, routers included, for error messages. */
  ids(): string[] {
    return this.#all.map((e) => e.modelId);
  }
}
