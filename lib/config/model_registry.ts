/** The configured models, looked up by the name a client sends: `model_id`, then aliases. */
import { globMatches } from "./glob.ts";
import type { ModelEntry } from "./models.ts";

/** Claude Code asks for `<model>[1m]` when its 1M-token context is chosen. */
const ONE_MILLION_SUFFIX = "[1m]";

/** The longest model name looked up; a longer one cannot be configured and only costs time. */
export const MAX_MODEL_NAME = 256;

/** The configured models, with lookup by name and alias. */
export class ModelRegistry {
  readonly entries: readonly ModelEntry[];
  /** Some entry has an `api_key` of its own (else every request needs the caller's key). */
  readonly anyOwnKey: boolean;
  #byId = new Map<string, ModelEntry>();
  #aliases: Array<{ pattern: string[] | string; entry: ModelEntry }> = [];

  constructor(entries: ModelEntry[]) {
    this.entries = entries;
    this.anyOwnKey = entries.some((entry) => entry.apiKey !== undefined);
    for (const entry of entries) this.#byId.set(entry.modelId, entry);
    for (const entry of entries) {
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
  resolve(name: string): ModelEntry | undefined {
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

  /** The entry with this exact `model_id` (for fallbacks). */
  get(modelId: string): ModelEntry | undefined {
    return this.#byId.get(modelId);
  }

  /** The configured `model_id`s, for error messages. */
  ids(): string[] {
    return this.entries.map((e) => e.modelId);
  }
}
