/**
 * Upstream errors that say the request is longer than the model's context window, in each
 * provider's words, with the request's tokens and the window when the message gives them.
 */
import type { ContextOverflow } from "../errors.ts";

/** Numbers as providers write them (`1048576`, `1,048,576`). */
const N = "(\\d[\\d,]*)";

/** Each known wording: what recognises it, and where its numbers are. */
const WORDINGS: Array<{ sign: RegExp; tokens?: RegExp; limit?: RegExp }> = [
  // Anthropic: "prompt is too long: 210000 tokens > 200000 maximum"
  {
    sign: /prompt is too long/i,
    tokens: new RegExp(`too long:\\s*${N}\\s*tokens`, "i"),
    limit: new RegExp(`>\\s*${N}\\s*maximum`, "i"),
  },
  // OpenAI, DeepSeek, vLLM: "This model's maximum context length is 131072 tokens. However, you
  // requested 140000 tokens (…)" / "your messages resulted in …" / "your request has … input tokens"
  {
    sign: /maximum context length|context_length_exceeded/i,
    tokens: new RegExp(`(?:requested|resulted in|has)\\s+${N}\\s+(?:input\\s+)?tokens`, "i"),
    limit: new RegExp(`maximum context length is\\s+${N}`, "i"),
  },
  // Gemini: "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."
  {
    sign: /exceeds the maximum number of tokens/i,
    tokens: new RegExp(`input token count\\s*\\(?${N}`, "i"),
    limit: new RegExp(`tokens allowed\\s*\\(?${N}`, "i"),
  },
  // Kimi: "Your request exceeded model token limit: 262144 (requested: 269030)"
  {
    sign: /exceeded model token limit/i,
    tokens: new RegExp(`requested:\\s*${N}`, "i"),
    limit: new RegExp(`token limit:\\s*${N}`, "i"),
  },
];

/** The overflow an upstream error body reports, or undefined when it reports none. */
export function contextOverflowIn(text: string): ContextOverflow | undefined {
  for (const wording of WORDINGS) {
    if (!wording.sign.test(text)) continue;
    const tokens = numberOf(text, wording.tokens);
    const limit = numberOf(text, wording.limit);
    return {
      ...(tokens !== undefined ? { tokens } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
  }
  return undefined;
}

function numberOf(text: string, pattern: RegExp | undefined): number | undefined {
  const match = pattern?.exec(text);
  if (!match) return undefined;
  const n = Number(match[1].replaceAll(",", ""));
  return Number.isSafeInteger(n) ? n : undefined;
}
