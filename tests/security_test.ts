/**
 * Keys and reach, over HTTP against the real proxy: a key goes only to the api_base of the model
 * it came with; nothing in a request moves the upstream host; no key reaches a log line, an
 * error message or the stats; loopback by default; CORS only when configured.
 */
import assert from "node:assert/strict";
import { resolveSettings } from "../lib/config/settings.ts";
import { type Mock, type Proxy, startMock, startProxy } from "./_harness.ts";
import {
  assertError,
  assertOk,
  authHeader,
  callProxy,
  dialectOfUpstreamPath,
  DIALECTS,
  KEY,
  minimalBody,
  normalAnswer,
  pairs,
  readResult,
  sseResponse,
  streamHead,
  upstreamErrorBody,
  type Written,
} from "./_reliability.ts";

const MODEL_KEY = "sk-model-own-secret-5678";

/** Two mock upstreams: A serves the caller-keyed models, B the model with its own key. */
async function withTwo(
  fn: (proxy: Proxy, a: Mock, b: Mock) => Promise<void>,
  settings: Record<string, unknown> = {},
): Promise<void> {
  const a = startMock((req) => normalAnswer(req.path, req.json));
  const b = startMock((req) => normalAnswer(req.path, req.json));
  const yaml = DIALECTS.map((d) => {
    const base = (m: Mock) =>
      d === "gemini" ? `${m.url}/v1beta` : d === "openai" ? `${m.url}/v1` : m.url;
    return `
- model_id: a-${d}
  api_base: ${base(a)}
  format: ${d}
  aliases: ["alias-${d}-*"]
- model_id: b-${d}
  api_base: ${base(b)}
  format: ${d}
  api_key: ${MODEL_KEY}`;
  }).join("\n");
  const proxy = startProxy(yaml, { timeoutSeconds: 2, ...settings });
  try {
    await fn(proxy, a, b);
  } finally {
    await proxy.close();
    await a.close();
    await b.close();
  }
}

function everything(mock: Mock): string {
  return mock.received.map((r) =>
    `${r.method} ${r.path}${r.search} ${JSON.stringify([...r.headers])} ${r.body}`
  ).join("\n");
}

Deno.test("a caller's key goes only to the api_base of the model it came with", async () => {
  await withTwo(async (proxy, a, b) => {
    for (const [caller, upstream] of pairs()) {
      for (const stream of [false, true]) {
        assertOk(caller, await callProxy(proxy, caller, `a-${upstream}`, { stream }), stream);
        assertOk(caller, await callProxy(proxy, caller, `b-${upstream}`, { stream }), stream);
      }
    }
    assert.equal(a.received.length, 18);
    assert.equal(b.received.length, 18);
    assert.ok(everything(a).includes(KEY));
    assert.ok(!everything(a).includes(MODEL_KEY), "the model's key stays with its own api_base");
    assert.ok(!everything(b).includes(KEY), "the caller's key never reaches B");
    assert.ok(everything(b).includes(MODEL_KEY));
  });
});

Deno.test("nothing in a request changes the upstream host", async () => {
  await withTwo(async (proxy, a, b) => {
    const hostB = new URL(b.url).host;
    const names = [
      `http://${hostB}/v1`,
      `//${hostB}`,
      `a-openai@${hostB}`,
      `../../b-openai`,
      `b-openai/../a-openai`,
      `a-openai#${hostB}`,
    ];
    for (const caller of ["anthropic", "openai"] as Written[]) {
      for (const name of names) {
        const body = { ...minimalBody(caller, name), model: name };
        const result = await callProxy(proxy, caller, name, { body });
        assertError(caller, result, 404);
      }
    }
    const segments = [
      "..%2F..%2Fb-gemini",
      "a-gemini%2F..%2F..%2F",
      `http:%2F%2F${hostB}%2Fv1beta`,
      `%2F%2F${hostB}`,
      "a-gemini%3AgenerateContent%3Fx=",
    ];
    for (const segment of segments) {
      const response = await fetch(
        `${proxy.url}/gemini/v1beta/models/${segment}:generateContent`,
        {
          method: "POST",
          headers: { "content-type": "application/json", ...authHeader("gemini") },
          body: JSON.stringify(minimalBody("gemini", "")),
        },
      );
      assertError("gemini", await readResult(response), 404);
    }
    // Headers that a naive proxy might forward or trust.
    const tricks = {
      host: hostB,
      "x-forwarded-host": hostB,
      "x-api-base": b.url,
      "x-upstream": b.url,
      forwarded: `host=${hostB}`,
    };
    for (const caller of DIALECTS) {
      const result = await callProxy(
        proxy,
        caller,
        `a-${caller === "openai" ? "gemini" : "openai"}`,
        {
          headers: tricks,
        },
      );
      assertOk(caller, result, false);
    }
    // An alias with a wildcard only ever resolves to its own entry.
    assertOk("openai", await callProxy(proxy, "openai", `alias-openai-${hostB}`), false);
    assert.equal(b.received.length, 0, "B was never called");
    assert.ok(a.received.every((r) => !JSON.stringify([...r.headers]).includes("x-api-base")));
  });
});

Deno.test("the proxy never follows an upstream redirect with a key", async () => {
  await withTwo(async (proxy, a, b) => {
    a.handle((req) =>
      new Response(null, { status: 307, headers: { location: `${b.url}${req.path}` } })
    );
    for (const caller of DIALECTS) {
      const result = await callProxy(proxy, caller, "a-openai");
      assert.match(assertError(caller, result, 502), /redirect/);
    }
    assert.equal(b.received.length, 0);
  });
});

