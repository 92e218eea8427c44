/**
 * The pass-through stream relay: the upstream's SSE bytes go to the caller as they come, line by
 * line, with only the model name rewritten; usage is read on the way with the dialect's own
 * decoder, the dialect's end (`[DONE]`, `message_stop`, …) ends the caller's stream at once, and
 * a failure mid-stream ends it with the dialect's error event.
 */
import type { ProxyError } from "../errors.ts";
import type { DialectCodec } from "../ir/codec.ts";
import type { RelayWire } from "../ir/endpoint.ts";
import { type SseEvent, SseParser } from "../sse/parser.ts";
import type { ChunkSource } from "../bytes/chunk_source.ts";
import { asProxyError, type PipeOptions, StreamLifecycle } from "./stream_lifecycle.ts";
import { UsageSniffer } from "./usage_sniffer.ts";

/** What feeding relayed text to the usage sniffer found. */
interface Fed {
  /** A failure the upstream did not report itself. */
  failed?: ProxyError;
  /** The upstream's stream ended inside the text: its offset just past the last event. */
  endAt?: number;
  /** What the caller still needs after that event to see the dialect's end. */
  closing?: string;
}

type Controller = ReadableStreamDefaultController<Uint8Array>;

/**
 * Relays upstream stream bytes line by line (renaming the model in `data:` lines when `rename`
 * is given), reading usage with the dialect's own decoder, stopping at the dialect's end, and
 * ending with the dialect's error event if the upstream fails mid-stream, sends an event that
 * cannot be read, or stops early. Lines end at LF, CR or CRLF, as SSE allows.
 */
export function relayStream(
  source: ChunkSource,
  codec: DialectCodec,
  rename: ((line: string) => string) | undefined,
  options: PipeOptions,
): ReadableStream<Uint8Array> {
  return new SseRelay(source, codec, rename, options).stream;
}

class SseRelay {
  readonly stream: ReadableStream<Uint8Array>;
  readonly #wire: RelayWire;
  readonly #rename: ((line: string) => string) | undefined;
  readonly #life: StreamLifecycle;
  readonly #sniffer: UsageSniffer;
  readonly #text = new TextDecoder();
  readonly #parser = new SseParser();
  /** The end of a line cut by a chunk's end, not yet relayed. */
  #carry = "";
  /** The chunks so far ended at a line end: the decoder holds no bytes of a character. */
  #aligned = true;

  constructor(
    source: ChunkSource,
    codec: DialectCodec,
    rename: ((line: string) => string) | undefined,
    options: PipeOptions,
  ) {
    this.#wire = codec.relay;
    this.#rename = rename;
    this.#sniffer = new UsageSniffer(codec);
    this.#life = new StreamLifecycle(source, options, () => this.#sniffer.report());
    this.stream = this.#life.stream((controller) => this.#pump(controller));
  }

