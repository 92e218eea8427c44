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
  const onCallerGone = () => controller.abort(new DOMException("Caller went away", "AbortError"));
  if (call.signal.aborted) onCallerGone();
  call.signal.addEventListener("abort", onCallerGone, { once: true });
  let timedOut = false;
  let timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, call.timeoutMs);
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: "POST",
      headers: call.headers,
      body: call.body,
      signal: controller.signal,
    });
  } catch (error) {
    clearTimeout(timer);
    call.signal.removeEventListener("abort", onCallerGone);
    if (timedOut) {
      throw new ProxyError("timeout", `Upstream did not answer within ${call.timeoutMs / 1000} s`);
    }
    if (call.signal.aborted) throw new ProxyError("invalid_request", "Caller went away", 499);
    throw new ProxyError("bad_gateway", `Upstream unreachable: ${describe(error, call.url)}`);
  }
  clearTimeout(timer);
  if (!response.ok) {
    call.signal.removeEventListener("abort", onCallerGone);
    throw await upstreamError(response, call.errorMessage);
  }
  if (!response.body) return response;
  const reader = response.body.getReader();
  const rearm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
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
        const { value, done: finished } = await reader.read();
        if (finished) {
          done();
          out.close();
          return;
        }
        rearm();
        out.enqueue(value);
      } catch (error) {
        done();
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
async function upstreamError(
  response: Response,
  errorMessage: (body: unknown) => string | undefined,
): Promise<ProxyError> {
  const text = await readLimited(response, MAX_ERROR_BODY);
  let message: string | undefined;
  try {
    message = errorMessage(JSON.parse(text));
  } catch {
    // not JSON: the text itself is the message
  }
  message ??= text.trim().slice(0, 500) || response.statusText || "no message";
  const status = response.status >= 400 && response.status <= 599 ? response.status : 502;
  const error = new ProxyError(kindOfStatus(status), message, status);
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter && /^[\w ,:+-]{1,64}$/.test(retryAfter)) error.retryAfter = retryAfter;
  return error;
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
