/**
 * The pass-through relay for a stream told as one JSON array written as it grows (Gemini's
 * `streamGenerateContent` without `?alt=sse`). Whole elements go to the caller as they complete
 * and are read for usage on the way; the array's end (or an element with which the dialect's
 * decoder sees the answer end) ends the caller's stream at once. An array cut short, or one that
 * ends before the answer finished, is closed with an error element, so what the caller holds is
 * always one valid array.
 */
import { ProxyError } from "../errors.ts";
import { JsonArrayReader } from "../json/json_array_reader.ts";
import type { DialectCodec } from "../ir/codec.ts";
import type { ChunkSource } from "../bytes/chunk_source.ts";
import { asProxyError, type PipeOptions, StreamLifecycle } from "./stream_lifecycle.ts";
import { UsageSniffer } from "./usage_sniffer.ts";

type Controller = ReadableStreamDefaultController<Uint8Array>;

/** Relays a JSON-array stream of `codec`'s dialect. */
export function relayJsonArray(
  source: ChunkSource,
  codec: DialectCodec,
  options: PipeOptions,
): ReadableStream<Uint8Array> {
  return new JsonArrayRelay(source, codec, options).stream;
}

class JsonArrayRelay {
  readonly stream: ReadableStream<Uint8Array>;
  readonly #codec: DialectCodec;
  readonly #life: StreamLifecycle;
  readonly #sniffer: UsageSniffer;
  readonly #text = new TextDecoder();
  readonly #reader = new JsonArrayReader();
  readonly #maxElement: number;
  /** Whether the array's `[` has gone to the caller. */
  #opened = false;

  constructor(source: ChunkSource, codec: DialectCodec, options: PipeOptions) {
    this.#codec = codec;
    this.#maxElement = options.maxEventBytes;
    this.#sniffer = new UsageSniffer(codec);
    this.#life = new StreamLifecycle(source, options, () => this.#sniffer.report());
    this.stream = this.#life.stream((controller) => this.#pump(controller));
  }

  /** One caller read: upstream reads until a whole element can be relayed, or the end. */
  async #pump(controller: Controller): Promise<void> {
    const reader = this.#reader;
    for (;;) {
      let chunk: Uint8Array | undefined;
      try {
        chunk = await this.#life.read();
      } catch (error) {
        return this.#stop(controller, asProxyError(error), "stop");
      }
      const text = chunk ? this.#text.decode(chunk, { stream: true }) : this.#text.decode();
      const piece = reader.push(text);
      const failed = this.#feed(piece.elements);
      this.#send(controller, piece.ready);
      const upstream = chunk ? "ended" : "drained";
      if (failed) return this.#stop(controller, failed, "stop");
      if (reader.invalid) {
        const error = new ProxyError("bad_gateway", "Upstream stream is not a JSON array");
        return this.#stop(controller, error, "stop");
      }
      if (reader.closed || this.#sniffer.ended || !chunk) {
        return this.#stop(controller, this.#unfinished(), upstream);
      }
      if (reader.pendingLength > this.#maxElement) {
        const error = new ProxyError(
          "bad_gateway",
          `Upstream stream element is larger than ${this.#maxElement} bytes`,
        );
        return this.#stop(controller, error, "stop");
      }
      const over = this.#life.hold(reader.pendingLength);
      if (over) return this.#stop(controller, over, "stop");
      if (piece.ready) return;
    }
  }

  /** Reads whole elements for usage; the failure one holds that the upstream did not report. */
  #feed(elements: string[]): ProxyError | undefined {
    const sniffer = this.#sniffer;
    for (const data of elements) {
      if (sniffer.reported || sniffer.ended) return undefined;
      const failed = sniffer.push({ data });
      if (!failed) continue;
      if (!/^\s*\{\s*"error"/.test(data)) return failed;
      sniffer.reported = true;
    }
    return undefined;
  }

  /** Whether the answer was complete when the array (or the body) ended. */
  #unfinished(): ProxyError | undefined {
    const sniffer = this.#sniffer;
    if (sniffer.reported || sniffer.ended) return undefined;
    return sniffer.end([]);
  }

  #send(controller: Controller, text: string): void {
    if (!text) return;
    this.#opened = true;
    this.#life.send(controller, this.#life.safe(text));
  }

  /** Closes the array (with an error element on a failure) and ends the stream. */
  #stop(
    controller: Controller,
    error: ProxyError | undefined,
    upstream: "drained" | "ended" | "stop",
  ): void {
    const failure = error && this.#life.safeError(error);
    if (failure) {
      const element = JSON.stringify(this.#codec.errorBody(failure));
      this.#send(controller, `${this.#opened ? "," : "["}${element}]`);
    } else {
      this.#send(controller, this.#reader.tail || "]");
    }
    this.#life.close(controller, upstream, failure);
  }
}
