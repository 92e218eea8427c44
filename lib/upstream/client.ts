/**
 * The HTTP call to an upstream, with the `fetch` the server was given: watched from sending until
 * its answer has been read (lib/upstream/call_watch.ts), and every failure as a ProxyError the
 * caller's dialect can render (unreachable 502, timed out 504, upstream statuses kept with
 * Retry-After).
 */
import { ProxyError } from "../errors.ts";
import type { Held } from "../held.ts";
import { credentialsOf, redact } from "../redact.ts";
import { EMPTY_SOURCE, readAtMost, sourceOf } from "../bytes/chunk_source.ts";
import { CallWatch } from "./call_watch.ts";
import { describe } from "./describe.ts";
import { isHtml, pageWords } from "./html_page.ts";
import { upstreamError } from "./upstream_error.ts";
import { type UpstreamBody, watchedBody } from "./watched_body.ts";

export interface UpstreamCall {
  url: string;
  headers: Headers;
  /** The request body, taken out of the call once handed to fetch. */
  body: Held<Uint8Array>;
  /** Aborts when the caller goes away. */
  signal: AbortSignal;
  /** Idle timeout in milliseconds. */
  timeoutMs: number;
  /**
   * The request's deadline (`at`, from `performance.now()`), whatever arrives meanwhile: an
   * upstream that sends keep-alive comments for ever never goes quiet.
   */
  deadline?: { at: number; seconds: number };
  /** Reads the message out of an upstream error body of the upstream's dialect. */
  errorMessage: (body: unknown) => string | undefined;
}

/** A successful (2xx) answer: its status, headers and its body under the call's watch. */
export interface UpstreamAnswer {
  status: number;
  headers: Headers;
  /** Read it, whole or in chunks, or cancel it: the call's watch ends with it. */
  body: UpstreamBody;
}

const MAX_ERROR_BODY = 64 * 1024;
const MAX_PAGE = 16 * 1024;

/** Sends the request with `fetch`; resolves with a 2xx answer, or throws a ProxyError. */
export async function callUpstream(
  call: UpstreamCall,
  fetch: typeof globalThis.fetch,
): Promise<UpstreamAnswer> {
  const watch = new CallWatch(call.timeoutMs, call.deadline, call.signal);
  let response: Response;
  try {
    response = await watch.race(fetch(call.url, {
      method: "POST",
      headers: call.headers,
      body: call.body.take() as Uint8Array<ArrayBuffer>,
      signal: watch.abort.signal,
      // A redirect would carry x-api-key / x-goog-api-key to a host the model never named.
      redirect: "manual",
    }));
  } catch (error) {
    watch.release();
    if (watch.expired) throw new ProxyError("timeout", watch.expired.before);
    if (call.signal.aborted) throw new ProxyError("invalid_request", "Caller went away", 499);
    throw new ProxyError("bad_gateway", `Upstream unreachable: ${describe(error, call.url)}`);
  }
  watch.touch();
  if (!response.ok || isHtml(response.headers.get("content-type"))) {
    throw await refusal(response, call, watch);
  }
  return { status: response.status, headers: response.headers, body: watchedBody(response, watch) };
}

/**
 * The error a non-2xx answer, or an HTML page instead of the API's answer (a CDN's challenge, a
 * gateway's error page), amounts to. Its body is read under the same watch: headers then silence
 * still ends.
 */
async function refusal(
  response: Response,
  call: UpstreamCall,
  watch: CallWatch,
): Promise<ProxyError> {
  const source = response.body ? sourceOf(response.body) : EMPTY_SOURCE;
  // A broken body still yields what arrived; a stopped call, nothing.
  const read = await watch.race(readAtMost(source, response.ok ? MAX_PAGE : MAX_ERROR_BODY))
    .catch(() => undefined);
  source.cancel();
  watch.release();
  const text = read ? new TextDecoder().decode(read.bytes) : "";
  const secrets = credentialsOf(call.headers);
  if (!response.ok) return upstreamError(response, text, call.errorMessage, secrets);
  const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
  const words = redact(pageWords(text), secrets);
  return new ProxyError(
    "bad_gateway",
    `Upstream answered with a ${type} page instead of the API's answer: "${words}"`,
  );
}

/**
 * The whole body of a successful answer as text, at most `limit` bytes: beyond it the read stops
 * and the caller gets a 502, so no upstream can make the proxy buffer without bound.
 */
export function readUpstreamText(answer: UpstreamAnswer, limit: number): Promise<string> {
  return answer.body.text(limit);
}

/** The largest successful non-streamed answer read: max(64 MiB, 2 × max_request_bytes). */
export function answerLimit(maxRequestBytes: number): number {
  return Math.max(64 * 1024 * 1024, 2 * maxRequestBytes);
}
