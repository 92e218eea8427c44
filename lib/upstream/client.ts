/**
 * The HTTP call to an upstream: an idle timeout (before the headers and between body chunks),
 * the caller's disconnect aborting the request, and every failure as a ProxyError the caller's
 * dialect can render (unreachable 502, timed out 504, upstream statuses kept with Retry-After).
 */
import { kindOfStatus, ProxyError } from "../errors.ts";

export interface UpstreamCall {
  url: string;
  headers: Headers;
  /** Taken out (emptied) once handed to fetch; see `takeBody`. */
  body: Uint8Array;
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
  // A pending read is failed by the timer or the caller's disconnect directly: progress never
  // depends on the runtime turning the abort into a rejected read.
  let stopPending: ((reason: unknown) => void) | undefined;
  let stopBody: ((error: ProxyError) => void) | undefined = undefined;
  const onCallerGone = () => {
    controller.abort(new DOMException("Caller went away", "AbortError"));
    stopPending?.(new Error("caller went away"));
    stopBody?.(new ProxyError("bad_gateway", "Upstream connection lost: caller went away"));
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
      body: takeBody(call),
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
  if (!response.body) {
    call.signal.removeEventListener("abort", onCallerGone);
    return response;
  }
  const watched = watchedBody(
    response.body,
    call.timeoutMs,
    () => call.signal.removeEventListener("abort", onCallerGone),
    (reason) => controller.abort(reason),
  );
  stopBody = watched.stop;
  return new Response(watched.stream, { status: response.status, headers: response.headers });
}

/**
 * The body to send, cleared from `call`: the closures below keep `call` alive until the answer
 * has been read, and a 100 KB request body kept that long outlives the young generation; V8
 * then promotes it and maps and unmaps a large-object page for it on every request (measured:
 * one mmap and two munmaps per Claude Code request, about 0.2 ms of CPU, before this).
 */
function takeBody(call: UpstreamCall): Uint8Array<ArrayBuffer> {
  const body = call.body;
  call.body = new Uint8Array(0);
  return body as Uint8Array<ArrayBuffer>;
}

/** Bytes asked for per upstream read; one buffer is reused for every read of a stream. */
const READ_SIZE = 16 * 1024;

/** A body read chunk by chunk: undefined at its end; a failed read throws. */
export interface ChunkSource {
  read(): Promise<Uint8Array | undefined>;
  cancel(reason?: unknown): Promise<void>;
}

/** The sources behind the bodies `callUpstream` returns, for `chunksOf`. */
const SOURCES = new WeakMap<ReadableStream<Uint8Array>, ChunkSource>();

/**
 * Reads a body chunk by chunk. For a body `callUpstream` returned, its idle-watched source is
 * read directly: the pipes skip one ReadableStream (and its promises) per chunk.
 */
export function chunksOf(body: ReadableStream<Uint8Array>): ChunkSource {
  const source = SOURCES.get(body);
  if (source) {
    SOURCES.delete(body);
    return source;
  }
  return chunkReader(body);
}

/**
 * The upstream body under an idle watch. One coarse timer checks the time of the last chunk
 * (re-armed only when it fires), rather than a timer cleared and set per chunk; nothing is read
 * before the consumer asks for it, so a slow caller holds the upstream back.
 */
function watchedBody(
  body: ReadableStream<Uint8Array>,
  timeoutMs: number,
  release: () => void,
  abort: (reason?: unknown) => void,
): { stream: ReadableStream<Uint8Array>; stop: (error: ProxyError) => void } {
  const reader = chunkReader(body);
  let failure: ProxyError | undefined;
  let ended = false;
  let last = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    release();
  };
  /** Fails the body; cancelling the reader settles a pending read at once. */
  const stop = (error: ProxyError) => {
    if (ended) return;
    failure = error;
    end();
    abort();
    reader.cancel();
  };
  const watch = (ms: number) => {
    timer = setTimeout(() => {
      const quiet = Date.now() - last;
      if (quiet < timeoutMs) return watch(timeoutMs - quiet);
      stop(new ProxyError("timeout", `Upstream went quiet for ${timeoutMs / 1000} s`));
    }, ms);
  };
  watch(timeoutMs);
  const source: ChunkSource = {
    async read() {
      let chunk: Uint8Array | undefined;
      try {
        chunk = await reader.read();
      } catch (error) {
        failure ??= new ProxyError("bad_gateway", `Upstream connection lost: ${describe(error)}`);
      }
      if (failure) {
        end();
        reader.cancel();
        throw failure;
      }
      if (!chunk) end();
      else last = Date.now();
      return chunk;
    },
    cancel(reason) {
      // After the end there is nothing to abort (an abort would only build a DOMException).
      if (ended) return Promise.resolve();
      end();
      abort(reason);
      return reader.cancel(reason);
    },
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(out) {
      let chunk: Uint8Array | undefined;
      try {
        chunk = await source.read();
      } catch (error) {
        out.error(error);
        return;
      }
      if (chunk) out.enqueue(chunk);
      else out.close();
    },
    cancel: (reason) => source.cancel(reason),
  }, { highWaterMark: 0 });
  SOURCES.set(stream, source);
  return { stream, stop };
}

/**
 * Reads a byte stream chunk by chunk. Deno's fetch bodies are byte streams: a BYOB reader into
 * one reused buffer (each chunk copied out at its size) spares the 64 KiB buffer the default
 * reader allocates for every read, which halves the CPU of a streamed read.
 */
function chunkReader(body: ReadableStream<Uint8Array>): ChunkSource {
  let byob: ReadableStreamBYOBReader | undefined;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch {
    // not a byte stream
  }
  if (!byob) {
    const reader = body.getReader();
    return {
      read: () => reader.read().then((result) => result.done ? undefined : result.value),
      cancel: (reason) => reader.cancel(reason).catch(() => {}),
    };
  }
  const reader = byob;
  let buffer = new ArrayBuffer(READ_SIZE);
  return {
    async read() {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done || !value) return undefined;
      buffer = value.buffer as ArrayBuffer;
      return value.slice();
    },
    cancel: (reason) => reader.cancel(reason).catch(() => {}),
  };
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
  const source = chunksOf(response.body);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const chunk = await source.read();
      if (!chunk) break;
      size += chunk.length;
      if (size > limit) {
        source.cancel();
        throw new ProxyError("bad_gateway", `Upstream answer is larger than ${limit} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ProxyError) throw error;
    throw new ProxyError("bad_gateway", `Upstream connection lost: ${describe(error)}`);
  }
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
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
