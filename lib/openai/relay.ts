/** Reading a relayed Chat Completions stream: which chunks to parse, its end, its error event. */
import type { ProxyError } from "../errors.ts";
import type { RelayWire } from "../ir/endpoint.ts";
import { encodeSse } from "../sse/encoder.ts";
import { errorBody } from "./errors.ts";

/** A chunk whose `finish_reason` is set (not null). */
const FINISHED = /"finish_reason"\s*:\s*"/;

export const relay: RelayWire = {
  // Chunks naming `usage`, `error` or a `finish_reason`; `[DONE]` is no JSON object and is read.
  carriesUsage: ({ data }) =>
    data.includes('"usage"') || data.includes('"error"') || FINISHED.test(data),
  // A stream that ended with its usage chunk still gets its `[DONE]` (the upstream's own, if it
  // came, is cut with everything else after the end).
  closingAfter: (event) => event.data.trim() !== "[DONE]" ? "data: [DONE]\n\n" : "",
  errorEvent: (error: ProxyError) => encodeSse(JSON.stringify(errorBody(error))),
};
