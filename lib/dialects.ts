/**
 * The one registry of the dialects the proxy speaks: a dialect is its folder under `lib/` and
 * its line here. Nothing else in the server, the upstream client or the configuration names a
 * dialect: they ask the codec (lib/ir/codec.ts) of the one at hand.
 */
import { anthropicCodec } from "./anthropic/mod.ts";
import { geminiCodec } from "./gemini/mod.ts";
import type { OverflowWording } from "./ir/endpoint.ts";
import { openaiCodec } from "./openai/mod.ts";

/** Each dialect's codec, by name; the order is the order of precedence where two could apply. */
export const CODECS = {
  anthropic: anthropicCodec,
  openai: openaiCodec,
  gemini: geminiCodec,
};

/** A dialect's name: a key of the registry. */
export type Dialect = keyof typeof CODECS;

/** Every dialect, in registry order. */
export const DIALECTS = Object.keys(CODECS) as readonly Dialect[];

/**
 * The dialect of a request that says nothing of its own (no prefix, no telling header), and of
 * the answers of endpoints that belong to no dialect: the first registered.
 */
export const DEFAULT_DIALECT: Dialect = DIALECTS[0];

/** The dialect of a models.yaml entry without `format` whose `api_base` no dialect claims. */
export const DEFAULT_UPSTREAM: Dialect = "openai";

/** Every dialect's words for a context overflow: an upstream may use any of them. */
export const OVERFLOW_WORDINGS: readonly OverflowWording[] = DIALECTS.flatMap((d) =>
  CODECS[d].overflowWordings
);
