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
import { Assembler } from "../ir/assembler.ts";
import type { DialectCodec } from "../ir/codec.ts";
import { redact } from "../redact.ts";
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

/** Relays a JSON-array stream of `codec`'s dialect. */
export function relayJsonArray(
  source: ChunkSource,
  codec: DialectCodec,
  options: PipeOptions,
): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const reader = new JsonArrayReader();
  const assembler = new Assembler({ id: "", model: "", newCallId: () => "" });
  const sniffer = codec.createStreamDecoder(assembler, { toolNames: new Map(), newId: () => "" });
  const held = new EventShare(options.eventBudget);
  /** Whether the array's `[` has gone to the caller. */
  let opened = false;
  let first = true;
  let finished = false;
  /** The upstream's own error element is in the array (relayed as it is). */
  let reported = false;
  const complete = (error?: ProxyError) => {
    if (finished) return;
    finished = true;
    held.release();
    options.onDone({ usage: assembler.usage, error, warnings: [...assembler.warnings] });
  };
  const feed = (elements: string[]): ProxyError | undefined => {
    for (const data of elements) {
      if (reported || sniffer.ended) return undefined;
      sniffer.push({ data });
      const failed = assembler.drain().find((e) => e.type === "error");
      if (failed?.type !== "error") continue;
      if (!/^\s*\{\s*"error"/.test(data)) return failed.error;
      reported = true;
    }
    return undefined;
  };
  /** Whether the answer was complete when the array (or the body) ended. */
  const unfinished = (): ProxyError | undefined => {
    if (reported || sniffer.ended) return undefined;
    sniffer.end();
    assembler.end();
    const failed = assembler.drain().find((e) => e.type === "error");
    return failed?.type === "error" ? failed.error : undefined;
  };
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, text: string) => {
    if (!text) return;
    opened = true;
    if (first) {
      first = false;
      options.onFirstByte();
    }
    const safe = options.secrets.some((k) => text.includes(k))
      ? redact(text, options.secrets)
      : text;
    controller.enqueue(encoder.encode(safe));
  };
  const stop = (controller: ReadableStreamDefaultController<Uint8Array>, error?: ProxyError) => {
    const failure = error && redactError(error, options.secrets);
    if (failure) {
      const element = JSON.stringify(codec.errorBody(failure));
      send(controller, `${opened ? "," : "["}${element}]`);
    } else {
      send(controller, reader.tail || "]");
    }
    controller.close();
    // After the array's own end its connection may still close cleanly: let it.
    if (!failure && (reader.closed || sniffer.ended)) letGo(source);
    else source.cancel();
    complete(failure);
  };
  const pump = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    for (;;) {
      let chunk: Uint8Array | undefined;
      try {
        chunk = await source.read();
      } catch (error) {
        return stop(controller, asProxyError(error));
      }
      const piece = reader.push(chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode());
      const failed = feed(piece.elements);
      send(controller, piece.ready);
      if (failed) return stop(controller, failed);
      if (reader.invalid) {
        return stop(
          controller,
          new ProxyError("bad_gateway", "Upstream stream is not a JSON array"),
        );
      }
      if (reader.closed || sniffer.ended || !chunk) return stop(controller, unfinished());
      if (reader.pendingLength > options.maxEventBytes) {
        const limit = options.maxEventBytes;
        return stop(
          controller,
          new ProxyError("bad_gateway", `Upstream stream element is larger than ${limit} bytes`),
        );
      }
      const over = holdEvent(held, reader.pendingLength, options);
      if (over) return stop(controller, over);
      if (piece.ready) return;
    }
  };
  return pullStream(source, pump, complete);
}
