/**
 * Who may use the proxy, with the requests a browser really sends: a cross-site page must not
 * spend a configured key (a `no-cors` fetch with a `text/plain` body needs no preflight), a page
 * reached by DNS rebinding must not read answers, stats or metrics, and the Host header never
 * decides the route. Malformed Host headers go over a raw TCP socket, since fetch will not send
 * them. Each refused request is logged and counted once, and the upstream never hears of it.
 */
import assert from "node:assert/strict";
import {
  type Mock,
  oneRequest,
  type Proxy,
  rawRequest,
  startMock,
  startProxy,
} from "./_harness.ts";
import { assertError, minimalBody, normalAnswer, readResult } from "./_reliability.ts";

const MODEL_KEY = "sk-operator-own-key-7777";

async function withProxy(
  fn: (proxy: Proxy, mock: Mock, port: number) => Promise<void>,
  settings: Record<string, unknown> = {},
): Promise<void> {
  const mock = startMock((req) => normalAnswer(req.path, req.json));
  const proxy = startProxy(
    `- model_id: paid\n  model_name: gpt-real-1\n  api_base: ${mock.url}/v1\n  format: openai\n  api_key: ${MODEL_KEY}\n`,
    settings,
  );
  try {
    await fn(proxy, mock, Number(new URL(proxy.url).port));
  } finally {
    await proxy.close();
    await mock.close();
  }
}

/** What Chrome sends for `fetch(url, {method: "POST", mode: "no-cors", body: "…"})`. */
function noCorsHeaders(origin: string): Record<string, string> {
  return {
    origin,
    "content-type": "text/plain;charset=UTF-8",
    "sec-fetch-mode": "no-cors",
    "sec-fetch-site": "cross-site",
    "sec-fetch-dest": "empty",
    referer: `${origin}/`,
    "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
  };
}

