/** Reading a relayed Gemini stream: every chunk may carry usage; its error event. */
import type { ProxyError } from "../errors.ts";
import type { RelayWire } from "../ir/endpoint.ts";
import { encodeSse } from "../sse/encoder.ts";
import { errorBody } from "./errors.ts";

export const relay: RelayWire = {
  // Each chunk repeats `usageMetadata`, and its `finishReason` ends the answer.
  carriesUsage: () => true,
  closingAfter: () => "",
  errorEvent: (error: ProxyError) => encodeSse(JSON.stringify(errorBody(error))),
};
