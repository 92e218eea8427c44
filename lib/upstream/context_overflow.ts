/**
 * Upstream errors that say the request is longer than the model's context window, in any
 * provider's words (each dialect's `overflowWordings`: an OpenAI-compatible host may word it as
 * another provider does), with the request's tokens and the window when the message gives them.
 */
import { type ContextOverflow, contextOverflow, type ProxyError } from "../errors.ts";
import { OVERFLOW_WORDINGS } from "../dialects.ts";
import type { OverflowWording } from "../ir/endpoint.ts";

/** The overflow an upstream error body reports, or undefined when it reports none. */
export function contextOverflowIn(
  text: string,
  wordings: readonly OverflowWording[] = OVERFLOW_WORDINGS,
): ContextOverflow | undefined {
  for (const wording of wordings) {
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

/**
 * A failure an upstream told inside a 2xx answer or its stream (OpenAI's Responses API reports
 * an input over the window in `response.failed`), as the overflow its words or code report, so
 * that each caller reads it in its own dialect's words; any other failure as it is.
 */
export function asOverflow(error: ProxyError): ProxyError {
  if (error.overflow || error.status !== 400) return error;
  const overflow = contextOverflowIn(`${error.code ?? ""} ${error.message}`);
  if (!overflow) return error;
  const out = contextOverflow(overflow);
  if (error.code !== undefined) out.code = error.code;
  return out;
}

/** The first group of `pattern` in `text` as a number (`1048576`, `1,048,576`). */
function numberOf(text: string, pattern: RegExp | undefined): number | undefined {
  const match = pattern?.exec(text);
  if (!match) return undefined;
  const n = Number(match[1].replaceAll(",", ""));
  return Number.isSafeInteger(n) ? n : undefined;
}
