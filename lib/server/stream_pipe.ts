/**
 * Wraps the stream state machines into byte streams in one place. Both pipes are pull-driven:
 * they read from the upstream only when the caller reads, so a slow caller never makes the proxy
 * buffer the upstream's answer (backpressure end to end), and cancelling the caller's stream
 * aborts the upstream request.
 */
import { ProxyError } from "../errors.ts";
import type { Assembler } from "../ir/assembler.ts";
import type { StreamDecoder, StreamEncoder } from "../ir/codec.ts";
import type { StreamEvent, Usage } from "../ir/types.ts";
import { SseParser } from "../sse/parser.ts";
import { chunksOf, redact } from "../upstream/client.ts";
import { type EventBudget, EventShare } from "./event_budget.ts";

/** Called once when a stream ends: its usage and the error it ended with, if any. */
export type StreamDone = (result: { usage: Usage; error?: ProxyError; warnings: string[] }) => void;

/** What a pipe needs besides its state machines. */
export interface PipeOptions {
  onFirstByte: () => void;
  onDone: StreamDone;
  /** Largest event (or unfinished line) held while waiting for its end; beyond it, a 502. */
  maxEventBytes: number;
  /** What every stream of the server may hold together; beyond it, a 502 for the one asking. */
  eventBudget: EventBudget;
  /** Keys that must not reach the caller in an upstream's error message. */
  secrets: readonly string[];
}

const encoder = new TextEncoder();

/**
 * Upstream SSE bytes → parser → upstream decoder → Assembler → caller encoder → bytes.
 * Output goes out as soon as one upstream event has been converted.
 */
export function translateStream(
  upstream: ReadableStream<Uint8Array>,
  decoder: StreamDecoder,
  assembler: Assembler,
  out: StreamEncoder,
  options: PipeOptions,
): ReadableStream<Uint8Array> {
  const source = chunksOf(upstream);
  const text = new TextDecoder();
  const parser = new SseParser();
  const held = new EventShare(options.eventBudget);
  let finished = false;
  let sentFirst = false;
  let lastError: ProxyError | undefined;

  const encodeAll = (events: StreamEvent[]): string => {
    let chunk = "";
    for (const event of events) {
      if (event.type === "error") {
        event.error = redactError(event.error, options.secrets);
        lastError = event.error;
      }
      chunk += out.encode(event);
    }
    return chunk;
  };
  const complete = () => {
    if (finished) return;
    finished = true;
    held.release();
    options.onDone({ usage: assembler.usage, error: lastError, warnings: [...assembler.warnings] });
  };
  /** Feeds one upstream read into the state machines; any failure becomes the stream's error. */
  const step = (chunk: Uint8Array | undefined) => {
    try {
      if (!chunk) {
        for (const event of parser.end()) decoder.push(event);
        decoder.end();
        assembler.end();
        return;
      }
      for (const event of parser.push(text.decode(chunk, { stream: true }))) {
        decoder.push(event);
      }
      const failure = holdEvent(held, parser.pendingLength, options);
      if (failure) assembler.fail(failure);
    } catch (error) {
      assembler.fail(asProxyError(error, "Upstream stream could not be converted"));
    }
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let input: Uint8Array | undefined;
        try {
          input = await source.read();
        } catch (error) {
          assembler.fail(asProxyError(error));
        }
        step(input);
        const chunk = encodeAll(assembler.drain());
        const comments = parser.takeComments();
        if (chunk) {
          if (!sentFirst) {
            sentFirst = true;
            options.onFirstByte();
          }
          controller.enqueue(encoder.encode(chunk));
        } else if (comments > 0 && out.keepAlive && !assembler.done) {
          // The upstream is alive but has nothing to say yet: so is this stream, in the
          // caller's dialect, after the message's start as Anthropic's own pings come (neither
          // counted as the first byte of the answer).
          assembler.start();
          controller.enqueue(encoder.encode(encodeAll(assembler.drain()) + out.keepAlive()));
          return;
        }
        if (!input || assembler.done) {
          if (input) source.cancel();
          controller.close();
          complete();
          return;
        }
        if (chunk) return;
      }
    },
    cancel(reason) {
      lastError ??= new ProxyError("invalid_request", "Caller went away", 499);
      complete();
      return source.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/**
 * Accounts for the text of an event in progress, this stream's and the server's; the failure
 * when either is over its limit.
 */
export function holdEvent(
  share: EventShare,
  size: number,
  options: { maxEventBytes: number; eventBudget: EventBudget },
): ProxyError | undefined {
  if (size > options.maxEventBytes) {
    return new ProxyError(
      "bad_gateway",
      `Upstream stream event is larger than ${options.maxEventBytes} bytes`,
    );
  }
  if (share.hold(size)) return undefined;
  return new ProxyError(
    "bad_gateway",
    `Upstream stream event does not fit: the proxy already holds ${options.eventBudget.held} ` +
      `bytes of unfinished events (at most ${options.eventBudget.limit})`,
  );
}

/** An error with every secret in its message replaced by the key's last four characters. */
export function redactError(error: ProxyError, secrets: readonly string[]): ProxyError {
  const message = redact(error.message, secrets);
  if (message === error.message) return error;
  const copy = new ProxyError(error.kind, message, error.status);
  copy.retryAfter = error.retryAfter;
  return copy;
}

/** Replays events that are all known at once (a non-streaming upstream, a streaming caller). */
export function eventsToStream(
  events: StreamEvent[],
  out: StreamEncoder,
): Uint8Array<ArrayBuffer> {
  let text = "";
  for (const event of events) text += out.encode(event);
  return encoder.encode(text);
}

/** A stream failure as the error the caller should see. */
export function asProxyError(error: unknown, what = "Upstream connection lost"): ProxyError {
  if (error instanceof ProxyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProxyError("bad_gateway", `${what}: ${message}`);
}
