/**
 * What a same-dialect body needs for the model it goes to, before the model name and the output
 * cap: thinking as the model's `thinking_style` asks (Anthropic). Only what the entry asks for is
 * done: an entry without such keys costs nothing.
 */
import type { ModelEntry } from "../config/models.ts";
import { restyleThinking } from "../anthropic/restyle_thinking.ts";
import type { Dialect } from "../ir/types.ts";

export interface PassthroughEdits {
  body: Record<string, unknown>;
  /** The output cap to apply. */
  maxTokens: number;
  warnings: string[];
}

/** The edited body (a copy when anything changed; the caller's own object is never touched). */
export function editForModel(
  dialect: Dialect,
  model: ModelEntry,
  body: Record<string, unknown>,
): PassthroughEdits {
  const warnings: string[] = [];
  let out = body;
  if (dialect === "anthropic" && model.thinkingStyle) {
    out = { ...out };
    restyleThinking(out, model.thinkingStyle);
  }
  return { body: out, maxTokens: model.maxTokens, warnings };
}
