/**
 * The converting stream: upstream SSE bytes → parser → upstream decoder → Assembler → caller
 * encoder → bytes, wrapped into the caller's byte stream (its lifecycle: stream_lifecycle.ts).
 */
import type { ProxyError } from "../errors.ts";
import type { Assembler } from "../ir/assembler.ts";
import type { StreamDecoder, StreamEncoder } from "../ir/codec.ts";
import type { StreamEvent } from "../ir/types.ts";
import { SseParser } from "../sse/parser.ts";
import { asOverflow } from "../upstream/context_overflow.ts";
import type { ChunkSource } from "../bytes/chunk_source.ts";
import { asProxyError, type PipeOptions, StreamLifecycle } from "./stream_lifecycle.ts";

type Controller = ReadableStreamDefaultController<Uint8Array>;

const encoder = new TextEncoder();

/**
 * The caller's stream converted from the upstream's. Output goes out as soon as one upstream
 * event has been converted. The upstream's own end (`[DONE]`, `message_stop`, …) ends the
 * caller's stream at once and lets the upstream go, even if its connection stays open. Whatever
 * fails on the way, the caller gets the dialect's error event and `onDone` runs exactly once.
 */
export function translateStream(
  source: ChunkSource,
  decoder: StreamDecoder,
  assembler: Assembler,
  out: StreamEncoder,
  options: PipeOptions,
): ReadableStream<Uint8Array> {
  return new Translation(source, decoder, assembler, out, options).stream;
}

class Translation {
  readonly stream: ReadableStream<Uint8Array>;
  readonly #decoder: StreamDecoder;
  readonly #assembler: Assembler;
  readonly #out: StreamEncoder;
  readonly #life: StreamLifecycle;
  readonly #text = new TextDecoder();
  readonly #parser = new SseParser();
  /** Encoding failed: the caller has its error event and the stream ends. */
  #broken = false;
  /** The error the stream ends with, as the caller was told it. */
  #error?: ProxyError;

  constructor(
    source: ChunkSource,
    decoder: StreamDecoder,
    assembler: Assembler,
    out: StreamEncoder,
    options: PipeOptions,
  ) {
    this.#decoder = decoder;
    this.#assembler = assembler;
    this.#out = out;
    this.#life = new StreamLifecycle(source, options, () => ({
      usage: assembler.usage,
      warnings: [...assembler.warnings],
      error: this.#error,
    }));
    this.stream = this.#life.stream((controller) => this.#pump(controller));
  }

  /** One caller read: upstream reads until something can be sent, or the end. */
  async #pump(controller: Controller): Promise<void> {
    const assembler = this.#assembler;
    for (;;) {
      let input: Uint8Array | undefined;
      try {
        input = await this.#life.read();
      } catch (error) {
        assembler.fail(asProxyError(error));
      }
      this.#step(input);
      const chunk = this.#encodeAll(assembler.drain());
      const comments = this.#parser.takeComments();
      if (chunk) this.#life.send(controller, chunk);
      else if (comments > 0 && this.#out.keepAlive && !assembler.done && !this.#broken) {
        if (this.#keepAlive(controller)) return;
      }
      if (!input || assembler.done || this.#broken) {
        const after = !input ? "drained" : this.#decoder.ended ? "ended" : "stop";
        this.#life.close(controller, after, this.#error);
        return;
      }
      if (chunk) return;
    }
  }

  /**
   * The upstream is alive but has nothing to say yet: so is this stream, in the caller's
   * dialect, after the message's start as Anthropic's own pings come (neither counted as the
   * first byte of the answer). False when writing the start failed.
   */
  #keepAlive(controller: Controller): boolean {
    this.#assembler.start();
    const start = this.#encodeAll(this.#assembler.drain());
    if (this.#broken) {
      controller.enqueue(encoder.encode(start));
      return false;
    }
    controller.enqueue(encoder.encode(start + this.#out.keepAlive!()));
    return true;
  }

  /** Feeds one upstream read into the state machines; any failure becomes the stream's error. */
  #step(chunk: Uint8Array | undefined): void {
    const decoder = this.#decoder;
    const assembler = this.#assembler;
    const parser = this.#parser;
    try {
      if (!chunk) {
        for (const event of parser.end()) decoder.push(event);
        decoder.end();
        assembler.end();
        return;
      }
      for (const event of parser.push(this.#text.decode(chunk, { stream: true }))) {
        decoder.push(event);
        if (decoder.ended) break;
      }
      if (decoder.ended) {
        // The upstream said its last word; what it may still send is no part of the answer.
        decoder.end();
        assembler.end();
        return;
      }
      const failure = this.#life.hold(parser.pendingLength);
      if (failure) assembler.fail(failure);
    } catch (error) {
      assembler.fail(asProxyError(error, "Upstream stream could not be converted"));
    }
  }

  /** The caller's text for `events`; an encoder failure ends it with the error event. */
  #encodeAll(events: StreamEvent[]): string {
    let chunk = "";
    for (const event of events) {
      if (event.type === "error") {
        event.error = this.#life.safeError(asOverflow(event.error));
        this.#error = event.error;
      }
      try {
        chunk += this.#out.encode(event);
      } catch (error) {
        return chunk + this.#encodeFailure(error);
      }
    }
    return chunk;
  }

  /** A bug or an answer no encoder expected: the dialect's error event ends the stream. */
  #encodeFailure(error: unknown): string {
    this.#broken = true;
    this.#error = this.#life.safeError(
      asProxyError(error, "Upstream answer could not be converted"),
    );
    try {
      return this.#out.encode({ type: "error", error: this.#error });
    } catch {
      return "";
    }
  }
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
