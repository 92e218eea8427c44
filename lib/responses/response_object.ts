/**
 * The `response` object a Responses caller receives, alone or inside `response.created`,
 * `response.completed` and the other lifecycle events: its own fields, its output and usage,
 * then the caller's settings echoed as it wrote them.
 */
import type { Usage } from "../ir/types.ts";
import type { IncompleteReason, OutputItemOut, ResponseStatus } from "./types.ts";
import { responsesUsageOf } from "./usage.ts";

export interface ResponseHead {
  id: string;
  /** Seconds since the epoch. */
  createdAt: number;
  model: string;
  status: ResponseStatus;
  incompleteReason?: IncompleteReason;
  error?: { code: string; message: string };
}

/** The response's own fields, in the order the API writes them. */
export function responseFields(
  head: ResponseHead,
  output: OutputItemOut[],
  usage: Usage | undefined,
): Record<string, unknown> {
  return {
    id: head.id,
    object: "response",
    created_at: head.createdAt,
    status: head.status,
    error: head.error ?? null,
    incomplete_details: head.incompleteReason ? { reason: head.incompleteReason } : null,
    model: head.model,
    output,
    usage: usage ? responsesUsageOf(usage) : null,
  };
}

/**
 * The response as JSON text, with `settingsJson` (the echoed settings, serialised once per
 * stream: they hold the caller's instructions and tools, often tens of kilobytes) spliced in
 * rather than serialised again for every lifecycle event.
 */
export function responseJson(
  head: ResponseHead,
  output: OutputItemOut[],
  usage: Usage | undefined,
  settingsJson: string,
): string {
  const own = JSON.stringify(responseFields(head, output, usage));
  if (settingsJson.length <= 2) return own;
  return `${own.slice(0, -1)},${settingsJson.slice(1)}`;
}
