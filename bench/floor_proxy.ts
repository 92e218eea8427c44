/**
 * The floor the proxy is measured against in bench/e2e.ts: a ten-line Deno proxy that parses the
 * request body, sets the model, serialises it again and hands the upstream's answer back untouched
 * (piped by Deno: no usage read, no conversion, no checks).
 * `deno run --allow-net bench/floor_proxy.ts <port> <upstream base URL>`
 */
const [port, upstream] = Deno.args;

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
  return new Response(answer.body, { status: answer.status, headers: { "content-type": type } });
});
