/**
 * Stream conversion for every caller × upstream pair: one upstream stream fixture, already
 * SSE-parsed, pushed through the upstream decoder, the Assembler and the caller's encoder.
 * Each bench is one whole stream; the name gives its event count (divide for per-event cost).
 */
import { Assembler } from "../lib/ir/assembler.ts";
import { CODECS } from "../lib/dialects.ts";
import { fixtureEvents, ids } from "./_fixtures.ts";

/** The dialects with a recorded stream to convert. */
type Dialect = "anthropic" | "openai" | "gemini";

const STREAMS: Record<Dialect, string> = {
  anthropic: "streams/anthropic_thinking_tools.sse",
  openai: "streams/openai_deepseek_reasoning_tools.sse",
  gemini: "streams/gemini_thinking_tools.sse",
};
const REQUEST = CODECS.anthropic.decodeRequest(
  { model: "m", max_tokens: 100, messages: [{ role: "user", content: "hi" }] },
  { model: "m", stream: true },
).value;

for (const upstream of ["anthropic", "openai", "gemini"] as Dialect[]) {
  const events = fixtureEvents(STREAMS[upstream]);
  for (const caller of ["anthropic", "openai", "gemini"] as Dialect[]) {
    if (caller === upstream) continue;
    Deno.bench(`${upstream} → ${caller} stream (${events.length} events)`, {
      group: `stream from ${upstream}`,
    }, () => {
      const assembler = new Assembler({ id: "msg", model: "m", newCallId: () => "call" });
      const decoder = CODECS[upstream].createStreamDecoder(assembler, {
        toolNames: new Map(),
        newId: ids.newId,
      });
      const out = CODECS[caller].createStreamEncoder(REQUEST, { ...ids, sse: true });
      let bytes = 0;
      for (const event of events) {
        decoder.push(event);
        for (const e of assembler.drain()) bytes += out.encode(e).length;
      }
      decoder.end();
      assembler.end();
      for (const e of assembler.drain()) bytes += out.encode(e).length;
      if (bytes === 0) throw new Error("no output");
    });
  }
}
