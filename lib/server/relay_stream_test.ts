import assert from "node:assert/strict";
import { sourceOf } from "../bytes/chunk_source.ts";
import { CODECS } from "../dialects.ts";
import type { DialectCodec } from "../ir/codec.ts";
import { EventBudget } from "./event_budget.ts";
import { relayStream } from "./relay_stream.ts";
import type { StreamDone } from "./stream_lifecycle.ts";

/** An upstream body of `pieces`, then open (`open`) or closed; `state.cancelled` once let go. */
function body(pieces: string[], open: boolean) {
  const state = { cancelled: false };
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(c) {
      const next = pieces.shift();
      if (next !== undefined) c.enqueue(encoder.encode(next));
      else if (open) await new Promise(() => {});
      else c.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

function relay(codec: DialectCodec, pieces: string[], open = false, secrets: string[] = []) {
  const { stream, state } = body(pieces, open);
  const done: Parameters<StreamDone>[0][] = [];
  const out = relayStream(sourceOf(stream), codec, (line) => line.replace("dated", "asked"), {
    onFirstByte: () => {},
    onDone: (result) => done.push(result),
    maxEventBytes: 1 << 20,
    eventBudget: new EventBudget(2 << 20),
    secrets,
  });
  return { text: new Response(out).text(), state, done };
}

const chunk = (delta: unknown, finish: string | null = null) =>
  `data: {"id":"c","model":"dated","choices":[{"index":0,"delta":${
    JSON.stringify(delta)
  },"finish_reason":${JSON.stringify(finish)}}]}\n\n`;
const usage = 'data: {"id":"c","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}\n\n';

Deno.test("relayStream(): lines go through renamed; the dialect's end closes the stream at once", async () => {
  const { text, state, done } = relay(
    CODECS.openai,
    [chunk({ content: "Hi" }), chunk({}, "stop"), usage, "data: [DONE]\n\n", "data: late\n\n"],
    true,
  );
  const out = await text;
  assert.equal(
    out,
    chunk({ content: "Hi" }).replace("dated", "asked") +
      chunk({}, "stop").replace("dated", "asked") + usage + "data: [DONE]\n\n",
  );
  assert.equal(done.length, 1);
  assert.deepEqual([done[0].usage.inputTokens, done[0].usage.outputTokens], [5, 2]);
  assert.equal(done[0].error, undefined);
  // The upstream kept its connection open: it is let go, not waited for.
  for (let i = 0; i < 100 && !state.cancelled; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(state.cancelled);
});

Deno.test("relayStream(): a stream ended by its usage chunk still gets its [DONE]", async () => {
  const { text } = relay(CODECS.openai, [chunk({ content: "Hi" }), chunk({}, "stop"), usage], true);
  assert.ok((await text).endsWith(usage + "data: [DONE]\n\n"));
});

Deno.test("relayStream(): a stream cut short ends with the dialect's error event, reported once", async () => {
  const { text, done } = relay(CODECS.anthropic, [
    'event: message_start\ndata: {"type":"message_start","message":{"id":"m","model":"dated","usage":{"input_tokens":3,"output_tokens":1}}}\n\n',
    'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\nevent: content_block_delta\ndata: {"type":"content_blo',
  ]);
  const out = await text;
  assert.match(out, /"model":"asked"/);
  assert.ok(!out.includes('"content_blo\n'), "the cut line is dropped");
  assert.match(out, /event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);
  assert.equal(done.length, 1);
  assert.equal(done[0].error?.status, 502);
  assert.equal(done[0].usage.inputTokens, 3);
});

Deno.test("relayStream(): the upstream's own error event is relayed as it is, not doubled", async () => {
  const error =
    'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"busy"}}\n\n';
  const { text, done } = relay(CODECS.anthropic, [error]);
  assert.equal(await text, error);
  assert.equal(done.length, 1);
});

Deno.test("relayStream(): a key in the upstream's text never reaches the caller", async () => {
  const { text } = relay(
    CODECS.openai,
    ['data: {"error":{"message":"bad key sk-secret-123456"}}\n\n'],
    false,
    ["sk-secret-123456"],
  );
  assert.ok(!(await text).includes("sk-secret-123456"));
});

Deno.test("relayStream(): an end whose CRLF is split across chunks still ends in CRLF", async () => {
  const last = chunk({}, "stop").replace("\n\n", "\r\n");
  const { text } = relay(CODECS.openai, [last, "\r", "\ndata: [DONE]\r\n\r", "\n"], true);
  const out = await text;
  assert.ok(out.endsWith("data: [DONE]\r\n\r\n"), JSON.stringify(out));
});
