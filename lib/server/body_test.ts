import assert from "node:assert/strict";
import { nestingDepth, readJsonObject } from "./body.ts";

const LIMITS = { maxBytes: 1 << 20, timeoutMs: 0 };

function post(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request("http://x/", { method: "POST", body, headers });
}

Deno.test("nestingDepth() counts levels without recursion and stops past the limit", () => {
  assert.equal(nestingDepth({ a: [1, { b: 2 }] }, 10), 3);
  assert.equal(nestingDepth("x", 10), 0);
  const deep = JSON.parse("[".repeat(200_000) + "]".repeat(200_000));
  assert.equal(nestingDepth(deep, 256), 257);
});

Deno.test("readJsonObject() refuses bodies over the limit with a 413, declared or not", async () => {
  await assert.rejects(
    readJsonObject(post('{"a": "0123456789"}'), { maxBytes: 10, timeoutMs: 0 }),
    { status: 413 },
  );
  const stream = new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode('{"a": "'));
      c.enqueue(new TextEncoder().encode("0123456789"));
      c.enqueue(new TextEncoder().encode('"}'));
      c.close();
    },
  });
  await assert.rejects(readJsonObject(post(stream), { maxBytes: 10, timeoutMs: 0 }), {
    status: 413,
  });
});

Deno.test("readJsonObject() gives a 408 for a body that does not arrive within its deadline", async () => {
  // A body that sends one byte and then nothing, as a client trickling its body would.
  const trickle = new ReadableStream<Uint8Array>({
    start: (controller) => controller.enqueue(new TextEncoder().encode("{")),
  });
  // The shared clock never keeps a process alive; a server's listener does, this timer here.
  const alive = setTimeout(() => {}, 10_000);
  await assert.rejects(readJsonObject(post(trickle), { maxBytes: 1 << 20, timeoutMs: 50 }), {
    status: 408,
    kind: "timeout",
  });
  clearTimeout(alive);
  const whole = await readJsonObject(post('{"a": 1}'), { maxBytes: 1 << 20, timeoutMs: 50 });
  assert.deepEqual(whole, { a: 1 });
});

Deno.test("readJsonObject() gives a 400 for bad UTF-8, bad JSON, non-objects and deep nesting", async () => {
  const bad = new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]);
  for (const body of [bad, "{", "[]", "null", "", `{"a": ${"[".repeat(300)}${"]".repeat(300)}}`]) {
    await assert.rejects(readJsonObject(post(body), LIMITS), { status: 400 });
  }
  const json = await readJsonObject(post('{"model": "m"}'), LIMITS);
  assert.deepEqual(json, { model: "m" });
});

Deno.test("readJsonObject() holds a large body's tools to the nesting limit, sent once or again", async () => {
  // Over 16 KB and written as JSON.stringify writes it: the size whose tools are remembered.
  let schema: Record<string, unknown> = { type: "string" };
  for (let i = 0; i < 400; i++) schema = { type: "object", properties: { a: schema } };
  const body = JSON.stringify({
    model: "m",
    messages: [{ role: "user", content: "x".repeat(20_000) }],
    tools: [{
      name: `deep_${crypto.randomUUID()}`,
      description: "d".repeat(5000),
      input_schema: schema,
    }],
  });
  for (let i = 0; i < 2; i++) {
    await assert.rejects(readJsonObject(post(body), LIMITS), { status: 400 }, `request ${i + 1}`);
  }
});
