/**
 * Keys never reach a log line, an error text or another caller, end to end: a caller's key that
 * no header can carry is a 401 (not a 500 whose log line quotes it), a model's own key echoed by
 * an upstream in a 200 that is not JSON, cut short, or an error body is scrubbed whatever its
 * shape, and no field of a log line can split it.
 */
import assert from "node:assert/strict";
import {
  json,
  type Mock,
  oneRequest,
  type Proxy,
  rawRequest,
  startMock,
  startProxy,
} from "./_harness.ts";
import {
  apiBase,
  assertError,
  callProxy,
  dialectOfUpstreamPath,
  DIALECTS,
  generateUrl,
  minimalBody,
  normalAnswer,
  pairs,
  readResult,
  upstreamErrorBody,
} from "./_reliability.ts";

/** A key of no known shape (no `sk-`, no `AIza`): only scrubbing by value can catch it. */
const MODEL_KEY = "plainOperatorSecret-9999";

function models(mock: Mock): string {
  return DIALECTS.map((d) =>
    `- model_id: own-${d}\n  api_base: ${
      apiBase(mock.url, d)
    }\n  format: ${d}\n  api_key: ${MODEL_KEY}\n` +
    `- model_id: caller-${d}\n  api_base: ${apiBase(mock.url, d)}\n  format: ${d}\n`
  ).join("");
}

async function withProxy(
  fn: (proxy: Proxy, mock: Mock) => Promise<void>,
  settings: Record<string, unknown> = {},
): Promise<void> {
  const mock = startMock((req) => normalAnswer(req.path, req.json));
  const proxy = startProxy(models(mock), { timeoutSeconds: 10, ...settings });
  try {
    await fn(proxy, mock);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

Deno.test("a key with CR/LF or a character no header can carry is a 401, and no log line holds it", async () => {
  await withProxy(async (proxy, mock) => {
    const keys = ["sk-crlf-secret-0001\r\nX-Injected: 1", "sk-euro-secret-0002€€"];
    for (const key of keys) {
      for (const caller of DIALECTS) {
        const url = new URL(generateUrl(proxy, caller, "caller-openai", false));
        url.searchParams.set("key", key);
        const { result, line } = await oneRequest(proxy, async () =>
          await readResult(
            await fetch(url, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(minimalBody(caller, "caller-openai")),
            }),
          ));
        assert.match(assertError(caller, result, 401), /characters/);
        assert.equal(line.status, 401);
        const secret = key.slice(0, 19);
        assert.ok(!result.text.includes(secret) && !JSON.stringify(line).includes(secret));
      }
    }
    // The same in a header: bytes that are not ASCII (here UTF-8), sent as a client may.
    const { result } = await oneRequest(proxy, () =>
      rawRequest(
        proxy.url,
        "POST /openai/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\n" +
          "authorization: Bearer sk-utf8-secret-0003-\xc3\xa9\r\ncontent-type: application/json",
        JSON.stringify(minimalBody("openai", "caller-openai")),
      ));
    assert.equal(result.status, 401, result.text);
    assert.equal(mock.received.length, 0, "no such key was sent anywhere");
    assert.ok(!proxy.logs.join("\n").includes("secret-000"), proxy.logs.join("\n"));
  });
});

/** What an upstream echoing its key says, as each way a 200 can go wrong. */
const ECHOES: Array<{ name: string; answer: (path: string, key: string) => Response }> = [
  {
    name: "a 200 that is not JSON",
    answer: (_path, key) =>
      new Response(`Invalid key ${key} for this account`, {
        headers: { "content-type": "application/json" },
      }),
  },
  {
    name: "a 200 cut short",
    answer: (_path, key) =>
      new Response(`{"error": {"message": "bad key ${key}", "type": "auth`, {
        headers: { "content-type": "application/json" },
      }),
  },
  {
    name: "a 200 error body",
    answer: (path, key) =>
      json(upstreamErrorBody(dialectOfUpstreamPath(path), 401, `Key ${key} is disabled`)),
  },
];

Deno.test("a model's own key echoed by an upstream in a 200 reaches neither the caller nor the log", async () => {
  await withProxy(async (proxy, mock) => {
    for (const echo of ECHOES) {
      mock.handle((req) => {
        const sent = req.headers.get("x-api-key") ?? req.headers.get("x-goog-api-key") ??
          req.headers.get("authorization")?.replace("Bearer ", "") ?? "";
        return echo.answer(req.path, sent);
      });
      for (const [caller, upstream] of pairs()) {
        for (const stream of [false, true]) {
          const { result, line } = await oneRequest(
            proxy,
            () => callProxy(proxy, caller, `own-${upstream}`, { stream }),
          );
          const where = `${echo.name}, ${caller}→${upstream}${stream ? " stream" : ""}`;
          assert.ok(result.status >= 400, `${where}: ${result.text}`);
          assert.ok(!result.text.includes(MODEL_KEY), `${where}: ${result.text}`);
          assert.ok(!JSON.stringify(line).includes(MODEL_KEY), `${where}: ${JSON.stringify(line)}`);
          assert.match(result.text, /…9999/, `${where}: the message still says which key`);
        }
      }
    }
    assert.ok(!proxy.logs.join("\n").includes(MODEL_KEY));
  });
});

Deno.test("no field of a text log line can split it, not even a key's last characters", async () => {
  await withProxy(async (proxy) => {
    const key = "sk-newline-secret-00\nX forged line";
    const url = new URL(generateUrl(proxy, "gemini", "caller-openai", false));
    url.searchParams.set("key", key.slice(0, 22)); // "…00\nX" is what a log may show of it
    const { result, line } = await oneRequest(proxy, async () =>
      await readResult(
        await fetch(url, { method: "POST", body: JSON.stringify(minimalBody("gemini", "")) }),
      ));
    assertError("gemini", result, 401);
    assert.ok(!line.text.includes("\n"), line.text);
    assert.match(line.text, /key=…00\\u000aX/);
  }, { logFormat: "text" });
});

Deno.test("configured keys of any shape are scrubbed from every log line, even from calls that did not carry them", async () => {
  await withProxy(async (proxy, mock) => {
    // An upstream on the caller's key names the operator's key (a shared account's message).
    mock.handle((req) =>
      json(upstreamErrorBody(dialectOfUpstreamPath(req.path), 400, `Rejected ${MODEL_KEY}`), 400)
    );
    for (const caller of DIALECTS) {
      const { result } = await oneRequest(proxy, () => callProxy(proxy, caller, "caller-openai"));
      assert.match(assertError(caller, result, 400), /Rejected …9999/);
    }
    assert.ok(proxy.logs.length >= 3);
    assert.ok(!proxy.logs.join("\n").includes(MODEL_KEY));
  });
});