  /** One caller read: upstream reads until whole lines can be relayed, or the end. */
  async #pump(controller: Controller): Promise<void> {
    for (;;) {
      let chunk: Uint8Array | undefined;
      try {
        chunk = await this.#life.read();
      } catch (error) {
        // A partial line is dropped; the blank line ends any event that was in progress.
        return this.#stop(controller, "", asProxyError(error));
      }
      if (!chunk) return this.#end(controller);
      const text = this.#text.decode(chunk, { stream: true });
      const cut = lineEnd(text);
      const last = chunk[chunk.length - 1];
      // The chunk is whole lines, all of its bytes in `text`: relayed as it came when unchanged.
      const whole = this.#aligned && this.#carry === "" && (last === 10 || last === 13);
      this.#aligned = last === 10 || last === 13;
      if (cut === 0) {
        this.#carry += text;
        const failure = this.#life.hold(this.#parser.pendingLength + this.#carry.length);
        if (failure) return this.#stop(controller, "", failure);
        continue;
      }
      const lines = whole ? text : this.#carry + text.slice(0, cut);
      this.#carry = whole ? "" : text.slice(cut);
      const fed = this.#feed(lines);
      this.#life.firstByte();
      if (fed.endAt !== undefined) {
        const end = this.#relayed(upToEnd(lines, fed.endAt)) + fed.closing;
        return this.#stop(controller, end, undefined, "ended");
      }
      const out = this.#relayed(lines);
      if (fed.failed) return this.#stop(controller, out, fed.failed);
      this.#life.send(controller, whole && out === lines ? chunk : out);
      return;
    }
  }

  /** The upstream's body ended: what is left is relayed, or the stream ends in an error. */
  #end(controller: Controller): void {
    const tail = this.#carry + this.#text.decode();
    this.#carry = "";
    const fed = this.#feed(tail);
    if (fed.endAt !== undefined) {
      const end = this.#relayed(upToEnd(tail, fed.endAt)) + fed.closing;
      return this.#stop(controller, end, undefined, "drained");
    }
    const sniffer = this.#sniffer;
    const failed = fed.failed ?? (sniffer.reported ? undefined : sniffer.end(this.#parser.end()));
    // A line the upstream cut short is dropped before an error event, which must not become the
    // rest of that line's event.
    const sent = failed ? tail.slice(0, lineEnd(tail)) : tail;
    this.#stop(controller, sent ? this.#relayed(sent) : "", failed, "drained");
  }

  /** Reads relayed text for usage, the end of the answer, or a failure. */
  #feed(text: string): Fed {
    const sniffer = this.#sniffer;
    if (sniffer.reported) return {};
    const parser = this.#parser;
    try {
      const events = parser.push(text);
      for (let k = 0; k < events.length; k++) {
        const event = events[k];
        if (!holdsUsage(this.#wire, event)) continue;
        const failed = sniffer.push(event);
        if (failed) {
          if (!isErrorEvent(this.#wire, event)) return { failed };
          sniffer.reported = true;
          return {};
        }
        if (sniffer.ended) {
          return { endAt: parser.ends[k], closing: this.#wire.closingAfter(event) };
        }
      }
    } catch (error) {
      return { failed: asProxyError(error, "Upstream stream could not be read") };
    }
    const failed = this.#life.hold(parser.pendingLength + this.#carry.length);
    return failed ? { failed } : {};
  }

  /** Relayed text: the model renamed, no key of the call in it. */
  #relayed(text: string): string {
    return this.#life.safe(this.#rename ? renameLines(text, this.#rename) : text);
  }

  /** Sends `text` (and the dialect's error event after it, on a failure) and ends the stream. */
  #stop(
    controller: Controller,
    text: string,
    error: ProxyError | undefined,
    upstream: "drained" | "ended" | "stop" = "stop",
  ): void {
    const failure = error && this.#life.safeError(error);
    this.#life.send(controller, failure ? text + "\n" + this.#wire.errorEvent(failure) : text);
    this.#life.close(controller, upstream, failure);
  }
}

/**
 * The text up to the end of the stream's last event. In a stream whose lines end in CRLF, a CR
 * that ends it gets its LF: that may be in a chunk that is never read, and a caller that splits
 * lines at LF would otherwise never see the event end. (CR-only line ends stay as they are.)
 */
function upToEnd(text: string, at: number): string {
  const kept = text.slice(0, at);
  return kept.endsWith("\r") && kept.includes("\r\n") ? kept + "\n" : kept;
}

/** The offset just past the last line end (LF, CR or CRLF) of `text`; 0 when it has none. */
function lineEnd(text: string): number {
  return Math.max(text.lastIndexOf("\n"), text.lastIndexOf("\r")) + 1;
}

/**
 * Whether the usage sniffer needs an event: only those the dialect says may hold usage, an error
 * or the end are parsed. A skipped event still has to look like a whole JSON object, else the
 * sniffer sees it and the stream ends with an error.
 */
function holdsUsage(wire: RelayWire, event: SseEvent): boolean {
  const data = event.data;
  if (data.charCodeAt(0) !== 123 || data.charCodeAt(data.length - 1) !== 125) return true;
  return wire.carriesUsage(event);
}

/** True for an event in which the upstream itself reports an error (relayed as it is). */
function isErrorEvent(wire: RelayWire, event: SseEvent): boolean {
  if (wire.isErrorEvent?.(event)) return true;
  return /^\s*\{\s*"(error|type"\s*:\s*"error)"/.test(event.data);
}

/** `data:` lines, whatever their line ends. */
const DATA_LINE = /^data:[^\r\n]*/gm;

function renameLines(lines: string, rename: (line: string) => string): string {
  if (!lines.includes('"model"')) return lines;
  return lines.replace(DATA_LINE, (line) => line.includes('"model"') ? rename(line) : line);
}
