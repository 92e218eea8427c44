/** A ledger row for tests, with what a test does not name filled in. */
import { DIALECTS } from "../dialects.ts";
import type { LedgerRow } from "./row.ts";

export function sampleRow(over: Partial<LedgerRow> = {}): LedgerRow {
  return {
    id: crypto.randomUUID(),
    time: Date.UTC(2026, 11, 2, 15, 30),
    caller: DIALECTS[0],
    model: "claude-x",
    served_by: "deepseek-chat",
    upstream: DIALECTS[1],
    stream: false,
    status: 200,
    error_type: null,
    ttfb_ms: 40,
    total_ms: 300,
    input_tokens: 10,
    cache_read_input_tokens: 5,
    cache_creation_input_tokens: 1,
    output_tokens: 7,
    reasoning_tokens: 2,
    usage_estimated: false,
    warnings: [],
    key_tail: "…abcd",
    cost_usd: 0.5,
    web_search_requests: 0,
    ...over,
  };
}
