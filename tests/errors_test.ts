/**
 * What the proxy itself rejects, over HTTP against the real handler, in every caller's envelope:
 * bad bodies, unknown models, size limit, methods, paths, keys; and the routing aliases, HEAD
 * warm-ups and the key sources that must work.
 */
import assert from "node:assert/strict";
import { type Mock, type Proxy, startMock, startProxy } from "./_harness.ts";
import {
  assertError,
  assertOk,
  authHeader,
  callProxy,
  DIALECTS,
  generateUrl,
  KEY,
  minimalBody,
  MODEL,
  modelsYaml,
  normalAnswer,
  readResult,
  type Written,
} from "./_reliability.ts";

async function withProxy(
  fn: (proxy: Proxy, mock: Mock) => Promise<void>,
  options: { yaml?: (base: string) => string; settings?: any; env?: Record<string, string> } = {},
): Promise<void> {
  const mock = startMock((req) => normalAnswer(req.path, req.json));
  const proxy = startProxy((options.yaml ?? modelsYaml)(mock.url), options.settings, options.env);
  try {
    await fn(proxy, mock);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

/** Posts raw text as a caller's generate request. */
async function postRaw(
  proxy: Proxy,
  caller: Written,
  model: string,
  body: BodyInit,
  headers: Record<string, string> = {},
) {
  const response = await fetch(generateUrl(proxy, caller, model, false), {
    method: "POST",
    headers: { "content-type": "application/json", ...authHeader(caller), ...headers },
    body,
  });
  return await readResult(response);
}

// A model of the other dialects (the caller's decoder runs) and the pass-through model.
const TARGETS: Record<Written, string[]> = {
  anthropic: [MODEL.openai, MODEL.anthropic],
  openai: [MODEL.gemini, MODEL.openai],
  gemini: [MODEL.anthropic, MODEL.gemini],
};

Deno.test("malformed bodies are a 400 in every caller's envelope, for converted and pass-through models", async () => {
  await withProxy(async (proxy, mock) => {
    for (const caller of DIALECTS) {
      for (const model of TARGETS[caller]) {
        for (const raw of ['{"model": ', "[1,2]", "", "null", '"text"', "{} trailing"]) {
          const result = await postRaw(proxy, caller, model, raw);
          assertError(caller, result, 400);
        }
      }
    }
    assert.equal(mock.received.length, 0, "nothing reached the upstream");
  });
});

/** Bodies with a wrong type or a missing field, per caller dialect. */
function wrongShapes(caller: Written): Array<[string, (b: any) => void]> {
  switch (caller) {
    case "anthropic":
      return [
        ["model missing", (b) => delete b.model],
        ["model a number", (b) => b.model = 5],
        ["messages missing", (b) => delete b.messages],
        ["messages a string", (b) => b.messages = "hi"],
        ["messages[0] a string", (b) => b.messages = ["hi"]],
        ["messages[0].role a number", (b) => b.messages[0].role = 1],
        ["messages[0].content a number", (b) => b.messages[0].content = 5],
        ["content block without type", (b) => b.messages[0].content = [{ text: "x" }]],
        ["max_tokens a string", (b) => b.max_tokens = "100"],
        ["stream a string", (b) => b.stream = "yes"],
        ["system a number", (b) => b.system = 5],
        ["tools an object", (b) => b.tools = {}],
        ["temperature a string", (b) => b.temperature = "hot"],
      ];
    case "openai":
      return [
        ["model missing", (b) => delete b.model],
        ["model an object", (b) => b.model = {}],
        ["messages missing", (b) => delete b.messages],
        ["messages an object", (b) => b.messages = {}],
        ["messages[0] null", (b) => b.messages = [null]],
        ["messages[0].role missing", (b) => delete b.messages[0].role],
        ["messages[0].content a number", (b) => b.messages[0].content = 5],
        ["stream a number", (b) => b.stream = 1],
        ["max_tokens negative", (b) => b.max_tokens = -1],
        ["tools a string", (b) => b.tools = "x"],
        ["temperature a string", (b) => b.temperature = "hot"],
      ];
    case "gemini":
      return [
        ["contents missing", (b) => delete b.contents],
        ["contents a string", (b) => b.contents = "hi"],
        ["contents[0] a number", (b) => b.contents = [1]],
        ["parts a string", (b) => b.contents[0].parts = "x"],
        ["part text a number", (b) => b.contents[0].parts = [{ text: 5 }]],
        ["generationConfig a number", (b) => b.generationConfig = 5],
        ["maxOutputTokens a string", (b) => b.generationConfig = { maxOutputTokens: "x" }],
        ["tools an object", (b) => b.tools = {}],
        ["systemInstruction a number", (b) => b.systemInstruction = 7],
      ];
  }
}

for (const caller of DIALECTS) {
  Deno.test(`${caller} caller: wrong types and missing fields are a 400 naming the field`, async () => {
    await withProxy(async (proxy, mock) => {
      const failures: string[] = [];
      for (const model of TARGETS[caller]) {
        for (const [name, mutate] of wrongShapes(caller)) {
          const body = structuredClone(minimalBody(caller, model));
          mutate(body);
          const before = mock.received.length;
          const result = await callProxy(proxy, caller, model, { body });
          if (result.status !== 400 || mock.received.length !== before) {
            failures.push(`${model}: ${name}: ${result.status} ${result.text.slice(0, 120)}`);
            continue;
          }
          assertError(caller, result, 400);
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}

Deno.test("an unknown model is a 404 in the caller's envelope listing the configured ids", async () => {
  await withProxy(async (proxy) => {
    for (const caller of DIALECTS) {
      for (const stream of [false, true]) {
        const result = await callProxy(proxy, caller, "no-such-model", { stream });
        const message = assertError(caller, result, 404);
        assert.match(message, /no-such-model/);
        for (const id of Object.values(MODEL)) assert.ok(message.includes(id), message);
      }
    }
  });
});

Deno.test("a body over max_request_bytes is a 413, with and without content-length", async () => {
  await withProxy(async (proxy, mock) => {
    for (const caller of DIALECTS) {
      const body = minimalBody(caller, MODEL.openai);
      (body as any).padding = "x".repeat(5000);
      const text = JSON.stringify(body);
      assertError(caller, await postRaw(proxy, caller, MODEL.openai, text), 413);
      const bytes = new TextEncoder().encode(text);
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 1000) controller.enqueue(bytes.slice(i, i + 1000));
          controller.close();
        },
      });
      assertError(caller, await postRaw(proxy, caller, MODEL.openai, chunked), 413);
      // Just under the limit still works.
      const ok = await postRaw(
        proxy,
        caller,
        MODEL.openai,
        JSON.stringify(minimalBody(caller, MODEL.openai)),
      );
      assertOk(caller, ok, false);
    }
    assert.equal(mock.received.length, 3);
  }, { settings: { maxRequestBytes: 4096 } });
});

Deno.test("a wrong method is a 405 with Allow, in the dialect of the path", async () => {
  await withProxy(async (proxy) => {
    const cases: Array<[string, string, Written, string]> = [
      ["GET", "/anthropic/v1/messages", "anthropic", "POST"],
      ["PUT", "/openai/v1/chat/completions", "openai", "POST"],
      ["GET", `/gemini/v1beta/models/${MODEL.gemini}:generateContent`, "gemini", "POST"],
      ["POST", "/anthropic/v1/models", "anthropic", "GET"],
      ["DELETE", "/openai/v1/models", "openai", "GET"],
      ["POST", "/gemini/v1beta/models", "gemini", "GET"],
    ];
    for (const [method, path, dialect, allow] of cases) {
      const response = await fetch(proxy.url + path, { method, headers: authHeader(dialect) });
      const result = await readResult(response);
      assertError(dialect, result, 405);
      assert.equal(result.headers.get("allow"), allow);
    }
  });
});

Deno.test("an unknown path is a 404 in the dialect its prefix implies", async () => {
  await withProxy(async (proxy) => {
    const cases: Array<[string, Written]> = [
      ["/anthropic/v1/nothing", "anthropic"],
      ["/anthropic/v2/messages", "anthropic"],
      ["/openai/v1/completions", "openai"],
      ["/openai/v1/embeddings", "openai"],
      ["/gemini/v1beta/models/x:embedContent", "gemini"],
      ["/gemini/v1beta/files", "gemini"],
      ["/v1beta/nothing", "gemini"],
    ];
    for (const [path, dialect] of cases) {
      const result = await readResult(
        await fetch(proxy.url + path, { method: "POST", body: "{}" }),
      );
      assertError(dialect, result, 404);
    }
  });
});

Deno.test("a missing key is a 401 in each caller's envelope, streaming and not", async () => {
  await withProxy(async (proxy, mock) => {
    for (const caller of DIALECTS) {
      for (const stream of [false, true]) {
        const body = minimalBody(caller, MODEL.openai);
        if (stream && caller !== "gemini") body.stream = true;
        const response = await fetch(generateUrl(proxy, caller, MODEL.openai, stream), {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        assertError(caller, await readResult(response), 401);
      }
    }
    assert.equal(mock.received.length, 0);
  });
});

Deno.test("the key is read from each of its four places and sent upstream in the model's style", async () => {
  await withProxy(async (proxy, mock) => {
    const sources: Array<[Record<string, string>, string]> = [
      [{ authorization: "Bearer sk-from-bearer-1" }, ""],
      [{ "x-api-key": "sk-from-x-api-key-2" }, ""],
      [{ "x-goog-api-key": "sk-from-goog-3" }, ""],
      [{}, "?key=sk-from-query-4"],
    ];
    const expected = [
      "sk-from-bearer-1",
      "sk-from-x-api-key-2",
      "sk-from-goog-3",
      "sk-from-query-4",
    ];
    for (const [i, [headers, query]] of sources.entries()) {
      for (const upstream of DIALECTS) {
        mock.received.length = 0;
        const url = generateUrl(proxy, "openai", MODEL[upstream], false) + query;
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(minimalBody("openai", MODEL[upstream])),
        });
        assertOk("openai", await readResult(response), false);
        const got = mock.received[0].headers;
        const sent = upstream === "openai"
          ? got.get("authorization")
          : upstream === "anthropic"
          ? got.get("x-api-key")
          : got.get("x-goog-api-key");
        assert.equal(sent, upstream === "openai" ? `Bearer ${expected[i]}` : expected[i]);
        assert.equal(mock.received[0].search.includes("key="), false, "no key in the URL");
      }
    }
  });
});

Deno.test("a model's api_key and api_key_env replace the caller's key, and make it optional", async () => {
  const yaml = (base: string) => `
- model_id: own-key
  api_base: ${base}/v1
  format: openai
  api_key: sk-model-own-key-9999
- model_id: env-key
  api_base: ${base}/v1
  format: openai
  api_key_env: MY_UPSTREAM_KEY
`;
  await withProxy(async (proxy, mock) => {
    for (const model of ["own-key", "env-key"]) {
      for (const headers of [authHeader("openai"), {}]) {
        mock.received.length = 0;
        const response = await fetch(generateUrl(proxy, "openai", model, false), {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify(minimalBody("openai", model)),
        });
        assertOk("openai", await readResult(response), false);
        const want = model === "own-key" ? "sk-model-own-key-9999" : "sk-from-env-8888";
        assert.equal(mock.received[0].headers.get("authorization"), `Bearer ${want}`);
      }
    }
  }, { yaml, env: { MY_UPSTREAM_KEY: "sk-from-env-8888" } });
});

Deno.test("HEAD on each prefix answers 200 with an empty body and no auth", async () => {
  await withProxy(async (proxy) => {
    for (
      const path of [
        "/",
        "/anthropic",
        "/anthropic/v1",
        "/anthropic/v1/messages",
        "/openai/v1",
        "/gemini",
        "/gemini/v1beta",
        "/v1",
        "/v1beta",
      ]
    ) {
      const response = await fetch(proxy.url + path, { method: "HEAD" });
      assert.equal(response.status, 200, path);
      assert.equal(await response.text(), "", path);
    }
  });
});

Deno.test("the /anthropic/v1/v1, bare /v1 and /v1beta aliases reach the same handlers; ?beta=true is ignored", async () => {
  await withProxy(async (proxy) => {
    const post = async (path: string, caller: Written, model: string) =>
      await readResult(
        await fetch(proxy.url + path, {
          method: "POST",
          headers: { "content-type": "application/json", ...authHeader(caller) },
          body: JSON.stringify(minimalBody(caller, model)),
        }),
      );
    assertOk(
      "anthropic",
      await post("/anthropic/v1/v1/messages?beta=true", "anthropic", MODEL.openai),
      false,
    );
    assertOk(
      "anthropic",
      await post("/anthropic/v1/messages?beta=true", "anthropic", MODEL.gemini),
      false,
    );
    assertOk(
      "anthropic",
      await post("/v1/messages?beta=true", "anthropic", MODEL.anthropic),
      false,
    );
    assertOk("openai", await post("/v1/chat/completions", "openai", MODEL.anthropic), false);
    assertOk(
      "gemini",
      await post(`/v1beta/models/${MODEL.openai}:generateContent`, "gemini", MODEL.openai),
      false,
    );
    // Bare /v1/models answers in the dialect the auth header implies.
    const list = async (headers: Record<string, string>) =>
      (await readResult(await fetch(proxy.url + "/v1/models", { headers }))).json;
    assert.equal((await list(authHeader("openai"))).object, "list");
    assert.ok(Array.isArray((await list(authHeader("gemini"))).models));
    assert.ok("has_more" in (await list(authHeader("anthropic"))));
    // count_tokens through the doubled prefix.
    const count = await readResult(
      await fetch(proxy.url + "/anthropic/v1/v1/messages/count_tokens?beta=true", {
        method: "POST",
        headers: { "content-type": "application/json", ...authHeader("anthropic") },
        body: JSON.stringify(minimalBody("anthropic", MODEL.openai)),
      }),
    );
    assert.equal(count.status, 200, count.text);
    assert.equal(typeof count.json.input_tokens, "number");
  });
});

Deno.test("Accept: application/json on a streaming request still streams", async () => {
  await withProxy(async (proxy) => {
    for (const caller of ["anthropic", "openai"] as Written[]) {
      for (const model of Object.values(MODEL)) {
        const result = await callProxy(proxy, caller, model, {
          stream: true,
          headers: { accept: "application/json" },
        });
        assert.match(result.headers.get("content-type") ?? "", /text\/event-stream/);
        assertOk(caller, result, true);
      }
    }
  });
});

Deno.test("a key is required even when the body is bad, and errors never echo it", async () => {
  await withProxy(async (proxy) => {
    for (const caller of DIALECTS) {
      const result = await postRaw(proxy, caller, "no-such-model", "{bad");
      assert.ok(!result.text.includes(KEY));
    }
    assert.ok(!proxy.logs.join("\n").includes(KEY));
  });
});