function page(proxy: Proxy, path: string, headers: Record<string, string>, body?: unknown) {
  return fetch(`${proxy.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** A page on evil.example posting a chat completion for the model on the operator's key. */
async function crossSite(proxy: Proxy) {
  return await readResult(
    await page(
      proxy,
      "/openai/v1/chat/completions",
      noCorsHeaders("https://evil.example"),
      minimalBody("openai", "paid"),
    ),
  );
}

Deno.test("a cross-site page cannot spend a configured key, with or without a preflight", async () => {
  await withProxy(async (proxy, mock) => {
    const { result, line } = await oneRequest(proxy, () => crossSite(proxy));
    assert.match(assertError("openai", result, 403), /Origin "https:\/\/evil.example"/);
    assert.equal(line.status, 403);
    const preflight = await oneRequest(proxy, () =>
      page(proxy, "/anthropic/v1/messages", {
        origin: "https://evil.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "x-api-key",
      }).then(readResult));
    assert.equal(preflight.result.status, 403, "a preflight from that page is refused too");
    assert.equal(preflight.result.headers.get("access-control-allow-origin"), null);
    assert.equal(mock.received.length, 0, "the upstream never heard of it");
  });
  await withProxy(async (proxy, mock) => {
    const evil = await oneRequest(proxy, () => crossSite(proxy));
    assertError("openai", evil.result, 403);
    assert.equal(evil.result.headers.get("access-control-allow-origin"), null);
    const preflight = await page(proxy, "/openai/v1/chat/completions", {
      origin: "https://evil.example",
      "access-control-request-method": "POST",
    });
    await preflight.body?.cancel();
    assert.equal(preflight.status, 403);
    // The listed origin, and the proxy's own, are served.
    const listed = await readResult(
      await page(proxy, "/openai/v1/chat/completions", {
        origin: "https://app.example",
        "content-type": "application/json",
      }, minimalBody("openai", "paid")),
    );
    assert.equal(listed.status, 200, listed.text);
    assert.equal(listed.headers.get("access-control-allow-origin"), "https://app.example");
    const own = await page(proxy, "/anthropic/v1/stats", { origin: proxy.url });
    await own.body?.cancel();
    assert.equal(own.status, 200);
    assert.equal(mock.received.length, 1);
  }, { cors: ["https://app.example"] });
});

Deno.test("after DNS rebinding a page cannot read answers, stats or metrics (Host not allowed)", async () => {
  await withProxy(async (proxy, mock, port) => {
    const rebound = `evil.example:${port}`;
    for (const path of ["/anthropic/v1/stats", "/metrics", "/health", "/openai/v1/models"]) {
      const { result, line } = await oneRequest(
        proxy,
        () =>
          rawRequest(
            proxy.url,
            `GET ${path} HTTP/1.1\r\nhost: ${rebound}\r\norigin: http://${rebound}`,
          ),
      );
      assert.equal(result.status, 403, `${path}: ${result.text}`);
      assert.doesNotMatch(result.text, /in_flight|proxy_requests_total|gpt-real-1/);
      assert.match(JSON.parse(result.text).error.message, /Host "evil.example" is not allowed/);
      assert.equal(line.status, 403);
    }
    const body = JSON.stringify(minimalBody("openai", "paid"));
    const { result } = await oneRequest(proxy, () =>
      rawRequest(
        proxy.url,
        `POST /openai/v1/chat/completions HTTP/1.1\r\nhost: ${rebound}\r\ncontent-type: text/plain`,
        body,
      ));
    assert.equal(result.status, 403);
    assert.equal(mock.received.length, 0);
    // IP literals and localhost are always served; other names only when listed.
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "localhost"]) {
      const ok = await rawRequest(proxy.url, `GET /health HTTP/1.1\r\nhost: ${host}`);
      assert.equal(ok.status, 200, `${host}: ${ok.text}`);
    }
  });
  await withProxy(async (proxy, _mock, port) => {
    for (const host of [`proxy.lan:${port}`, "PROXY.LAN", `api.proxy.home:${port}`]) {
      const ok = await rawRequest(proxy.url, `GET /anthropic/v1/stats HTTP/1.1\r\nhost: ${host}`);
      assert.equal(ok.status, 200, `${host}: ${ok.text}`);
    }
    const other = await rawRequest(proxy.url, `GET /health HTTP/1.1\r\nhost: evil.example`);
    assert.equal(other.status, 403);
  }, { allowedHosts: ["proxy.lan", ".proxy.home"] });
});

Deno.test("the Host header never decides the route; a malformed Host is a 400", async () => {
  await withProxy(async (proxy, mock, port) => {
    // Deno builds request.url from the Host: this once answered GET /health with the stats.
    const { result: moved, line } = await oneRequest(proxy, () =>
      rawRequest(
        proxy.url,
        `GET /health HTTP/1.1\r\nhost: 127.0.0.1:${port}/anthropic/v1/stats?`,
      ));
    assert.equal(moved.status, 400, moved.text);
    assert.doesNotMatch(moved.text, /in_flight/);
    assert.match(JSON.parse(moved.text).error.message, /Host header/);
    assert.equal(line.path, "/health", "the log names the request line's path");
    // A key carried in the Host never reaches the upstream.
    const { result: smuggled } = await oneRequest(proxy, () =>
      rawRequest(
        proxy.url,
        `POST /openai/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1:${port}/x?key=sk-smuggled-0000#\r\ncontent-type: application/json`,
        JSON.stringify(minimalBody("openai", "paid")),
      ));
    assertError("openai", { ...smuggled, json: JSON.parse(smuggled.text) }, 400);
    for (const host of ["a b", "127.0.0.1#frag", "127.0.0.1@evil.example", "x/y"]) {
      const { result } = await oneRequest(
        proxy,
        () => rawRequest(proxy.url, `GET /health HTTP/1.1\r\nhost: ${host}`),
      );
      assert.equal(result.status, 400, `${host}: ${result.text}`);
      assert.equal(JSON.parse(result.text).type, "error", "an error in the envelope, not empty");
    }
    assert.equal(mock.received.length, 0);
  });
});
