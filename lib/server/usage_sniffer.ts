/**
 * A relayed stream's usage, read on the way with the dialect's own stream decoder (its events
 * fed to an Assembler whose own output is dropped): the figures, whether the answer has ended,
 * and the failure an event holds.
 */
import type { ProxyError } from "../errors.ts";
import { Assembler } from "../ir/assembler.ts";
import type { DialectCodec, StreamDecoder } from "../ir/codec.ts";
import type { SseEvent } from "../sse/parser.ts";
import type { Report } from "./stream_lifecycle.ts";

export class UsageSniffer {
  /** The upstream's own error event ended the stream (already relayed as it came). */
  reported = false;
  readonly #assembler = new Assembler({ id: "", model: "", newCallId: () => "" });
  readonly #decoder: StreamDecoder;

  constructor(codec: DialectCodec) {
    this.#decoder = codec.createStreamDecoder(this.#assembler, {
      toolNames: new Map(),
      newId: () => "",
    });
  }

  /** The upstream has sent its dialect's last event. */
  get ended(): boolean {
    return this.#decoder.ended;
  }

  /** Reads one event; the failure it amounts to, if any. */
  push(event: SseEvent): ProxyError | undefined {
    this.#decoder.push(event);
    return this.#failure();
  }

  /**
   * The stream stopped, `rest` being the events still in the parser: the failure an answer
   * without its closing events amounts to, if it does.
   */
  end(rest: SseEvent[]): ProxyError | undefined {
    for (const event of rest) this.#decoder.push(event);
    this.#decoder.end();
    this.#assembler.end();
    return this.#failure();
  }

  /** The usage and warnings read so far. */
  report(): Report {
    return { usage: this.#assembler.usage, warnings: [...this.#assembler.warnings] };
  }

  #failure(): ProxyError | undefined {
    const failed = this.#assembler.drain().find((e) => e.type === "error");
    return failed?.type === "error" ? failed.error : undefined;
  }
}
