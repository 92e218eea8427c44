import assert from "node:assert/strict";
import { createStreamEncoder } from "../anthropic/stream_encoder.ts";
import { Assembler } from "../ir/assembler.ts";
import type { StreamEncoder } from "../ir/codec.ts";
import { createStreamDecoder } from "../openai/stream_decoder.ts";
import { decodeRequest as decodeResponsesRequest } from "../responses/decode_request.ts";
import { createStreamEncoder as responsesEncoder } from "../responses/stream_encoder.ts";
import { sourceOf } from "../bytes/chunk_source.ts";
import { EventBudget } from "./event_budget.ts";
import type { StreamDone } from "./stream_lifecycle.ts";
import { translateStream } from "./stream_pipe.ts";

/** An upstream body that sends `pieces` and then stays open; `cancelled` tells if it was let go. */
function upstream(pieces: string[]) {
  const state = { cancelled: false };
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(c) {
      const next = pieces.shift();
      if (next !== undefined) c.enqueue(encoder.encode(next));
      else await new Promise(() => {});
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { body, state };
}

const chunk = (delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: "c", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

function pipe(pieces: string[], out: StreamEncoder) {
  const { body, state } = upstream(pieces);
  const assembler = new Assembler({ id: "msg", model: "m", newCallId: () => "call" });
  const decoder = createStreamDecoder(assembler, { toolNames: new Map(), newId: () => "id" });
  const done: Parameters<StreamDone>[0][] = [];
  const stream = translateStream(sourceOf(body), decoder, assembler, out, {
    onFirstByte: () => {},
    onDone: (result) => done.push(result),
    maxEventBytes: 1 << 20,
    eventBudget: new EventBudget(2 << 20),
    secrets: [],
  });
  return { stream, state, done };
}

Deno.test("translateStream(): an encoder that fails ends the stream with the error event, once", async () => {
  const anthropic = createStreamEncoder();
  const failing: StreamEncoder = {
    contentType: anthropic.contentType,
    encode(event) {
      if (event.type === "block_delta") throw new TypeError("cannot write this");
      return anthropic.encode(event);
    },
  };
  const { stream, state, done } = pipe(
    [chunk({ content: "Hi" }), chunk({ content: "!" })],
    failing,
  );
  const text = await new Response(stream).text();
  assert.match(text, /^event: message_start\n/);
  assert.match(
    text,
    /event: error\ndata: .*Upstream answer could not be converted: cannot write this/,
  );
  assert.ok(text.trimEnd().endsWith("}"), "the error event is the last");
  assert.equal(done.length, 1);
  assert.equal(done[0].error?.status, 502);
  assert.ok(state.cancelled, "the upstream is let go");
});

Deno.test("translateStream(): the upstream's end closes the stream even when its connection stays open", async () => {
  const tail = `data: ${
    JSON.stringify({ id: "c", choices: [], usage: { prompt_tokens: 2, completion_tokens: 1 } })
  }\n\n`;
  const { stream, state, done } = pipe(
    [chunk({ content: "Hi" }), chunk({}, "stop") + tail + chunk({ content: "late" })],
    createStreamEncoder(),
  );
  const text = await new Response(stream).text();
  assert.match(text, /event: message_stop/);
  assert.doesNotMatch(text, /late/);
  assert.equal(done.length, 1);
  assert.equal(done[0].error, undefined);
  assert.equal(done[0].usage.inputTokens, 2);
  for (let i = 0; i < 500 && !state.cancelled; i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(state.cancelled, "the upstream that stays open is let go");
});

Deno.test("translateStream(): an upstream's keep-alives reach a Responses caller as SSE comments", async () => {
  const request = decodeResponsesRequest({ model: "m", input: "hi", stream: true }).value;
  const out = responsesEncoder(request, { newId: (prefix) => `${prefix}1`, now: () => 0 });
  const { stream, done } = pipe(
    [
      ": OPENROUTER PROCESSING\n\n",
      ": OPENROUTER PROCESSING\n\n",
      chunk({ content: "Hi" }, "stop") + "data: [DONE]\n\n",
    ],
    out,
  );
  const reader = stream.getReader();
  const first = new TextDecoder().decode((await reader.read()).value);
  // The response opens first, as a caller expects, and the keep-alive is a comment after it.
  assert.match(
    first,
    /^event: response\.created\n[^]*event: response\.in_progress\n[^]*\n\n: keep-alive\n\n$/,
  );
  const second = new TextDecoder().decode((await reader.read()).value);
  assert.equal(second, ": keep-alive\n\n");
  let rest = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    rest += new TextDecoder().decode(r.value);
  }
  assert.match(rest, /event: response\.completed/);
  assert.doesNotMatch(rest, /response\.created/, "the response is opened once");
  assert.equal(done.length, 1);
  assert.equal(done[0].error, undefined);
});

Deno.test("translateStream(): a caller going away ends it once, as a 499, and lets the upstream go", async () => {
  const { stream, state, done } = pipe([chunk({ content: "Hi" })], createStreamEncoder());
  const reader = stream.getReader();
  assert.match(new TextDecoder().decode((await reader.read()).value), /message_start/);
  await reader.cancel();
  assert.equal(done.length, 1);
  assert.equal(done[0].error?.status, 499);
  assert.ok(state.cancelled);
});

Deno.test("translateStream(): an event over max_event_bytes ends the stream with a 502 error event", async () => {
  const { body, state } = upstream([`data: {"id":"c","x":"${"y".repeat(2000)}`]);
  const assembler = new Assembler({ id: "msg", model: "m", newCallId: () => "call" });
  const decoder = createStreamDecoder(assembler, { toolNames: new Map(), newId: () => "id" });
  const done: Parameters<StreamDone>[0][] = [];
  const stream = translateStream(sourceOf(body), decoder, assembler, createStreamEncoder(), {
    onFirstByte: () => {},
    onDone: (result) => done.push(result),
    maxEventBytes: 1000,
    eventBudget: new EventBudget(2 << 20),
    secrets: [],
  });
  const text = await new Response(stream).text();
  assert.match(text, /event: error\ndata: .*larger than 1000 bytes/);
  assert.equal(done.length, 1);
  assert.equal(done[0].error?.status, 502);
  assert.ok(state.cancelled);
});
