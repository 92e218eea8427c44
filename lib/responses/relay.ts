/**
 * Reading a relayed Responses stream: only the events that end it (`response.completed`,
 * `.incomplete`, `.failed`, `error`) are parsed; a failure of the proxy's own is an `error` event,
 * the Responses API's own form for one.
 */
import type { ProxyError } from "../errors.ts";
import type { RelayWire } from "../ir/endpoint.ts";
import type { SseEvent } from "../sse/parser.ts";
import { encodeSse } from "../sse/encoder.ts";
import { failureOf } from "./errors.ts";

/** The events that carry usage, an error or the end. */
const ENDINGS = new Set(["response.completed", "response.incomplete", "response.failed", "error"]);

/** The same, read from the data of an event that came without its `event:` line. */
const ENDING_TYPE = /"type"\s*:\s*"(?:response\.(?:completed|incomplete|failed)|error)"/;
const FAILED_TYPE = /"type"\s*:\s*"response\.failed"/;

export const relay: RelayWire = {
  carriesUsage: (event) =>
    event.event !== undefined && event.event !== "message"
      ? ENDINGS.has(event.event)
      : ENDING_TYPE.test(event.data),
  isErrorEvent: (event: SseEvent) =>
    event.event === "response.failed" ||
    (event.event === undefined && FAILED_TYPE.test(event.data)),
  closingAfter: () => "",
  // A `response.failed` would need the relayed response's id (the SDKs check it); an `error`
  // event needs none, and Codex retries it as it does `server_error`.
  errorEvent: (error: ProxyError) => {
    const { code, message } = failureOf(error);
    return encodeSse(JSON.stringify({ type: "error", code, message, param: null }), "error");
  },
};
