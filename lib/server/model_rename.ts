/**
 * The caller's model name in a pass-through answer. Real APIs answer with a dated version of the
 * name they were sent (`gpt-4o` → `gpt-4o-2024-08-06`), so whatever string the upstream put in
 * the answer's own `model` is replaced: the top-level `model` of a whole answer or an OpenAI
 * chunk, and `message.model` of Anthropic's `message_start`. Nothing else changes, byte for byte;
 * Gemini's `modelVersion` is left as the upstream says.
 */
import type { Dialect } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { findStringMember } from "../json_member.ts";

/** Rewrites the model name of a whole answer, or of one `data:` line of a stream. */
export interface ModelRename {
  answer(text: string): string;
  dataLine(line: string): string;
}

const UNCHANGED: ModelRename = { answer: (text) => text, dataLine: (line) => line };

/** The renamer for answers of `format` to a caller that asked for `callerName`. */
export function modelRename(format: Dialect, callerName: string): ModelRename {
  if (!callerName) return UNCHANGED;
  const quoted = JSON.stringify(callerName);
  const replace = (text: string, path: readonly string[], from: number) => {
    if (!text.includes('"model"')) return text;
    const at = findStringMember(text, path, from);
    if (!at || text.slice(at[0], at[1]) === quoted) return text;
    return text.slice(0, at[0]) + quoted + text.slice(at[1]);
  };
  switch (format) {
    case "gemini":
      return UNCHANGED;
    case "openai":
      return {
        answer: (text) => replace(text, TOP, 0),
        dataLine: (line) => replace(line, TOP, DATA),
      };
    case "anthropic":
      return {
        answer: (text) => replace(text, TOP, 0),
        dataLine: (line) => replace(line, MESSAGE, DATA),
      };
    default:
      return unreachable(format);
  }
}

const TOP = ["model"];
const MESSAGE = ["message", "model"];
/** Where the JSON of a `data:` line starts (an optional space is skipped as whitespace). */
const DATA = "data:".length;
