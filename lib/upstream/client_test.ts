import assert from "node:assert/strict";
import { answerLimit, callUpstream, chunksOf, readUpstreamText } from "./client.ts";

Deno.test("answerLimit() is at least 64 MiB and twice max_request_bytes", () => {
  assert.equal(answerLimit(1024), 64 * 1024 * 1024);
  assert.equal(answerLimit(100 * 1024 * 1024), 200 * 1024 * 1024);
});

Deno.test("readUpstreamText() stops at the limit with a 502", async () => {
  assert.equal(await readUpstreamText(new Response("héllo"), 10), "héllo");
  await assert.rejects(readUpstreamText(new Response("x".repeat(11)), 10), { status: 502 });
});

Deno.test('callUpstream() names the cause of a failed connection, not only "fetch failed"', async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    callUpstream({
      url: `http://127.0.0.1:${port}/v1/chat/completions?key=secret`,
      headers: new Headers(),
      body: new Uint8Array(0),
      signal: new AbortController().signal,
      timeoutMs: 5000,
      errorMessage: () => undefined,
    }),
    (error: Error & { status: number }) => {
      assert.equal(error.status, 502);
      assert.match(error.message, /Connection refused/);
      assert.ok(!error.message.includes("secret"), error.message);
      return true;
    },
  );
});

Deno.test("callUpstream(): the quiet time runs while a read waits, not while the proxy does not read", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () =>
      new Response(
        new ReadableStream({
          start(controller) {
            for (let i = 0; i < 3; i++) {
              controller.enqueue(new TextEncoder().encode(`chunk ${i}\n`));
            }
            controller.close();
          },
        }),
      ),
  );
  try {
    const response = await callUpstream({
      url: `http://127.0.0.1:${server.addr.port}/`,
      headers: new Headers(),
      body: new Uint8Array(0),
      signal: new AbortController().signal,
      timeoutMs: 100,
      errorMessage: () => undefined,
    });
    const source = chunksOf(response.body!);
    let text = new TextDecoder().decode(await source.read());
    // The caller (or a proxy busy with other streams) asks for the rest only later.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const busyUntil = performance.now() + 300;
    while (performance.now() < busyUntil) {
      // busy, not reading
    }
    for (let chunk = await source.read(); chunk; chunk = await source.read()) {
      text += new TextDecoder().decode(chunk);
    }
    assert.equal(text, "chunk 0\nchunk 1\nchunk 2\n");
  } finally {
    await server.shutdown();
  }
});
