/**
 * The caller's model name in a pass-through answer. Real APIs answer with a dated version of the
 * name they were sent (`gpt-4o` → `gpt-4o-2024-08-06`), so whatever string the upstream put
 * where its dialect carries the answer's model (the codec's `passthrough.modelPaths`: the
 * top-level `model` of a whole answer or an OpenAI chunk, `message.model` of Anthropic's
 * `message_start`) is replaced. Nothing else changes, byte for byte.
 */
import type { PassthroughWire } from "../ir/endpoint.ts";
import { findStringMember } from "../json/member.ts";

/** Rewrites the model name of a whole answer, or of one `data:` line of a stream. */
export interface ModelRename {
  answer(text: string): string;
  dataLine(line: string): string;
}

/** Where the JSON of a `data:` line starts (an optional space is skipped as whitespace). */
const DATA = "data:".length;

/**
 * The renamer for answers at `paths` to a caller that asked for `callerName`; undefined when
 * there is nothing to rename.
 */
export function modelRename(
  paths: PassthroughWire["modelPaths"],
  callerName: string,
): ModelRename | undefined {
  if (!paths || !callerName) return undefined;
  const quoted = JSON.stringify(callerName);
  const replace = (text: string, path: readonly string[], from: number) => {
    if (!text.includes('"model"')) return text;
    const at = findStringMember(text, path, from);
    if (!at || text.slice(at[0], at[1]) === quoted) return text;
    return text.slice(0, at[0]) + quoted + text.slice(at[1]);
  };
  return {
    answer: (text) => replace(text, paths.answer, 0),
    dataLine: (line) => replace(line, paths.event, DATA),
  };
}
