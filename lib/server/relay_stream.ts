/**
 * The pass-through stream relay: the upstream's SSE bytes go to the caller as they come, line by
 * line, with only the model name rewritten; usage is read on the way with the dialect's own
 * decoder, and a failure mid-stream ends it with the dialect's error event.
 */
import { ProxyError } from "../errors.ts";
import { Assembler } from "../ir/assembler.ts";
import type { DialectCodec } from "../ir/codec.ts";
import type { Dialect } from "../ir/types.ts";
import { type SseEvent, SseParser } from "../sse/parser.ts";
import { encodeSse } from "../sse/encoder.ts";
import { chunksOf, redact } from "../upstream/client.ts";
import { CODECS } from "./codecs.ts";
import { EventShare } from "./event_budget.ts";
import { asProxyError, holdEvent, type PipeOptions, redactError } from "./stream_pipe.ts";

/**
 * Relays upstream stream bytes line by line (renaming the model in `data:` lines), reading
 * usage with the dialect's own decoder, and ending with the dialect's error event if the
 * upstream fails mid-stream, sends an event that cannot be read, or stops early.
 */
export function relayStream(
  upstream: ReadableStream<Uint8Array>,
  format: Dialect,
  rename: (line: string) => string,
  codec: DialectCodec | undefined,
  options: PipeOptions,
): ReadableStream<Uint8Array> {
  const source = chunksOf(upstream);
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const assembler = new Assembler({ id: "", model: "", newCallId: () => "" });
  const sniffer = codec?.createStreamDecoder(assembler, { toolNames: new Map(), newId: () => "" });
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
    options.onDone({ usage: assembler.usage, error, warnings: [] });
  };
  /** Feeds relayed text to the sniffer; returns a failure the upstream did not report itself. */
  const feed = (text: string): ProxyError | undefined => {
    if (!sniffer || reported) return undefined;
    try {
      for (const event of parser.push(text)) {
        if (!holdsUsage(format, event)) continue;
        sniffer.push(event);
        const failed = assembler.drain().find((e) => e.type === "error");
        if (failed?.type !== "error") continue;
        if (isErrorEvent(format, event)) {
          reported = true;
          return undefined;
        }
        return failed.error;
      }
    } catch (error) {
      return asProxyError(error, "Upstream stream could not be read");
    }
    return holdEvent(held, parser.pendingLength + carry.length, options);
  };
  const safe = (text: string) =>
    options.secrets.some((k) => text.includes(k)) ? redact(text, options.secrets) : text;
  const stop = (
    controller: ReadableStreamDefaultController<Uint8Array>,
    text: string,
    error: ProxyError | undefined,
  ) => {
    const failure = error && redactError(error, options.secrets);
    const tail = failure ? text + "\n" + streamErrorEvent(format, failure) : text;
    if (tail) controller.enqueue(encoder.encode(tail));
    controller.close();
    source.cancel();
    complete(failure);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
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
          const failed = feed(tail) ??
            (sniffer && !reported ? endedEarly(sniffer, parser, assembler) : undefined);
          return stop(controller, tail ? safe(rename(tail)) : "", failed);
        }
        const text = decoder.decode(chunk, { stream: true });
        const cut = text.lastIndexOf("\n") + 1;
        // The chunk is whole lines, all of its bytes in `text`: relayed as it came when unchanged.
        const whole = aligned && carry === "" && chunk[chunk.length - 1] === 10;
        aligned = chunk[chunk.length - 1] === 10;
        if (cut === 0) {
          carry += text;
          const failure = holdEvent(held, parser.pendingLength + carry.length, options);
          if (failure) return stop(controller, "", failure);
          continue;
        }
        const lines = whole ? text : carry + text.slice(0, cut);
        carry = whole ? "" : text.slice(cut);
        const failed = feed(lines);
        if (first) {
          first = false;
          options.onFirstByte();
        }
        const out = safe(format === "gemini" ? lines : renameLines(lines, rename));
        if (failed) return stop(controller, out, failed);
        controller.enqueue(whole && out === lines ? chunk : encoder.encode(out));
        return;
      }
    },
    cancel(reason) {
      complete(new ProxyError("invalid_request", "Caller went away", 499));
      return source.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** Anthropic stream events that never carry usage, an error or the end of the message. */
const USAGE_FREE = new Set([
  "content_block_delta",
  "content_block_start",
  "content_block_stop",
  "ping",
  "message_stop",
]);

/**
 * Whether the usage sniffer needs an event: only those that can hold usage, an error or the
 * finish are parsed (Anthropic `message_start`/`message_delta`/`error`; OpenAI chunks naming
 * `usage`, `error` or a `finish_reason`, and `[DONE]`). A skipped event still has to look like a
 * whole JSON object, else the sniffer sees it and the stream ends with an error.
 */
function holdsUsage(format: Dialect, event: SseEvent): boolean {
  const data = event.data;
  if (data.charCodeAt(0) !== 123 || data.charCodeAt(data.length - 1) !== 125) return true;
  switch (format) {
    case "anthropic":
      return event.event === undefined || !USAGE_FREE.has(event.event);
    case "openai":
      return data.includes('"usage"') || data.includes('"error"') || FINISHED.test(data);
    case "gemini":
      return true;
  }
}

/** A chunk whose `finish_reason` is set (not null). */
const FINISHED = /"finish_reason"\s*:\s*"/;

/** True for an event in which the upstream itself reports an error (relayed as it is). */
function isErrorEvent(format: Dialect, event: SseEvent): boolean {
  if (format === "anthropic" && event.event === "error") return true;
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

function renameLines(lines: string, rename: (line: string) => string): string {
  if (!lines.includes('"model"')) return lines;
  return lines.split("\n").map((line) => line.startsWith("data:") ? rename(line) : line).join(
    "\n",
  );
}

/** The error event that ends a stream in a dialect (SPEC §2). */
export function streamErrorEvent(dialect: Dialect, error: ProxyError): string {
  const body = JSON.stringify(CODECS[dialect].errorBody(error));
  return dialect === "anthropic" ? encodeSse(body, "error") : encodeSse(body);
}
