/**
 * The floor the proxy is measured against in bench/e2e.ts: a ten-line Deno proxy that parses the
 * request body, sets the model, serialises it again and hands the upstream's answer back untouched
 * (piped by Deno: no usage read, no conversion, no checks).
 * `deno run --allow-net bench/floor_proxy.ts <port> <upstream base URL> [relay]`
 *
 * With `relay`, a streamed answer passes through JavaScript chunk by chunk instead, as it must
 * for anything that reads or rewrites it (usage, the model name): a BYOB reader and a pull
 * stream, one copy per chunk, as cheap as any way tried (bench/README.md). That is the floor of a
 * stream the proxy has to look at.
 */
const [port, upstream, mode] = Deno.args;

Deno.serve({ port: Number(port), hostname: "127.0.0.1", onListen() {} }, async (request) => {
  const { pathname } = new URL(request.url);
  if (request.method !== "POST") return new Response("ok");
  const body = JSON.parse(await request.text());
  body.model = "mock-model";
  const answer = await fetch(upstream + pathname, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const type = answer.headers.get("content-type") ?? "application/json";
  const relayed = mode === "relay" && type.startsWith("text/event-stream") && answer.body
    ? relay(answer.body)
    : answer.body;
  return new Response(relayed, { status: answer.status, headers: { "content-type": type } });
});

function relay(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader({ mode: "byob" });
  let buffer = new ArrayBuffer(64 * 1024);
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await reader.read(new Uint8Array(buffer));
      if (done || !value) return controller.close();
      buffer = value.buffer as ArrayBuffer;
      controller.enqueue(value.slice());
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}
