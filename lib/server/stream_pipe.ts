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

/** Called once when a stream ends: its usage and the error it ended with, if any. */
export type StreamDone = (result: { usage: Usage; error?: ProxyError; warnings: string[] }) => void;

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
  onFirstByte: () => void,
  onDone: StreamDone,
): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  const text = new TextDecoder();
  const parser = new SseParser();
  let finished = false;
  let sentFirst = false;
  let lastError: ProxyError | undefined;

  const encodeAll = (events: StreamEvent[]): string => {
    let chunk = "";
    for (const event of events) {
      if (event.type === "error") lastError = event.error;
      chunk += out.encode(event);
    }
    return chunk;
  };
  const complete = () => {
    if (finished) return;
    finished = true;
    onDone({ usage: assembler.usage, error: lastError, warnings: [...assembler.warnings] });
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let chunk = "";
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          assembler.fail(asProxyError(error));
          chunk = encodeAll(assembler.drain());
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          complete();
          return;
        }
        if (result.done) {
          for (const event of parser.end()) decoder.push(event);
          decoder.end();
          assembler.end();
          chunk = encodeAll(assembler.drain());
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          complete();
          return;
        }
        for (const event of parser.push(text.decode(result.value, { stream: true }))) {
          decoder.push(event);
        }
        chunk = encodeAll(assembler.drain());
        if (chunk) {
          if (!sentFirst) {
            sentFirst = true;
            onFirstByte();
          }
          controller.enqueue(encoder.encode(chunk));
          if (assembler.done && lastError) {
            reader.cancel().catch(() => {});
            controller.close();
            complete();
          }
          return;
        }
      }
    },
    cancel(reason) {
      lastError ??= new ProxyError("invalid_request", "Caller went away", 499);
      complete();
      return reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
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

/** A stream read failure as the error the caller should see. */
export function asProxyError(error: unknown): ProxyError {
  if (error instanceof ProxyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProxyError("bad_gateway", `Upstream connection lost: ${message}`);
}
