/**
 * A pass-through Messages body's thinking, told the way the model's `thinking_style` asks.
 * `adaptive` (Claude Opus 4.7 and later, which answer 400 to `enabled`, `budget_tokens` and
 * `disabled`): a budget becomes `{type: "adaptive"}` with the effort it stands for, and
 * `disabled` is left out. `none`: nothing about thinking is sent. `budget`: as sent.
 */
import type { ThinkingStyle } from "../ir/codec.ts";
import { effortOfBudget } from "../ir/effort.ts";
import { isObject } from "../json/fields.ts";

/** Edits `body` (a copy the pass-through owns) in place. */
export function restyleThinking(body: Record<string, unknown>, style: ThinkingStyle): void {
  if (style !== "adaptive" && style !== "none") return;
  const thinking = isObject(body.thinking) ? body.thinking : undefined;
  const config = isObject(body.output_config) ? body.output_config : undefined;
  if (style === "none") {
    delete body.thinking;
    if (config?.effort !== undefined) setEffort(body, config, undefined);
    return;
  }
  if (thinking?.type === "disabled") delete body.thinking;
  if (thinking?.type !== "enabled") return;
  const { budget_tokens: budget, ...rest } = thinking;
  body.thinking = { ...rest, type: "adaptive" };
  if (config?.effort === undefined && typeof budget === "number") {
    setEffort(body, config, effortOfBudget(budget));
  }
}

/** Sets or removes `output_config.effort`, leaving the caller's `output_config` untouched. */
function setEffort(
  body: Record<string, unknown>,
  config: Record<string, unknown> | undefined,
  effort: string | undefined,
): void {
  const { effort: _old, ...rest } = config ?? {};
  const next = effort === undefined ? rest : { ...rest, effort };
  if (Object.keys(next).length === 0) delete body.output_config;
  else body.output_config = next;
}
