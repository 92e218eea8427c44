import assert from "node:assert/strict";
import { originRefusal, requestUrl } from "./access.ts";

function request(url: string, host: string | null): Request {
  const headers = new Headers();
  if (host !== null) headers.set("host", host);
  return { url, headers } as unknown as Request;
}

Deno.test("requestUrl() trusts request.url only once the Host is host[:port]", () => {
  const moved = requestUrl(
    request(
      "http://127.0.0.1:8082/anthropic/v1/stats?/health",
      "127.0.0.1:8082/anthropic/v1/stats?",
    ),
    [],
  );
  assert.equal(moved.url.pathname, "/health", "the request line's path");
  assert.equal(moved.refused?.status, 400);
  const fine = requestUrl(request("http://[::1]:8082/health?x=1", "[::1]:8082"), []);
  assert.equal(fine.url.pathname, "/health");
  assert.equal(fine.refused, undefined);
  assert.equal(requestUrl(request("http://localhost:9/health", null), []).refused, undefined);
});

Deno.test("requestUrl() allows IP literals, localhost and allowed_hosts; other names are a 403", () => {
  const allowed = ["proxy.lan", ".home.arpa"];
  for (
    const host of [
      "10.0.0.5:8082",
      "[fe80::1]",
      "localhost",
      "a.localhost:1",
      "PROXY.lan",
      "x.home.arpa",
      "home.arpa.",
    ]
  ) {
    assert.equal(requestUrl(request(`http://${host}/`, host), allowed).refused, undefined, host);
  }
  for (const host of ["evil.example:8082", "proxy.lan.evil.example", "localhost.evil.example"]) {
    assert.equal(requestUrl(request(`http://${host}/`, host), allowed).refused?.status, 403, host);
  }
});

Deno.test("originRefusal() allows no Origin, the proxy's own, and what cors lists", () => {
  const headers = (origin: string) => new Headers({ origin, host: "127.0.0.1:8082" });
  assert.equal(originRefusal(new Headers(), []), undefined);
  assert.equal(originRefusal(headers("http://127.0.0.1:8082"), []), undefined);
  assert.equal(originRefusal(headers("https://app.example"), ["https://app.example"]), undefined);
  assert.equal(originRefusal(headers("https://any.example"), ["*"]), undefined);
  assert.equal(
    originRefusal(headers("https://evil.example"), ["https://app.example"])?.status,
    403,
  );
  assert.equal(originRefusal(headers("null"), [])?.status, 403);
});