Deno.test("keys appear in no log line, error message or stats, even when the upstream echoes them", async () => {
  await withTwo(async (proxy, a, b) => {
    const echo = (req: { path: string; headers: Headers }) => {
      const dialect = dialectOfUpstreamPath(req.path);
      const sent = req.headers.get("x-api-key") ?? req.headers.get("x-goog-api-key") ??
        req.headers.get("authorization")?.replace("Bearer ", "");
      return upstreamErrorBody(dialect, 401, `Incorrect API key provided: ${sent}. Check ${sent}`);
    };
    for (const mock of [a, b]) {
      mock.handle((req) =>
        new Response(JSON.stringify(echo(req)), {
          status: 401,
          headers: { "content-type": "application/json" },
        })
      );
    }
    const seen: string[] = [];
    for (const [caller, upstream] of pairs()) {
      for (const prefix of ["a", "b"]) {
        for (const stream of [false, true]) {
          const result = await callProxy(proxy, caller, `${prefix}-${upstream}`, { stream });
          const message = assertError(caller, result, 401);
          assert.match(message, /Incorrect API key provided: …/);
          seen.push(result.text);
        }
      }
    }
    // In-stream errors that echo the key.
    for (const mock of [a, b]) {
      mock.handle((req) => {
        const dialect = dialectOfUpstreamPath(req.path);
        const body = JSON.stringify(echo(req));
        const error = dialect === "anthropic"
          ? `event: error\ndata: ${body}\n\n`
          : `data: ${body}\n\n`;
        return sseResponse([streamHead(dialect), error]);
      });
    }
    for (const [caller, upstream] of pairs()) {
      for (const prefix of ["a", "b"]) {
        const result = await callProxy(proxy, caller, `${prefix}-${upstream}`, { stream: true });
        seen.push(result.text);
      }
    }
    // Query-string keys and unreachable upstreams.
    await a.close();
    const viaQuery = await fetch(
      `${proxy.url}/gemini/v1beta/models/a-gemini:generateContent?key=${KEY}`,
      { method: "POST", body: JSON.stringify(minimalBody("gemini", "")) },
    );
    seen.push(await viaQuery.text());
    seen.push(await (await fetch(`${proxy.url}/anthropic/v1/stats`)).text());
    seen.push(await (await fetch(`${proxy.url}/metrics`)).text());
    const all = seen.join("\n") + "\n" + proxy.logs.join("\n");
    assert.ok(proxy.logs.length > 40, "every request was logged");
    for (const secret of [KEY, MODEL_KEY]) {
      assert.ok(
        !all.includes(secret),
        `a key leaked: ${all.slice(all.indexOf(secret) - 200, all.indexOf(secret) + 50)}`,
      );
    }
    assert.ok(proxy.logs.some((l) => l.includes(KEY.slice(-4))), "logs may show the last four");
  });
});

Deno.test("the default bind address is loopback", () => {
  const settings = resolveSettings({}, () => undefined, {}, "config.json");
  assert.equal(settings.host, "127.0.0.1");
  assert.deepEqual(settings.cors, []);
});

Deno.test("no CORS headers unless cors is configured, and correct ones when it is", async () => {
  const origin = "https://app.example";
  await withTwo(async (proxy) => {
    const preflight = await fetch(`${proxy.url}/openai/v1/chat/completions`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST" },
    });
    await preflight.body?.cancel();
    assert.equal(preflight.headers.get("access-control-allow-origin"), null);
    const result = await callProxy(proxy, "openai", "a-openai", { headers: { origin } });
    assertError("openai", result, 403); // no page may use the proxy unless cors lists it
    for (const [name] of result.headers) assert.ok(!name.startsWith("access-control-"), name);
    assertOk("openai", await callProxy(proxy, "openai", "a-openai"), false);
  });
  await withTwo(async (proxy) => {
    const preflight = await fetch(`${proxy.url}/anthropic/v1/messages`, {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, x-api-key, content-type",
      },
    });
    await preflight.body?.cancel();
    assert.ok(preflight.status === 204 || preflight.status === 200);
    assert.equal(preflight.headers.get("access-control-allow-origin"), origin);
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /authorization/);
    assert.match(preflight.headers.get("access-control-allow-methods") ?? "", /POST/);
    assert.match(preflight.headers.get("vary") ?? "", /origin/i);
    const ok = await callProxy(proxy, "anthropic", "a-openai", { headers: { origin } });
    assert.equal(ok.headers.get("access-control-allow-origin"), origin);
    const stranger = await callProxy(proxy, "anthropic", "a-openai", {
      headers: { origin: "https://evil.example" },
    });
    assertError("anthropic", stranger, 403);
    assert.equal(stranger.headers.get("access-control-allow-origin"), null);
  }, { cors: [origin] });
});

Deno.test("a one-letter test key does not mangle the logged error it appears in", async () => {
  const mock = startMock(() => new Response("{}"));
  const proxy = startProxy(`- model_id: deepseek-chat\n  api_base: ${mock.url}\n`);
  try {
    const response = await fetch(`${proxy.url}/anthropic/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": "k" },
      body: JSON.stringify({ model: "nope-k", messages: [] }),
    });
    assert.equal(response.status, 404);
    await response.body?.cancel();
    const line = JSON.parse(proxy.logs.find((l) => l.includes("not configured"))!);
    assert.match(line.error, /"nope-k" is not configured; available: deepseek-chat/);
  } finally {
    await proxy.close();
    await mock.close();
  }
});
