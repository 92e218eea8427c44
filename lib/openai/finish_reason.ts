/** Stop reasons ↔ OpenAI `finish_reason`. */
import type { StopReason } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import type { FinishReason } from "./types.ts";

/** The `finish_reason` an OpenAI caller sees for a stop reason. */
export function finishReasonOf(reason: StopReason): FinishReason {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "stop";
    case "max_tokens":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return unreachable(reason);
  }
}

/**
 * The stop reason for an upstream's `finish_reason`; unknown or missing values read as a normal
 * end, since providers invent their own (`eos`, `insufficient_system_resource`, …).
 */
export function stopReasonOf(finishReason: string | null | undefined): StopReason {
  switch (finishReason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}
