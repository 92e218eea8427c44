/**
 * The HTTP call to an upstream: an idle timeout (before the headers and between body chunks),
 * the caller's disconnect aborting the request, and every failure as a ProxyError the caller's
 * dialect can render (unreachable 502, timed out 504, upstream statuses kept with Retry-After).
 */
import { kindOfStatus, ProxyError } from "../errors.ts";

export interface UpstreamCall {
  url: string;
  headers: Headers;
  body: string;
  /** Aborts when the caller goes away. */
  signal: AbortSignal;
  /** Idle timeout in milliseconds. */
  timeoutMs: number;
  /** Reads the message out of an upstream error body of the upstream's dialect. */
  errorMessage: (body: unknown) => string | undefined;
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Sends the request; resolves with a 2xx response whose body errors with a timeout ProxyError
 * when the upstream goes quiet, or throws a ProxyError.
 */
export async function callUpstream(call: UpstreamCall): Promise<Response> {
  const controller = new AbortController();
  // A pending body read is failed by the timer or the caller's disconnect directly: progress
  // never depends on the runtime turning the abort into a rejected read.
  let stopPending: ((reason: unknown) => void) | undefined;
  const onCallerGone = () => {
    controller.abort(new DOMException("Caller went away", "AbortError"));
    stopPending?.(new Error("caller went away"));
  };
  if (call.signal.aborted) onCallerGone();
  call.signal.addEventListener("abort", onCallerGone, { once: true });
  let timedOut = false;
  let timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
    stopPending?.(new Error("idle timeout"));
  }, call.timeoutMs);
  const stopped = () =>
    new Promise<never>((_, reject) => {
      stopPending = reject;
    });
  let response: Response;
  try {
    const answer = fetch(call.url, {
      method: "POST",
      headers: call.headers,
      body: call.body,
      signal: controller.signal,
      // A redirect would carry x-api-key / x-goog-api-key to a host the model never named.
      redirect: "manual",
    });
    answer.catch(() => {});
    response = await Promise.race([answer, stopped()]);
    stopPending = undefined;
  } catch (error) {
    stopPending = undefined;
    clearTimeout(timer);
    call.signal.removeEventListener("abort", onCallerGone);
    if (timedOut) {
      throw new ProxyError("timeout", `Upstream did not answer within ${call.timeoutMs / 1000} s`);
    }
    if (call.signal.aborted) throw new ProxyError("invalid_request", "Caller went away", 499);
    throw new ProxyError("bad_gateway", `Upstream unreachable: ${describe(error, call.url)}`);
  }
  const secrets = secretsOf(call.headers);
  clearTimeout(timer);
  if (!response.ok) {
    // The error body is read under the same idle timeout: headers then silence still ends.
    timer = setTimeout(() => {
      controller.abort();
      stopPending?.(new Error("idle timeout"));
    }, call.timeoutMs);
    const text = await Promise.race([readLimited(response, MAX_ERROR_BODY), stopped()])
      .catch(() => "");
    clearTimeout(timer);
    call.signal.removeEventListener("abort", onCallerGone);
    throw upstreamError(response, text, call.errorMessage, secrets);
  }
  if (!response.body) return response;
  const reader = response.body.getReader();
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      stopPending?.(new Error("idle timeout"));
    }, call.timeoutMs);
  };
  const done = () => {
    clearTimeout(timer);
    call.signal.removeEventListener("abort", onCallerGone);
  };
  rearm();
  const body = new ReadableStream<Uint8Array>({
    async pull(out) {
      try {
        const { value, done: finished } = await Promise.race([reader.read(), stopped()]);
        stopPending = undefined;
        if (finished) {
          done();
          out.close();
          return;
        }
        rearm();
        out.enqueue(value);
      } catch (error) {
        stopPending = undefined;
        done();
        reader.cancel().catch(() => {});
        out.error(
          timedOut
            ? new ProxyError("timeout", `Upstream went quiet for ${call.timeoutMs / 1000} s`)
            : new ProxyError("bad_gateway", `Upstream connection lost: ${describe(error)}`),
        );
      }
    },
    cancel(reason) {
      done();
      controller.abort(reason);
      return reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
  return new Response(body, { status: response.status, headers: response.headers });
}

/** Turns a non-2xx upstream answer into a ProxyError carrying its status, message, Retry-After. */
function upstreamError(
  response: Response,
  text: string,
  errorMessage: (body: unknown) => string | undefined,
  secrets: string[],
): ProxyError {
  let message: string | undefined;
  try {
    message = errorMessage(JSON.parse(text));
  } catch {
    // not JSON: the text itself is the message
  }
  message ??= text.trim().slice(0, 500) || response.statusText || "no message";
  if (response.status >= 300 && response.status < 400) {
    message = `Upstream redirected (${response.status}); redirects are not followed`;
  }
  const status = response.status >= 400 && response.status <= 599 ? response.status : 502;
  const error = new ProxyError(kindOfStatus(status), redact(message, secrets), status);
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter && /^[\w ,:+-]{1,64}$/.test(retryAfter)) error.retryAfter = retryAfter;
  return error;
}

/**
 * The whole body of a successful answer as text, at most `limit` bytes: beyond it the read stops
 * and the caller gets a 502, so no upstream can make the proxy buffer without bound.
 */
export async function readUpstreamText(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        reader.cancel().catch(() => {});
        throw new ProxyError("bad_gateway", `Upstream answer is larger than ${limit} bytes`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ProxyError) throw error;
    throw new ProxyError("bad_gateway", `Upstream connection lost: ${describe(error)}`);
  }
  const decoder = new TextDecoder();
  let text = "";
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** The largest successful non-streamed answer read: max(64 MiB, 2 × max_request_bytes). */
export function answerLimit(maxRequestBytes: number): number {
  return Math.max(64 * 1024 * 1024, 2 * maxRequestBytes);
}

/** The credentials a request carries (auth header values), to keep out of messages and logs. */
function secretsOf(headers: Headers): string[] {
  const out: string[] = [];
  for (const name of ["authorization", "x-api-key", "x-goog-api-key", "api-key"]) {
    const value = headers.get(name);
    if (!value) continue;
    const key = value.replace(/^Bearer\s+/i, "").trim();
    if (key.length >= 8) out.push(key);
  }
  return out;
}

/** A message with every secret replaced by its last four characters. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join(`…${secret.slice(-4)}`);
  }
  return out;
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { value, done } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // a broken error body still yields what arrived
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, limit));
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, Math.min(chunk.length, bytes.length - at));
    bytes.set(part, at);
    at += part.length;
  }
  return new TextDecoder().decode(bytes);
}

/** A network error's description, without the query string of the URL it names. */
function describe(error: unknown, url?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const host = url ? new URL(url).host : "";
  const cleaned = message.replace(/\?[^\s)]*/g, "");
  return host && !cleaned.includes(host) ? `${host}: ${cleaned}` : cleaned;
}
