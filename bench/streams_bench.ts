/**
 * Stream conversion for every caller × upstream pair: one upstream stream fixture, already
 * SSE-parsed, pushed through the upstream decoder, the Assembler and the caller's encoder.
 * Each bench is one whole stream; the name gives its event count (divide for per-event cost).
 */
import { Assembler } from "../lib/ir/assembler.ts";
import type { Dialect } from "../lib/ir/types.ts";
import { CODECS, DIALECTS } from "../lib/dialects.ts";
import { fixtureEvents, ids } from "./_fixtures.ts";

const STREAMS: Record<Dialect, string> = {
  anthropic: "streams/anthropic_thinking_tools.sse",
  openai: "streams/openai_deepseek_reasoning_tools.sse",
  gemini: "streams/gemini_thinking_tools.sse",
  responses: "streams/responses_reasoning_tools.sse",
};
const REQUEST = CODECS.anthropic.decodeRequest(
  { model: "m", max_tokens: 100, messages: [{ role: "user", content: "hi" }] },
  { model: "m", stream: true },
).value;

for (const upstream of DIALECTS) {
  const events = fixtureEvents(STREAMS[upstream]);
  for (const caller of DIALECTS) {
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
