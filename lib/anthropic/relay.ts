/** Reading a relayed Messages stream: which events to parse, its error event. */
import type { ProxyError } from "../errors.ts";
import type { RelayWire } from "../ir/endpoint.ts";
import { encodeSse } from "../sse/encoder.ts";
import { errorBody } from "./errors.ts";

/** Events that never carry usage, an error or the end of the message. */
const USAGE_FREE = new Set([
  "content_block_delta",
  "content_block_start",
  "content_block_stop",
  "ping",
]);

export const relay: RelayWire = {
  // `message_start`, `message_delta`, `message_stop` and `error` are the ones that matter.
  carriesUsage: (event) => event.event === undefined || !USAGE_FREE.has(event.event),
  isErrorEvent: (event) => event.event === "error",
  closingAfter: () => "",
  errorEvent: (error: ProxyError) => encodeSse(JSON.stringify(errorBody(error)), "error"),
};
