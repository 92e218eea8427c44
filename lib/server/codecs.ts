/** The codec of each dialect, by name. */
import { anthropicCodec } from "../anthropic/mod.ts";
import { geminiCodec } from "../gemini/mod.ts";
import type { DialectCodec } from "../ir/codec.ts";
import type { Dialect } from "../ir/types.ts";
import { openaiCodec } from "../openai/mod.ts";

export const CODECS: Record<Dialect, DialectCodec> = {
  anthropic: anthropicCodec,
  openai: openaiCodec,
  gemini: geminiCodec,
};
