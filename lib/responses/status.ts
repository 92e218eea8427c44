/**
 * Stop reasons ↔ a response's `status` and `incomplete_details.reason`: a normal end (tool calls
 * included) is `completed`; the output limit and a refusal or content filter leave the response
 * `incomplete`.
 */
import type { StopReason } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import type { IncompleteReason } from "./types.ts";

/** Why a response with this stop reason is incomplete, or undefined when it completed. */
export function incompleteReasonOf(reason: StopReason): IncompleteReason | undefined {
  switch (reason) {
    case "end_turn":
    case "stop_sequence":
    case "tool_use":
    case "pause_turn":
      return undefined;
    case "max_tokens":
      return "max_output_tokens";
    case "refusal":
      return "content_filter";
    default:
      return unreachable(reason);
  }
}

/** The stop reason for an upstream's incomplete response; other reasons read as a normal end. */
export function stopReasonOfIncomplete(reason: string | null | undefined): StopReason {
  switch (reason) {
    case "max_output_tokens":
      return "max_tokens";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}
