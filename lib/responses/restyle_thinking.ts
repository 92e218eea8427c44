/**
 * A pass-through Responses body's reasoning, told the way the model's `thinking_style` asks:
 * `none` sends nothing about reasoning (no `reasoning`, and no request for its
 * `encrypted_content`); `reasoning`, the default, sends it as written.
 */
import type { ThinkingStyle } from "../ir/codec.ts";

/** The `include` value that asks for the reasoning items' proofs. */
const ENCRYPTED_REASONING = "reasoning.encrypted_content";

/** Edits `body` (a copy the pass-through owns) in place. */
export function restyleThinking(body: Record<string, unknown>, style: ThinkingStyle): void {
  if (style !== "none") return;
  delete body.reasoning;
  if (!Array.isArray(body.include)) return;
  const include = body.include.filter((value) => value !== ENCRYPTED_REASONING);
  if (include.length === 0) delete body.include;
  else body.include = include;
}
