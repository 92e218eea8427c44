import assert from "node:assert/strict";
import { Held } from "../held.ts";
import { answerLimit, callUpstream, readUpstreamText, type UpstreamCall } from "./client.ts";

function call(url: string, timeoutMs = 5000): UpstreamCall {
  return {
    url,
    headers: new Headers(),
    body: new Held(new Uint8Array(0), "body"),
    signal: new AbortController().signal,
    timeoutMs,
    errorMessage: () => undefined,
  };
}

/** A fetch that answers every call with `response`. */
const answering = (response: () => Response) => () => Promise.resolve(response());

Deno.test("answerLimit() is at least 64 MiB and twice max_request_bytes", () => {
  assert.equal(answerLimit(1024), 64 * 1024 * 1024);
  assert.equal(answerLimit(100 * 1024 * 1024), 200 * 1024 * 1024);
});

Deno.test("readUpstreamText() stops at the limit with a 502", async () => {
  const ok = await callUpstream(call("http://u.invalid/"), answering(() => new Response("héllo")));
  assert.equal(await readUpstreamText(ok, 10), "héllo");
  const big = await callUpstream(
    call("http://u.invalid/"),
    answering(() => new Response("x".repeat(11))),
  );
  await assert.rejects(readUpstreamText(big, 10), { status: 502 });
});

Deno.test("callUpstream() hands the body to fetch once, and lets the call go of it", async () => {
  const sent: unknown[] = [];
  const upstream = call("http://u.invalid/");
  upstream.body = new Held(new TextEncoder().encode("{}"), "body");
  await callUpstream(upstream, (_url, init) => {
    sent.push(init?.body);
    return Promise.resolve(new Response("{}"));
  });
  assert.deepEqual(sent, [new TextEncoder().encode("{}")]);
  assert.throws(() => upstream.body.get(), /already let go/);
});

Deno.test("callUpstream() reads an error answer's message and status into the ProxyError", async () => {
  const refused = () =>
    new Response(JSON.stringify({ error: { message: "no credit" } }), {
      status: 402,
      headers: { "retry-after": "7" },
    });
  await assert.rejects(
    callUpstream(
      { ...call("http://u.invalid/"), errorMessage: (b: any) => b.error.message },
      answering(refused),
    ),
    (error: Error & { status: number; retryAfter?: string }) => {
      assert.equal(error.status, 402);
      assert.equal(error.message, "no credit");
      assert.equal(error.retryAfter, "7");
      return true;
    },
  );
});

Deno.test("callUpstream() refuses an HTML page in place of the API's answer, quoting its words", async () => {
  const page = () =>
    new Response("<html><title>Just a moment</title></html>", {
      headers: { "content-type": "text/html; charset=utf-8" },
    });
  await assert.rejects(
    callUpstream(call("http://u.invalid/"), answering(page)),
    /a text\/html page instead of the API's answer: "Just a moment/,
  );
});

Deno.test("callUpstream(): an upstream silent before its headers times out with a 504", async () => {
  // (A pending timer stands for the open connection: the idle clock itself keeps no one alive.)
  const never = (_url: unknown, init?: RequestInit) =>
    new Promise<Response>((_, reject) => {
      const open = setTimeout(() => reject(new Error("not aborted")), 5000);
      init?.signal?.addEventListener("abort", () => {
        clearTimeout(open);
        reject(new Error("aborted"));
      });
    });
  await assert.rejects(callUpstream(call("http://u.invalid/", 50), never), {
    status: 504,
    message: "Upstream did not answer within 0.05 s",
  });
});

Deno.test('callUpstream() names the cause of a failed connection, not only "fetch failed"', async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    callUpstream(call(`http://127.0.0.1:${port}/v1/chat/completions?key=secret`), fetch),
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
    const answer = await callUpstream(call(`http://127.0.0.1:${server.addr.port}/`, 100), fetch);
    const source = answer.body;
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
