/**
 * The HTTP call to an upstream: an idle timeout (before the headers and between body chunks),
 * the caller's disconnect aborting the request, and every failure as a ProxyError the caller's
 * dialect can render (unreachable 502, timed out 504, upstream statuses kept with Retry-After).
 */
import { contextOverflow, kindOfStatus, ProxyError } from "../errors.ts";
import { contextOverflowIn } from "./context_overflow.ts";
import { concatBytes } from "../bytes.ts";
import { credentialsOf, redact } from "../redact.ts";
import { isHtml, pageWords } from "./html_page.ts";
import { type IdleWatch, watchDeadline, watchIdle } from "./idle.ts";
import { retryAfterMs } from "./retry_after.ts";

export interface UpstreamCall {
  url: string;
  headers: Headers;
  /** Taken out (emptied) once handed to fetch; see `takeBody`. */
  body: Uint8Array;
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

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Sends the request; resolves with a 2xx response, or throws a ProxyError. The response's body
 * is read through `chunksOf` or `readUpstreamText`, under the call's idle watch: a body that goes
 * quiet fails with a timeout ProxyError, and one whose caller went away stops.
 */
export async function callUpstream(call: UpstreamCall): Promise<Response> {
  const controller = new AbortController();
  // A pending wait is failed by the idle watch or the caller's disconnect directly: progress
  // never depends on the runtime turning the abort into a rejected read.
  let stopPending: ((reason: unknown) => void) | undefined;
  let stopBody: ((error: ProxyError) => void) | undefined = undefined;
  /** Why the call timed out, before the headers and after. */
  let timedOut: { before: string; after: string } | undefined;
  const expire = (reason: { before: string; after: string }) => {
    timedOut = reason;
    controller.abort();
    stopPending?.(new Error(reason.before));
    stopBody?.(new ProxyError("timeout", reason.after));
  };
  const seconds = call.timeoutMs / 1000;
  const idle = watchIdle(call.timeoutMs, () =>
    expire({
      before: `Upstream did not answer within ${seconds} s`,
      after: `Upstream went quiet for ${seconds} s`,
    }));
  const deadline = call.deadline;
  const total = deadline && watchDeadline(deadline.at, () => {
    const reason = `The request took longer than total_timeout_seconds (${deadline.seconds} s)`;
    expire({ before: reason, after: reason });
  });
  const onCallerGone = () => {
    controller.abort(new DOMException("Caller went away", "AbortError"));
    stopPending?.(new Error("caller went away"));
    stopBody?.(new ProxyError("bad_gateway", "Upstream connection lost: caller went away"));
  };
  const release = () => {
    idle.stop();
    total?.stop();
    call.signal.removeEventListener("abort", onCallerGone);
  };
  if (call.signal.aborted) onCallerGone();
  call.signal.addEventListener("abort", onCallerGone, { once: true });
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
    release();
    if (timedOut) throw new ProxyError("timeout", timedOut.before);
    if (call.signal.aborted) throw new ProxyError("invalid_request", "Caller went away", 499);
    throw new ProxyError("bad_gateway", `Upstream unreachable: ${describe(error, call.url)}`);
  }
  idle.touch();
  if (!response.ok) {
    // The error body is read under the same idle watch: headers then silence still ends.
    const secrets = credentialsOf(call.headers);
    const text = await Promise.race([readLimited(response, MAX_ERROR_BODY), stopped()])
      .catch(() => "");
    release();
    throw upstreamError(response, text, call.errorMessage, secrets);
  }
  if (isHtml(response.headers.get("content-type"))) {
    // A CDN's challenge page or a gateway's error page: its words say what went wrong.
    const page = await Promise.race([readLimited(response, 16 * 1024), stopped()]).catch(() => "");
    release();
    const type = (response.headers.get("content-type") ?? "").split(";")[0].trim();
    const words = redact(pageWords(page), credentialsOf(call.headers));
    throw new ProxyError(
      "bad_gateway",
      `Upstream answered with a ${type} page instead of the API's answer: "${words}"`,
    );
  }
  if (!response.body) {
    release();
    return response;
  }
  // Until the consumer asks for the first chunk, the upstream is not being waited for.
  idle.pause();
  const watched = watchedSource(
    response,
    idle,
    release,
    (reason) => controller.abort(reason),
  );
  stopBody = watched.stop;
  SOURCES.set(response.body, watched.source);
  return response;
}

/**
 * The body to send, cleared from `call`: the closures below keep `call` alive until the answer
 * has been read, and a 100 KB body kept that long outlives V8's young generation, to be freed
 * only by a full collection. (When the body was a string, that also meant a large-object page
 * mapped and unmapped per request: one mmap and two munmaps per Claude Code request, ~0.2 ms.)
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
  /** The whole body (what is left of it), at most `limit` bytes; 502 beyond. */
  readAll?(limit: number): Promise<Uint8Array>;
}

