/**
 * Test support for the three upstream stream decoders: runs recorded SSE text through the real
 * parser, a dialect's decoder and a real Assembler, and returns the strict events it made.
 */
import { SseParser } from "../sse/parser.ts";
import { Assembler } from "./assembler.ts";
import type { DecodeContext, StreamDecoder } from "./codec.ts";
import type { StreamEvent } from "./types.ts";

export interface DecodeSseOptions {
  /** The caller's model name on `message_start`. */
  model: string;
  /** The message id used when the upstream gives none. */
  id: string;
  newCallId: () => string;
  context: DecodeContext;
  /** Split the text in two at this offset, to cross a chunk boundary mid-line. */
  cut?: number;
}

/** The strict events a decoder makes of `sse`, the stream ended as the server ends it. */
export function decodeSse(
  createStreamDecoder: (assembler: Assembler, context: DecodeContext) => StreamDecoder,
  sse: string,
  options: DecodeSseOptions,
): StreamEvent[] {
  const assembler = new Assembler({
    id: options.id,
    model: options.model,
    newCallId: options.newCallId,
  });
  const decoder = createStreamDecoder(assembler, options.context);
  const parser = new SseParser();
  const cut = options.cut ?? sse.length;
  for (const piece of [sse.slice(0, cut), sse.slice(cut)]) {
    for (const event of parser.push(piece)) decoder.push(event);
  }
  for (const event of parser.end()) decoder.push(event);
  decoder.end();
  assembler.end();
  return assembler.drain();
}
