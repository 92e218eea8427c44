/**
 * Claude Code's first system text is a billing line, `x-anthropic-billing-header: cc_version=…;
 * cc_entrypoint=…; cch=<nonce>;`, whose nonce changes on every request. Only Anthropic reads it;
 * sent anywhere else it sits at the very start of the prompt and makes every request miss the
 * upstream's prefix cache, so it is taken out for every other upstream.
 */
import type { TextPart } from "./types.ts";

const BILLING_HEADER = "x-anthropic-billing-header:";

/** The system parts without the billing line; the same array when there is none. */
export function withoutBillingHeader(system: TextPart[]): TextPart[] {
  if (!system.some((part) => part.text.startsWith(BILLING_HEADER))) return system;
  const out: TextPart[] = [];
  for (const part of system) {
    if (!part.text.startsWith(BILLING_HEADER)) {
      out.push(part);
      continue;
    }
    // The line alone is a block of its own; a client that joined the blocks keeps the rest.
    const newline = part.text.indexOf("\n");
    const rest = newline < 0 ? "" : part.text.slice(newline + 1);
    if (rest.trim() !== "") out.push({ ...part, text: rest });
  }
  return out;
}