/** The watched sources of the bodies `callUpstream` returned, for `chunksOf`. */
const SOURCES = new WeakMap<ReadableStream<Uint8Array>, ChunkSource>();

/**
 * Reads a body chunk by chunk. For a body `callUpstream` returned, its idle-watched source is
 * read; any other body gets a plain reader.
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
 * The body of an answer under its call's idle watch: each read runs it, a failure
 * (quiet too long, caller gone) is thrown by the read in progress or the next one, and the
 * watch is released at the end. Nothing is read before the consumer asks for it, so a slow
 * caller holds the upstream back; the reader itself is only made on the first read. The quiet
 * time runs only while a read waits: the time the proxy (busy with other streams) or its caller
 * takes before asking for the next chunk is not the upstream's silence.
 */
function watchedSource(
  response: Response,
  idle: IdleWatch,
  release: () => void,
  abort: (reason?: unknown) => void,
): { source: ChunkSource; stop: (error: ProxyError) => void } {
  const body = response.body!;
  let reader: ChunkSource | undefined;
  let failure: ProxyError | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    release();
  };
  /** Fails the body; cancelling the reader settles a pending read at once. */
  const stop = (error: ProxyError) => {
    if (ended) return;
    failure = error;
    end();
    abort();
    if (reader) reader.cancel();
    else body.cancel().catch(() => {});
  };
  const lost = (error: unknown) =>
    failure ?? new ProxyError("bad_gateway", `Upstream connection lost: ${describe(error)}`);
  const source: ChunkSource = {
    async read() {
      reader ??= chunkReader(body);
      idle.touch();
      let chunk: Uint8Array | undefined;
      try {
        chunk = await reader.read();
      } catch (error) {
        failure = lost(error);
      }
      if (failure) {
        end();
        reader.cancel();
        throw failure;
      }
      if (!chunk) end();
      else idle.pause();
      return chunk;
    },
    cancel(reason) {
      // After the end there is nothing to abort (an abort would only build a DOMException).
      if (ended) return Promise.resolve();
      end();
      abort(reason);
      return reader ? reader.cancel(reason) : body.cancel(reason).catch(() => {});
    },
    async readAll(limit) {
      // A length declared over the limit is refused unread. Only for an uncompressed body:
      // fetch decompresses, and the length it keeps is the compressed one.
      const declared = Number(response.headers.get("content-length") ?? "NaN");
      const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity";
      if (!reader && !encoded && declared > limit) {
        source.cancel();
        throw tooLargeAnswer(limit);
      }
      return await readChunks(source, limit);
    },
  };
  return { source, stop };
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
  // A context overflow, in whatever words: the caller gets its own dialect's (Claude Code
  // compacts on Anthropic's), so the body is read for it and not only the message.
  const overflow = status < 500 ? contextOverflowIn(text) : undefined;
  if (overflow) return contextOverflow(overflow);
  const error = new ProxyError(kindOfStatus(status), redact(message, secrets), status);
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter && retryAfterMs(retryAfter, Date.now()) !== undefined) {
    error.retryAfter = retryAfter.trim();
  }
  return error;
}

/**
 * The whole body of a successful answer as text, at most `limit` bytes: beyond it the read stops
 * and the caller gets a 502, so no upstream can make the proxy buffer without bound.
 */
export async function readUpstreamText(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const source = chunksOf(response.body);
  const bytes = source.readAll ? await source.readAll(limit) : await readChunks(source, limit);
  return new TextDecoder().decode(bytes);
}

async function readChunks(source: ChunkSource, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const chunk = await source.read();
      if (!chunk) break;
      size += chunk.length;
      if (size > limit) {
        source.cancel();
        throw tooLargeAnswer(limit);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ProxyError) throw error;
    throw new ProxyError("bad_gateway", `Upstream connection lost: ${describe(error)}`);
  }
  return concatBytes(chunks, size);
}

function tooLargeAnswer(limit: number): ProxyError {
  return new ProxyError("bad_gateway", `Upstream answer is larger than ${limit} bytes`);
}

/** The largest successful non-streamed answer read: max(64 MiB, 2 × max_request_bytes). */
export function answerLimit(maxRequestBytes: number): number {
  return Math.max(64 * 1024 * 1024, 2 * maxRequestBytes);
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

/**
 * A network error's description with its cause (fetch says only "fetch failed"; the cause says
 * "Connection refused" or "Too many open files"), without the query string of a URL it names.
 */
function describe(error: unknown, url?: string): string {
  let message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && cause.message && !message.includes(cause.message)) {
    message += `: ${cause.message.replace(/^error sending request for url \([^)]*\): /, "")}`;
  }
  const host = url ? new URL(url).host : "";
  const cleaned = message.replace(/\?[^\s)]*/g, "");
  return host && !cleaned.includes(host) ? `${host}: ${cleaned}` : cleaned;
}
