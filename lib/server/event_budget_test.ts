import { sourceOf } from "../bytes/chunk_source.ts";
import assert from "node:assert/strict";
import { Assembler } from "../ir/assembler.ts";
import type { Request } from "../ir/types.ts";
import { CODECS } from "../dialects.ts";
import { EventBudget, EventShare } from "./event_budget.ts";
import { translateStream } from "./stream_pipe.ts";

Deno.test("EventBudget: shares grow within the limit and give back what they held", () => {
  const budget = new EventBudget(100);
  const a = new EventShare(budget);
  const b = new EventShare(budget);
  assert.equal(a.hold(60), true);
  assert.equal(b.hold(50), false, "60 + 50 is over 100");
  assert.equal(b.hold(40), true);
  assert.equal(budget.held, 100);
  a.release();
  assert.equal(b.hold(90), true);
  assert.equal(budget.held, 90);
});

const REQUEST: Request = {
  model: "m",
  system: [],
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  tools: [],
  stream: true,
} as unknown as Request;

/** An upstream stream whose chunks are pushed by the test. */
function controlled() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => controller = c });
  return {
    body,
    send: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
  };
}

function pipe(upstream: ReadableStream<Uint8Array>, budget: EventBudget) {
  const assembler = new Assembler({ id: "msg", model: "m", newCallId: () => "c" });
  const decoder = CODECS.openai.createStreamDecoder(assembler, {
    toolNames: new Map(),
    newId: () => "x",
  });
  const encoder = CODECS.anthropic.createStreamEncoder(REQUEST, {
    sse: true,
    newId: () => "x",
    now: () => 0,
  });
  let error: string | undefined;
  const stream = translateStream(sourceOf(upstream), decoder, assembler, encoder, {
    onFirstByte: () => {},
    onDone: (result) => error = result.error?.message,
    maxEventBytes: 800_000,
    eventBudget: budget,
    secrets: [],
  });
  return { stream, error: () => error };
}

Deno.test("translateStream(): unfinished events of all streams share one budget; the one over it fails", async () => {
  const budget = new EventBudget(1_000_000);
  const a = controlled();
  const b = controlled();
  const first = pipe(a.body, budget);
  const second = pipe(b.body, budget);
  const big = (text: string) =>
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: text } }] })}\n\n`;
  const eventA = big("a".repeat(600_000));
  const eventB = big("b".repeat(600_000));
  // A holds 500,000 characters of its event; B's event then needs more than is left.
  a.send(eventA.slice(0, 500_000));
  const readerA = first.stream.getReader();
  const pendingA = readerA.read();
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.ok(budget.held >= 500_000);
  b.send(eventB.slice(0, 600_000));
  const textB = await new Response(second.stream).text();
  assert.match(textB, /event: error/);
  assert.match(second.error() ?? "", /does not fit: the proxy already holds/);
  a.send(eventA.slice(500_000));
  a.send(
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
  );
  a.end();
  let textA = new TextDecoder().decode((await pendingA).value);
  for (let r = await readerA.read(); !r.done; r = await readerA.read()) {
    textA += new TextDecoder().decode(r.value);
  }
  assert.match(textA, /message_stop/);
  assert.equal(first.error(), undefined);
  assert.equal(budget.held, 0, "both streams gave back what they held");
});
