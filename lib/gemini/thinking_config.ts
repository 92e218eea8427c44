/**
 * The internal thinking request as Gemini's `thinkingConfig`, which depends on the model:
 * Gemini 3 takes a `thinkingLevel` (Pro: LOW/HIGH; Flash also MINIMAL/MEDIUM) and cannot turn
 * thinking off; Gemini 2.5 takes a `thinkingBudget` (Pro 128–32768 and never 0, Flash 0–24576,
 * Flash-Lite 512–24576 or 0). Whenever thinking is on, `includeThoughts` is set so the
 * caller sees the thoughts.
 */
import { budgetOfEffort, effortOfBudget } from "../ir/effort.ts";
import type { Effort, ThinkingConfig } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import type { GeminiThinkingConfig, GeminiThinkingLevel } from "./types.ts";

/** The model family's major version (`gemini-2.5-pro` → 2), or undefined for other names. */
export function geminiGeneration(modelName: string): number | undefined {
  const match = /gemini-(\d+)/i.exec(modelName);
  return match ? Number(match[1]) : undefined;
}

/** `thinkingConfig` for `modelName`, or undefined to leave the model's default. */
export function encodeThinkingConfig(
  thinking: ThinkingConfig | undefined,
  modelName: string,
  warnings: string[],
): GeminiThinkingConfig | undefined {
  if (!thinking) return undefined;
  const usesLevels = (geminiGeneration(modelName) ?? 0) >= 3;
  const flash = /flash/i.test(modelName);
  switch (thinking.mode) {
    case "adaptive":
      return { includeThoughts: true };
    case "enabled": {
      const effort = thinking.effort ?? effortOfBudget(thinking.budgetTokens ?? 8192);
      if (usesLevels) return { includeThoughts: true, thinkingLevel: levelOf(effort, flash) };
      const asked = thinking.budgetTokens ?? budgetOfEffort(effort);
      return { includeThoughts: true, thinkingBudget: fitBudget(asked, modelName, warnings) };
    }
    case "disabled":
      return disabledConfig(modelName, usesLevels, flash);
    default:
      return unreachable(thinking.mode);
  }
}

function levelOf(effort: Effort, flash: boolean): GeminiThinkingLevel {
  switch (effort) {
    case "minimal":
      return flash ? "MINIMAL" : "LOW";
    case "low":
      return "LOW";
    case "medium":
      return flash ? "MEDIUM" : "HIGH";
    case "high":
    case "xhigh":
    case "max":
      return "HIGH";
    default:
      return unreachable(effort);
  }
}

function budgetRange(modelName: string): [number, number] {
  if (/pro/i.test(modelName)) return [128, 32768];
  if (/lite/i.test(modelName)) return [512, 24576];
  return [1, 24576];
}

function fitBudget(asked: number, modelName: string, warnings: string[]): number {
  if (geminiGeneration(modelName) === undefined) return asked;
  const [min, max] = budgetRange(modelName);
  const budget = Math.min(max, Math.max(min, Math.round(asked)));
  if (budget !== asked) {
    warnings.push(
      `Thinking budget ${asked} is outside ${min}–${max} for ${modelName}; sent ${budget}`,
    );
  }
  return budget;
}

/** As little thinking as the model allows: off where it can be, else its lowest setting. */
function disabledConfig(
  modelName: string,
  usesLevels: boolean,
  flash: boolean,
): GeminiThinkingConfig | undefined {
  if (usesLevels) return { thinkingLevel: flash ? "MINIMAL" : "LOW" };
  if (geminiGeneration(modelName) !== 2) return undefined;
  return { thinkingBudget: /pro/i.test(modelName) ? 128 : 0 };
}
