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
import { redact } from "../redact.ts";
import type { ChunkSource } from "../bytes/chunk_source.ts";
import { letGo } from "../upstream/let_go.ts";
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
 * Output goes out as soon as one upstream event has been converted. The upstream's own end
 * (`[DONE]`, `message_stop`, …) ends the caller's stream at once and lets the upstream go, even
 * if its connection stays open. Whatever fails on the way, the caller gets the dialect's error
 * event and `onDone` runs exactly once.
 */
export function translateStream(
  source: ChunkSource,
  decoder: StreamDecoder,
  assembler: Assembler,
  out: StreamEncoder,
  options: PipeOptions,
): ReadableStream<Uint8Array> {
  const text = new TextDecoder();
  const parser = new SseParser();
  const held = new EventShare(options.eventBudget);
  let finished = false;
  let sentFirst = false;
  /** Encoding failed: the caller has its error event and the stream ends. */
  let broken = false;
  let lastError: ProxyError | undefined;

  const encodeAll = (events: StreamEvent[]): string => {
    let chunk = "";
    for (const event of events) {
      if (event.type === "error") {
        event.error = redactError(event.error, options.secrets);
        lastError = event.error;
      }
      try {
        chunk += out.encode(event);
      } catch (error) {
        return chunk + encodeFailure(error);
      }
    }
    return chunk;
  };
  /** A bug or an answer no encoder expected: the dialect's error event ends the stream. */
  const encodeFailure = (error: unknown): string => {
    broken = true;
    lastError = redactError(
      asProxyError(error, "Upstream answer could not be converted"),
      options.secrets,
    );
    try {
      return out.encode({ type: "error", error: lastError });
    } catch {
      return "";
    }
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
        if (decoder.ended) break;
      }
      if (decoder.ended) {
        // The upstream said its last word; what it may still send is no part of the answer.
        decoder.end();
        assembler.end();
        return;
      }
      const failure = holdEvent(held, parser.pendingLength, options);
      if (failure) assembler.fail(failure);
    } catch (error) {
      assembler.fail(asProxyError(error, "Upstream stream could not be converted"));
    }
  };

  const pump = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
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
      } else if (comments > 0 && out.keepAlive && !assembler.done && !broken) {
        // The upstream is alive but has nothing to say yet: so is this stream, in the caller's
        // dialect, after the message's start as Anthropic's own pings come (neither counted as
        // the first byte of the answer).
        assembler.start();
        const start = encodeAll(assembler.drain());
        if (!broken) {
          controller.enqueue(encoder.encode(start + out.keepAlive()));
          return;
        }
        controller.enqueue(encoder.encode(start));
      }
      if (!input || assembler.done || broken) {
        // After the upstream's own end its connection may still close cleanly: let it.
        if (input && decoder.ended && !lastError) letGo(source);
        else if (input) source.cancel();
        controller.close();
        complete();
        return;
      }
      if (chunk) return;
    }
  };

  return pullStream(source, pump, (error) => {
    lastError ??= error;
    complete();
  });
}

/**
 * The caller's byte stream around `pump` (the work of one caller read), pull-driven: whatever
 * `pump` throws (a bug, not the upstream's doing) still ends the stream once through `end`, and
 * so does the caller going away; either way the upstream `source` is cancelled.
 */
export function pullStream(
  source: ChunkSource,
  pump: (controller: ReadableStreamDefaultController<Uint8Array>) => Promise<void>,
  end: (error: ProxyError) => void,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        await pump(controller);
      } catch (error) {
        source.cancel();
        end(asProxyError(error, "The stream failed"));
        try {
          controller.close();
        } catch {
          // already closed
        }
      }
    },
    cancel(reason) {
      end(new ProxyError("invalid_request", "Caller went away", 499));
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
export function redactError(
  error: ProxyError,
  secrets: readonly (string | undefined)[],
): ProxyError {
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
