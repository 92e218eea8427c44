/** SSE parsing and encoding, per MB of stream text. */
import { encodeSse } from "../lib/sse/encoder.ts";
import { SseParser } from "../lib/sse/parser.ts";
import { fixtureText } from "./_fixtures.ts";

const MB = 1 << 20;
const SAMPLE = fixtureText("streams/openai_text_only.sse");
const ONE_MB = SAMPLE.repeat(Math.ceil(MB / SAMPLE.length)).slice(0, MB);
const CHUNKS: string[] = [];
for (let at = 0; at < ONE_MB.length; at += 16 * 1024) CHUNKS.push(ONE_MB.slice(at, at + 16384));

Deno.bench("SseParser: parse 1 MB in 16 KB chunks", { group: "sse" }, () => {
  const parser = new SseParser();
  let n = 0;
  for (const chunk of CHUNKS) n += parser.push(chunk).length;
  n += parser.end().length;
  if (n === 0) throw new Error("no events");
});

const DATA = JSON.stringify({
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  choices: [{ index: 0, delta: { content: "Some streamed words of an answer, " } }],
});
const PER_MB = Math.ceil(MB / (DATA.length + 8));
Deno.bench(`encodeSse: encode 1 MB (${PER_MB} events)`, { group: "sse" }, () => {
  let size = 0;
  for (let i = 0; i < PER_MB; i++) size += encodeSse(DATA).length;
  if (size < MB) throw new Error("short");
});
