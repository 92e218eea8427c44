/**
 * The upstream call with the one second try its dialect may ask for (`UpstreamWire.retry`): when
 * the upstream refuses the body in a way the dialect can mend (a Responses upstream that cannot
 * verify the reasoning it is sent back), the mended body goes once more. Nothing has reached the
 * caller yet, so the caller sees the second answer, with a warning that says what was left out.
 */
import { ProxyError } from "../errors.ts";
import { Held } from "../held.ts";
import type { UpstreamWire } from "../ir/endpoint.ts";
import { jsonBytes } from "../json/json_bytes.ts";
import { callUpstream, type UpstreamAnswer, type UpstreamCall } from "../upstream/client.ts";

/**
 * Calls the upstream with `call`; `body` is what its bytes were made from, kept only for a wire
 * that may mend it (undefined: no second try). `warn` receives the warning of a second try.
 */
export async function callMended(
  call: UpstreamCall,
  wire: UpstreamWire,
  body: Record<string, unknown> | undefined,
  fetch: typeof globalThis.fetch,
  warn: (warning: string) => void,
): Promise<UpstreamAnswer> {
  try {
    return await callUpstream(call, fetch);
  } catch (error) {
    const mended = body && error instanceof ProxyError ? wire.retry?.(error, body) : undefined;
    if (!mended || call.signal.aborted) throw error;
    warn(mended.warning);
    const bytes = new Held(jsonBytes(mended.body), "The upstream request");
    return await callUpstream({ ...call, body: bytes }, fetch);
  }
}
