/**
 * The pass-through stream relay: the upstream's SSE bytes go to the caller as they come, line by
 * line, with only the model name rewritten; usage is read on the way with the dialect's own
 * decoder, the dialect's end (`[DONE]`, `message_stop`, …) ends the caller's stream at once, and
 * a failure mid-stream ends it with the dialect's error event.
 */
import { ProxyError } from "../errors.ts";
import { Assembler } from "../ir/assembler.ts";
import type { DialectCodec } from "../ir/codec.ts";
import type { RelayWire } from "../ir/endpoint.ts";
import { redact } from "../redact.ts";
import { type SseEvent, SseParser } from "../sse/parser.ts";
import type { ChunkSource } from "../bytes/chunk_source.ts";
import { letGo } from "../upstream/let_go.ts";
import { EventShare } from "./event_budget.ts";
import {
  asProxyError,
  holdEvent,
  type PipeOptions,
  pullStream,
  redactError,
} from "./stream_pipe.ts";

/** What feeding relayed text to the usage sniffer found. */
interface Fed {
  /** A failure the upstream did not report itself. */
  failed?: ProxyError;
  /** The upstream's stream ended inside the text: its offset just past the last event. */
  endAt?: number;
  /** What the caller still needs after that event to see the dialect's end. */
  closing?: string;
}

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
  const wire = codec.relay;
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const assembler = new Assembler({ id: "", model: "", newCallId: () => "" });
  const sniffer = codec.createStreamDecoder(assembler, { toolNames: new Map(), newId: () => "" });
  const parser = new SseParser();
  const held = new EventShare(options.eventBudget);
  let carry = "";
  /** The chunks so far ended at a line end: the decoder holds no bytes of a character. */
  let aligned = true;
  let first = true;
  let finished = false;
  /** The upstream's own error event ended the stream (already relayed). */
  let reported = false;
  const complete = (error?: ProxyError) => {
    if (finished) return;
    finished = true;
    held.release();
    options.onDone({ usage: assembler.usage, error, warnings: [...assembler.warnings] });
  };
  const feed = (text: string): Fed => {
    if (reported) return {};
    try {
      const events = parser.push(text);
      for (let k = 0; k < events.length; k++) {
        const event = events[k];
        if (!holdsUsage(wire, event)) continue;
        sniffer.push(event);
        const failed = assembler.drain().find((e) => e.type === "error");
        if (failed?.type === "error") {
          if (!isErrorEvent(wire, event)) return { failed: failed.error };
          reported = true;
          return {};
        }
        if (sniffer.ended) return { endAt: parser.ends[k], closing: wire.closingAfter(event) };
      }
    } catch (error) {
      return { failed: asProxyError(error, "Upstream stream could not be read") };
    }
    const failed = holdEvent(held, parser.pendingLength + carry.length, options);
    return failed ? { failed } : {};
  };
  const relayed = (text: string) => {
    const out = rename ? renameLines(text, rename) : text;
    return options.secrets.some((k) => out.includes(k)) ? redact(out, options.secrets) : out;
  };
  const stop = (
    controller: ReadableStreamDefaultController<Uint8Array>,
    text: string,
    error: ProxyError | undefined,
  ) => {
    const failure = error && redactError(error, options.secrets);
    const tail = failure ? text + "\n" + wire.errorEvent(failure) : text;
    if (tail) controller.enqueue(encoder.encode(tail));
    controller.close();
    // After the upstream's own end its connection may still close cleanly: let it.
    if (!failure && sniffer.ended) letGo(source);
    else source.cancel();
    complete(failure);
  };
  const pump = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    for (;;) {
      let chunk: Uint8Array | undefined;
      try {
        chunk = await source.read();
      } catch (error) {
        // A partial line is dropped; the blank line ends any event that was in progress.
        return stop(controller, "", asProxyError(error));
      }
      if (!chunk) {
        const tail = carry + decoder.decode();
        carry = "";
        const fed = feed(tail);
        if (fed.endAt !== undefined) {
          return stop(controller, relayed(upToEnd(tail, fed.endAt)) + fed.closing, undefined);
        }
        const failed = fed.failed ??
          (reported ? undefined : endedEarly(sniffer, parser, assembler));
        // A line the upstream cut short is dropped before an error event, which must not
        // become the rest of that line's event.
        const sent = failed ? tail.slice(0, lineEnd(tail)) : tail;
        return stop(controller, sent ? relayed(sent) : "", failed);
      }
      const text = decoder.decode(chunk, { stream: true });
      const cut = lineEnd(text);
      const last = chunk[chunk.length - 1];
      // The chunk is whole lines, all of its bytes in `text`: relayed as it came when unchanged.
      const whole = aligned && carry === "" && (last === 10 || last === 13);
      aligned = last === 10 || last === 13;
      if (cut === 0) {
        carry += text;
        const failure = holdEvent(held, parser.pendingLength + carry.length, options);
        if (failure) return stop(controller, "", failure);
        continue;
      }
      const lines = whole ? text : carry + text.slice(0, cut);
      carry = whole ? "" : text.slice(cut);
      const fed = feed(lines);
      if (first) {
        first = false;
        options.onFirstByte();
      }
      if (fed.endAt !== undefined) {
        return stop(controller, relayed(upToEnd(lines, fed.endAt)) + fed.closing, undefined);
      }
      const out = relayed(lines);
      if (fed.failed) return stop(controller, out, fed.failed);
      controller.enqueue(whole && out === lines ? chunk : encoder.encode(out));
      return;
    }
  };
  return pullStream(source, pump, complete);
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

/** The error a stream that stopped without its closing events amounts to, if it did. */
function endedEarly(
  sniffer: { push(e: SseEvent): void; end(): void },
  parser: SseParser,
  assembler: Assembler,
): ProxyError | undefined {
  for (const event of parser.end()) sniffer.push(event);
  sniffer.end();
  assembler.end();
  const failed = assembler.drain().find((e) => e.type === "error");
  return failed?.type === "error" ? failed.error : undefined;
}

/** `data:` lines, whatever their line ends. */
const DATA_LINE = /^data:[^\r\n]*/gm;

function renameLines(lines: string, rename: (line: string) => string): string {
  if (!lines.includes('"model"')) return lines;
  return lines.replace(DATA_LINE, (line) => line.includes('"model"') ? rename(line) : line);
}
