/** Gemini `finishReason` ↔ the internal stop reason. */
import type { StopReason } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";

const REFUSALS = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
]);

/** A Gemini finish reason as a stop reason; a call anywhere in the answer makes it tool_use. */
export function stopReasonOf(finishReason: string | undefined, sawCall: boolean): StopReason {
  if (finishReason === "MAX_TOKENS") return "max_tokens";
  if (finishReason !== undefined && REFUSALS.has(finishReason)) return "refusal";
  return sawCall ? "tool_use" : "end_turn";
}

/** The Gemini finish reason for a stop reason. */
export function finishReasonOf(reason: StopReason): string {
  switch (reason) {
    case "end_turn":
    case "tool_use":
    case "stop_sequence":
    case "pause_turn":
      return "STOP";
    case "max_tokens":
      return "MAX_TOKENS";
    case "refusal":
      return "SAFETY";
    default:
      return unreachable(reason);
  }
}
