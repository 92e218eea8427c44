/** Anthropic `stop_reason` ↔ the internal StopReason. */
import type { StopReason } from "../ir/types.ts";

/**
 * Reads an upstream's `stop_reason`. Anthropic's own values map one to one;
 * `model_context_window_exceeded` is a length stop, and anything else (or none) is a normal end.
 */
export function stopReasonFromWire(value: string | null | undefined): StopReason {
  switch (value) {
    case "end_turn":
    case "max_tokens":
    case "stop_sequence":
    case "tool_use":
    case "pause_turn":
    case "refusal":
      return value;
    case "model_context_window_exceeded":
      return "max_tokens";
    default:
      return "end_turn";
  }
}
