/**
 * A model's context window (`context` in models.yaml): the output limit sent upstream leaves
 * room for the request's input, a request whose input alone is too long is refused before any
 * upstream call, and an upstream's own overflow error carries the request's tokens and the
 * window, so every caller can be told in its dialect's words (Claude Code compacts on them).
 */
import type { ModelEntry } from "../config/models.ts";
import { CODECS } from "../dialects.ts";
import { contextOverflow, ProxyError } from "../errors.ts";
import type { Request } from "../ir/types.ts";
import { estimateRequestTokens } from "../tokens/estimate.ts";
import { inputTokensAtMost } from "../tokens/input_bound.ts";

/** The least output a request is left with, when its cap allows that much. */
export const MIN_OUTPUT_TOKENS = 1024;

/**
 * The output cap for `request` on `model`: its `max_tokens`, lowered to what the context window
 * leaves after the estimated input (never below 1,024 unless the cap is). Throws the 400 of an
 * overflow when the estimated input alone exceeds the window.
 */
export function outputCap(request: Request, model: ModelEntry): number {
  const context = model.contextTokens;
  const cap = model.maxTokens;
  if (context === undefined) return cap;
  const asked = Math.min(cap, request.maxTokens ?? cap);
  const images = CODECS[model.dialect].imageTokens;
  if (inputTokensAtMost(request, images) + asked <= context) return cap;
  const input = estimateRequestTokens(request, images);
  if (input > context) throw contextOverflow({ tokens: input, limit: context });
  return Math.min(cap, Math.max(context - input, MIN_OUTPUT_TOKENS));
}

/**
 * An upstream's overflow error with the numbers its message left out: the request's estimated
 * tokens and the model's `context`. Any other error is returned as it is.
 */
export function withOverflowNumbers(
  error: unknown,
  model: ModelEntry,
  estimate: () => number | undefined,
): unknown {
  if (!(error instanceof ProxyError) || !error.overflow) return error;
  const { tokens, limit } = error.overflow;
  if (tokens !== undefined && limit !== undefined) return error;
  return contextOverflow({
    tokens: tokens ?? estimate(),
    limit: limit ?? model.contextTokens,
  });
}
