/**
 * Upstream faults, end to end: the real proxy over HTTP, a fault-injecting mock upstream on
 * 127.0.0.1, every caller × upstream pair (pass-through and converted), streaming and not. Each
 * fault must reach the caller as its dialect's error (status and envelope, or one in-stream error
 * event and no normal finish), and the server must keep serving afterwards.
 */
import assert from "node:assert/strict";
import { type Mock, type Proxy, type Received, startMock, startProxy } from "./_harness.ts";
import {
  assertError,
  assertOk,
  assertStreamError,
  authHeader,
  callProxy,
  delay,
  dialectOfUpstreamPath,
  DIALECTS,
  generateUrl,
  minimalBody,
  MODEL,
  modelsYaml,
  normalAnswer,
  pairs,
  type Result,
  sseResponse,
  streamHead,
  streamTail,
  textDelta,
  upstreamErrorBody,
  upstreamJson,
  wantsStream,
  type Written,
} from "./_reliability.ts";

const TIMEOUT_SECONDS = 0.4;

async function withFaults(
  fn: (proxy: Proxy, mock: Mock) => Promise<void>,
  yaml: (base: string) => string = (base) => modelsYaml(base),
  checkAfter = true,
): Promise<void> {
  const mock = startMock((req) => normalAnswer(req.path, req.json));
  const proxy = startProxy(yaml(mock.url), { timeoutSeconds: TIMEOUT_SECONDS });
  try {
    await fn(proxy, mock);
    if (!checkAfter) return;
    // The server keeps serving after the fault.
    mock.handle((req) => normalAnswer(req.path, req.json));
    for (const [caller, upstream] of pairs()) {
      for (const stream of [false, true]) {
        assertOk(caller, await callProxy(proxy, caller, MODEL[upstream], { stream }), stream);
      }
    }
  } finally {
    await proxy.close();
    await mock.close();
  }
}

/** Runs every pair, streaming and not, collecting failures with the pair's name. */
async function everyPair(
  proxy: Proxy,
  check: (caller: Written, upstream: Written, stream: boolean, result: Result) => void,
  streams: boolean[] = [false, true],
): Promise<void> {
  const runs = pairs().flatMap(([caller, upstream]) =>
    streams.map(async (stream) => {
      const result = await callProxy(proxy, caller, MODEL[upstream], { stream });
      try {
        check(caller, upstream, stream, result);
        return "";
      } catch (error) {
        return `${caller}→${upstream}${stream ? " stream" : ""}: ${(error as Error).message}`;
      }
    })
  );
  const failures = (await Promise.all(runs)).filter((f) => f !== "");
  assert.deepEqual(failures, []);
}

/** A port nothing listens on. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("an unreachable upstream is a 502 in the caller's envelope", async () => {
  const port = closedPort();
  await withFaults(
    async (proxy) => {
      await everyPair(proxy, (caller, _u, _s, result) => {
        const message = assertError(caller, result, 502);
        assert.match(message, /unreachable/i);
      });
      const health = await fetch(`${proxy.url}/health`);
      assert.deepEqual(await health.json(), { status: "ok" });
    },
    () => modelsYaml(`http://127.0.0.1:${port}`),
    false,
  );
});

Deno.test("no answer before the idle timeout is a 504", async () => {
  await withFaults(async (proxy, mock) => {
    mock.handle(async (_req, signal) => {
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      return new Response("late");
    });
    await everyPair(proxy, (caller, _u, _s, result) => {
      assert.match(assertError(caller, result, 504), /did not answer/);
    });
  });
});

/** A response that sends `head` and then nothing, until the request is aborted. */
function silentAfter(head: string, contentType: string, signal: AbortSignal): Response {
  let sent = false;
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new TextEncoder().encode(head));
          return;
        }
        await new Promise((resolve) => signal.addEventListener("abort", resolve));
        controller.close();
      },
    }),
    { headers: { "content-type": contentType } },
  );
}

Deno.test("headers then silence: a 504 before any byte, an in-stream timeout error after", async () => {
  await withFaults(async (proxy, mock) => {
    mock.handle((req, signal) => {
      const dialect = dialectOfUpstreamPath(req.path);
      return wantsStream(req.path, req.json)
        ? silentAfter(streamHead(dialect), "text/event-stream", signal)
        : silentAfter('{"id": "half', "application/json", signal);
    });
    await everyPair(proxy, (caller, _u, stream, result) => {
      if (stream) assert.match(assertStreamError(caller, result, 504), /quiet/);
      else assert.match(assertError(caller, result, 504), /quiet/);
    });
  });
});

for (const status of [400, 401, 403, 404, 429, 500, 503, 529]) {
  Deno.test(`an upstream ${status} keeps its status and message in the caller's envelope`, async () => {
    await withFaults(async (proxy, mock) => {
      mock.handle((req) => {
        const dialect = dialectOfUpstreamPath(req.path);
        const body = upstreamErrorBody(dialect, status, `upstream says ${status} from ${dialect}`);
        return new Response(JSON.stringify(body), {
          status,
          headers: {
            "content-type": "application/json",
            ...(status === 429 ? { "retry-after": "7" } : {}),
          },
        });
      });
      await everyPair(proxy, (caller, upstream, _s, result) => {
        const message = assertError(caller, result, status);
        assert.equal(message, `upstream says ${status} from ${upstream}`);
        if (status === 429) assert.equal(result.headers.get("retry-after"), "7");
      });
    });
  });
}

Deno.test("an upstream error body that is not JSON becomes the message", async () => {
  await withFaults(async (proxy, mock) => {
    mock.handle(() =>
      new Response("<html><body>502 Bad Gateway (nginx)</body></html>", {
        status: 502,
        headers: { "content-type": "text/html" },
      })
    );
    await everyPair(proxy, (caller, _u, _s, result) => {
      assert.match(assertError(caller, result, 502), /502 Bad Gateway \(nginx\)/);
    });
    mock.handle(() => new Response("Service down for maintenance", { status: 503 }));
    await everyPair(proxy, (caller, _u, _s, result) => {
      assert.match(assertError(caller, result, 503), /Service down for maintenance/);
    });
  });
});

Deno.test("malformed JSON in a 200 is a 502", async () => {
  await withFaults(async (proxy, mock) => {
    mock.handle(() =>
      new Response('{"id": "x", "content": [', { headers: { "content-type": "application/json" } })
    );
    await everyPair(proxy, (caller, _u, _s, result) => {
      assertError(caller, result, 502);
    }, [false]);
  });
});

Deno.test("malformed SSE ends the stream with an error event", async () => {
  await withFaults(async (proxy, mock) => {
    mock.handle((req) =>
      sseResponse([streamHead(dialectOfUpstreamPath(req.path)), 'data: {"type": "content_blo\n\n'])
    );
    await everyPair(proxy, (caller, _u, _s, result) => {
      assertStreamError(caller, result);
    }, [true]);
    mock.handle(() => sseResponse(["\u0000\u0001garbage without any structure"]));
    await everyPair(proxy, (caller, _u, _s, result) => {
      assertStreamError(caller, result);
    }, [true]);
  });
});

Deno.test("a stream cut mid-block or ending without its closing events is an error, never a finish", async () => {
  await withFaults(async (proxy, mock) => {
    // Clean end of input after a partial block.
    mock.handle((req) => sseResponse([streamHead(dialectOfUpstreamPath(req.path))]));
    await everyPair(proxy, (caller, _u, _s, result) => {
      assert.match(assertStreamError(caller, result, 502), /ended|finish/i);
    }, [true]);
    // Everything but the last closing event.
    mock.handle((req) => {
      const dialect = dialectOfUpstreamPath(req.path);
      const tail = streamTail(dialect);
      const cut = dialect === "gemini"
        ? tail.replace('"finishReason":"STOP",', "")
        : dialect === "openai"
        ? tail.slice(0, tail.indexOf("data: {", 10)) // the "k" chunk only: no finish_reason
        : tail.slice(0, tail.lastIndexOf("event: message_delta"));
      return sseResponse([streamHead(dialect), cut]);
    });
    await everyPair(proxy, (caller, _u, _s, result) => {
      assertStreamError(caller, result);
    }, [true]);
    // The connection breaks mid-stream (the upstream errors its body).
    mock.handle((req) => {
      let step = 0;
      return new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (step++ === 0) {
              controller.enqueue(
                new TextEncoder().encode(streamHead(dialectOfUpstreamPath(req.path))),
              );
            } else controller.error(new Error("boom"));
          },
        }),
        { headers: { "content-type": "text/event-stream" } },
      );
    });
    await everyPair(proxy, (caller, _u, _s, result) => {
      assertStreamError(caller, result, 502);
    }, [true]);
  });
});

Deno.test("an upstream error event mid-stream reaches the caller as its dialect's error event", async () => {
  await withFaults(async (proxy, mock) => {
    mock.handle((req) => {
      const dialect = dialectOfUpstreamPath(req.path);
      const body = JSON.stringify(upstreamErrorBody(dialect, 529, "Overloaded midway"));
      const error = dialect === "anthropic"
        ? `event: error\ndata: ${body}\n\n`
        : `data: ${body}\n\n`;
      return sseResponse([streamHead(dialect), error]);
    });
    await everyPair(proxy, (caller, _u, _s, result) => {
      assert.match(assertStreamError(caller, result), /Overloaded midway/);
    }, [true]);
  });
});

/**
 * A JSON-looking 200 answer of `size` bytes written in 1 MiB pieces, its length declared in
 * `content-length` when `declared`.
 */
function giant(size: number, sent: { bytes: number }, declared = false): Response {
  const piece = new TextEncoder().encode("x".repeat(1 << 20));
  let first = true;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (first) {
          first = false;
          controller.enqueue(new TextEncoder().encode('{"id": "'));
          return;
        }
        if (sent.bytes >= size) {
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
          return;
        }
        sent.bytes += piece.length;
        controller.enqueue(piece);
      },
    }),
    {
      headers: {
        "content-type": "application/json",
        ...(declared ? { "content-length": String(size + 10) } : {}),
      },
    },
  );
}

Deno.test("a giant non-streamed answer is cut off with a 502, not buffered without bound", async () => {
  const sent = { bytes: 0 };
  // The proxy stops at 64 MiB and the mock usually gets 5–7 MiB further, but loopback TCP buffers
  // alone can hold over 32 MiB (tcp_rmem's ceiling on these machines): with 80 MiB, the size this
  // test once used, the whole answer was sometimes written before the proxy's cancel arrived.
  const size = 192 << 20;
  await withFaults(async (proxy, mock) => {
    mock.handle(() => giant(size, sent));
    for (const caller of DIALECTS) {
      for (const upstream of [caller, caller === "openai" ? "gemini" : "openai"] as Written[]) {
        sent.bytes = 0;
        const result = await callProxy(proxy, caller, MODEL[upstream]);
        assert.match(assertError(caller, result, 502), /larger than/);
        assert.ok(sent.bytes < size, `the proxy stopped reading (${sent.bytes} bytes sent)`);
      }
    }
  });
});

Deno.test("a compressed answer is held to the limit once inflated", async () => {
  // 80 MiB of spaces, gzipped to ~80 KB: fetch inflates it and keeps the compressed length.
  const inflated = new Uint8Array(80 << 20).fill(0x20);
  const gzipped = new Uint8Array(
    await new Response(
      new Blob([inflated]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  await withFaults(async (proxy, mock) => {
    mock.handle(() =>
      new Response(gzipped, {
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
      })
    );
    for (const caller of DIALECTS) {
      const upstream: Written = caller === "openai" ? "gemini" : "openai";
      const result = await callProxy(proxy, caller, MODEL[upstream]);
      assert.match(assertError(caller, result, 502), /larger than/);
    }
  });
});

Deno.test("a whole answer trickling in within the idle timeout between bytes is served", async () => {
  await withFaults(async (proxy, mock) => {
    mock.handle((req) => {
      const bytes = new TextEncoder().encode(
        JSON.stringify(upstreamJson(dialectOfUpstreamPath(req.path))),
      );
      const pieces = 5;
      const size = Math.ceil(bytes.length / pieces);
      let i = 0;
      // Each piece comes after half the idle timeout: 2.5 timeouts in all, never one of quiet.
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (i > 0) await delay(TIMEOUT_SECONDS * 500);
            if (i >= pieces) return controller.close();
            controller.enqueue(bytes.subarray(i * size, (i + 1) * size));
            i++;
          },
        }),
        {
          headers: { "content-type": "application/json", "content-length": String(bytes.length) },
        },
      );
    });
    for (const caller of DIALECTS) {
      const result = await callProxy(
        proxy,
        caller,
        MODEL[caller === "openai" ? "gemini" : "openai"],
      );
      assertOk(caller, result, false);
    }
  });
});

Deno.test("a non-streamed answer declared larger than the limit is refused unread", async () => {
  const sent = { bytes: 0 };
  await withFaults(async (proxy, mock) => {
    mock.handle(() => giant(80 << 20, sent, true));
    for (const caller of DIALECTS) {
      for (const upstream of [caller, caller === "openai" ? "gemini" : "openai"] as Written[]) {
        sent.bytes = 0;
        const result = await callProxy(proxy, caller, MODEL[upstream]);
        assert.match(assertError(caller, result, 502), /larger than/);
        assert.ok(
          sent.bytes <= 8 << 20,
          `the proxy read no more than buffers hold (${sent.bytes})`,
        );
      }
    }
  });
});

Deno.test("a giant SSE line is cut off with an error event", async () => {
  await withFaults(async (proxy, mock) => {
    mock.handle((req) => {
      const dialect = dialectOfUpstreamPath(req.path);
      const pieces = [streamHead(dialect), "data: "];
      for (let i = 0; i < 80; i++) pieces.push("y".repeat(1 << 20));
      return sseResponse(pieces);
    });
    for (const caller of DIALECTS) {
      for (const upstream of DIALECTS) {
        const result = await callProxy(proxy, caller, MODEL[upstream], { stream: true });
        assertStreamError(caller, result, 502);
      }
    }
  });
});

/** Anthropic-caller request with the mock recording each request. */
function recordAll(mock: Mock, answer: (req: Received, n: number) => Response | Promise<Response>) {
  let n = 0;
  mock.handle((req, signal) => {
    void signal;
    return answer(req, n++);
  });
}

Deno.test("the server still serves normal requests while a fault is in flight", async () => {
  await withFaults(async (proxy, mock) => {
    recordAll(mock, async (req, n) => {
      if (n === 0) {
        await delay(300);
        return new Response("slow failure", { status: 500 });
      }
      return normalAnswer(req.path, req.json);
    });
    const slow = callProxy(proxy, "anthropic", MODEL.openai);
    await delay(50);
    assertOk("openai", await callProxy(proxy, "openai", MODEL.gemini), false);
    assertError("anthropic", await slow, 500);
  });
});

// ---- retries and fallbacks ----

/** A models.yaml of hand-written entries on the mock. */
function entries(base: string, list: Array<Record<string, unknown>>): string {
  return list.map((e) =>
    Object.entries(e).map(([k, v], i) =>
      `${i === 0 ? "- " : "  "}${k}: ${
        JSON.stringify(typeof v === "string" ? v.replace("$BASE", base) : v)
      }`
    ).join("\n")
  ).join("\n") + "\n";
}

async function withModels(
  list: Array<Record<string, unknown>>,
  fn: (proxy: Proxy, mock: Mock) => Promise<void>,
): Promise<void> {
  const mock = startMock((req) => normalAnswer(req.path, req.json));
  const proxy = startProxy(entries(mock.url, list), { timeoutSeconds: TIMEOUT_SECONDS });
  try {
    await fn(proxy, mock);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

function failing(status: number, times: number, headers: Record<string, string> = {}) {
  let n = 0;
  return (req: Received) =>
    n++ < times
      ? new Response(`{"error": {"message": "busy ${n}"}}`, { status, headers })
      : normalAnswer(req.path, req.json);
}

Deno.test("max_retries retries 503 and 529 before the first byte, streaming and not, converted or not", async () => {
  await withModels([
    { model_id: "retry-openai", api_base: "$BASE/v1", format: "openai", max_retries: 2 },
    { model_id: "retry-anthropic", api_base: "$BASE", format: "anthropic", max_retries: 2 },
  ], async (proxy, mock) => {
    for (const caller of DIALECTS) {
      for (const model of ["retry-openai", "retry-anthropic"]) {
        for (const stream of [false, true]) {
          for (const status of [503, 529]) {
            mock.received.length = 0;
            mock.handle(failing(status, 2, { "retry-after": "0" }));
            assertOk(caller, await callProxy(proxy, caller, model, { stream }), stream);
            assert.equal(mock.received.length, 3, `${caller} ${model} ${stream} ${status}`);
          }
        }
      }
    }
    // Retries run out: the last error reaches the caller.
    mock.received.length = 0;
    mock.handle(failing(500, 5, { "retry-after": "0" }));
    assert.match(
      assertError("openai", await callProxy(proxy, "openai", "retry-openai"), 500),
      /busy 3/,
    );
    assert.equal(mock.received.length, 3);
  });
});

Deno.test("retries wait with backoff, honour Retry-After, and skip 4xx other than 429", async () => {
  await withModels([
    { model_id: "m", api_base: "$BASE/v1", format: "openai", max_retries: 1 },
  ], async (proxy, mock) => {
    mock.handle(failing(429, 1, { "retry-after": "1" }));
    let started = performance.now();
    assertOk("anthropic", await callProxy(proxy, "anthropic", "m"), false);
    assert.ok(performance.now() - started >= 950, "waited for Retry-After");
    assert.equal(mock.received.length, 2);

    mock.received.length = 0;
    mock.handle(failing(500, 1));
    started = performance.now();
    assertOk("openai", await callProxy(proxy, "openai", "m"), false);
    const waited = performance.now() - started;
    assert.ok(waited >= 250 && waited < 1500, `first backoff is 250–500 ms, took ${waited}`);

    for (const status of [400, 401, 403, 404, 413]) {
      mock.received.length = 0;
      mock.handle(failing(status, 1));
      assertError("gemini", await callProxy(proxy, "gemini", "m"), status);
      assert.equal(mock.received.length, 1, `${status} is not retried`);
    }
  });
});

Deno.test("no retry once the caller has received a byte", async () => {
  await withModels([
    { model_id: "m", api_base: "$BASE/v1", format: "openai", max_retries: 3 },
  ], async (proxy, mock) => {
    for (const caller of DIALECTS) {
      mock.received.length = 0;
      mock.handle(() => sseResponse([streamHead("openai")]));
      assertStreamError(caller, await callProxy(proxy, caller, "m", { stream: true }), 502);
      assert.equal(mock.received.length, 1);
    }
  });
});

Deno.test("fallbacks are tried in order on connection failure, 429 and 5xx", async () => {
  const port = closedPort();
  await withModels([
    {
      model_id: "primary",
      api_base: `http://127.0.0.1:${port}/v1`,
      format: "openai",
      fallbacks: ["second", "third"],
    },
    {
      model_id: "second",
      model_name: "second-up",
      api_base: "$BASE/v1",
      format: "openai",
      api_key: "sk-second-own-key",
    },
    {
      model_id: "third",
      model_name: "third-up",
      api_base: "$BASE",
      format: "anthropic",
      api_key: "sk-third-own-key",
    },
  ], async (proxy, mock) => {
    for (const stream of [false, true]) {
      mock.received.length = 0;
      let n = 0;
      mock.handle((req) =>
        n++ === 0 ? new Response("down", { status: 503 }) : normalAnswer(req.path, req.json)
      );
      assertOk("gemini", await callProxy(proxy, "gemini", "primary", { stream }), stream);
      assert.deepEqual(mock.received.map((r) => r.json.model), ["second-up", "third-up"]);
      assert.equal(mock.received[0].headers.get("authorization"), "Bearer sk-second-own-key");
      assert.equal(mock.received[1].headers.get("x-api-key"), "sk-third-own-key");
    }
    // A 400 does not fall back.
    mock.received.length = 0;
    mock.handle(() => new Response('{"error": {"message": "bad"}}', { status: 400 }));
    assertError("openai", await callProxy(proxy, "openai", "primary"), 400);
    assert.equal(mock.received.length, 1, "only the first fallback was asked");
  });
});

Deno.test("a caller's key never goes to a fallback on another api_base without its own key", async () => {
  await withModels([
    {
      model_id: "primary",
      api_base: "$BASE/v1",
      format: "openai",
      fallbacks: ["elsewhere", "same-base"],
    },
    {
      model_id: "elsewhere",
      model_name: "elsewhere-up",
      api_base: "$BASE/other/v1",
      format: "openai",
    },
    { model_id: "same-base", model_name: "same-up", api_base: "$BASE/v1", format: "openai" },
  ], async (proxy, mock) => {
    let n = 0;
    mock.handle((req) =>
      n++ === 0 ? new Response("down", { status: 500 }) : normalAnswer(req.path, req.json)
    );
    assertOk("openai", await callProxy(proxy, "openai", "primary"), false);
    assert.deepEqual(mock.received.map((r) => r.path), [
      "/v1/chat/completions",
      "/v1/chat/completions",
    ]);
    assert.equal(mock.received[1].json.model, "same-up");
    assert.ok(
      mock.received.every((r) => !r.path.startsWith("/other")),
      "skipped: no key of its own",
    );
    assert.ok(proxy.logs.some((l) => l.includes('Fallback \\"elsewhere\\" skipped')));
  });
});

// ---- client faults ----

/** An endless stream of text deltas, until the request is aborted; counts bytes written. */
function endless(dialect: Written, signal: AbortSignal, sent: { bytes: number }, pause: number) {
  const encoder = new TextEncoder();
  let first = true;
  const delta = encoder.encode(textDelta(dialect, "x".repeat(4000)));
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (signal.aborted) return controller.close();
        if (first) {
          first = false;
          controller.enqueue(encoder.encode(streamHead(dialect)));
          return;
        }
        if (pause) await delay(pause);
        sent.bytes += delta.length;
        controller.enqueue(delta);
      },
    }),
    { headers: { "content-type": "text/event-stream" } },
  );
}

Deno.test("a caller that disconnects mid-stream aborts the upstream request, pass-through and converted", async () => {
  await withFaults(async (proxy, mock) => {
    for (const [caller, upstream] of pairs()) {
      let aborted!: () => void;
      const upstreamAborted = new Promise<void>((resolve) => aborted = resolve);
      mock.handle((req, signal) => {
        signal.addEventListener("abort", () => aborted());
        return endless(dialectOfUpstreamPath(req.path), signal, { bytes: 0 }, 20);
      });
      const controller = new AbortController();
      const body = minimalBody(caller, MODEL[upstream]);
      if (caller !== "gemini") body.stream = true;
      const response = await fetch(generateUrl(proxy, caller, MODEL[upstream], true), {
        method: "POST",
        headers: { "content-type": "application/json", ...authHeader(caller) },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.cancel().catch(() => {});
      const timeout = delay(3000).then(() => "timeout");
      const got = await Promise.race([upstreamAborted.then(() => "aborted"), timeout]);
      assert.equal(got, "aborted", `${caller}→${upstream}: the upstream saw the abort`);
    }
  });
});

Deno.test("a slow-reading caller does not make the proxy read the upstream ahead without bound", async () => {
  await withFaults(async (proxy, mock) => {
    for (const [caller, upstream] of pairs()) {
      const sent = { bytes: 0 };
      mock.handle((req, signal) => endless(dialectOfUpstreamPath(req.path), signal, sent, 0));
      const controller = new AbortController();
      const body = minimalBody(caller, MODEL[upstream]);
      if (caller !== "gemini") body.stream = true;
      const response = await fetch(generateUrl(proxy, caller, MODEL[upstream], true), {
        method: "POST",
        headers: { "content-type": "application/json", ...authHeader(caller) },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      let received = 0;
      for (let i = 0; i < 3; i++) received += (await reader.read()).value?.length ?? 0;
      await delay(400); // the caller stops reading; the upstream could write 50 MB+ meanwhile
      const stalled = sent.bytes;
      await delay(300);
      assert.ok(
        sent.bytes - stalled < 64 * 1024,
        `${caller}→${upstream}: the upstream's writes stall (${stalled} then ${sent.bytes})`,
      );
      assert.ok(stalled < 16 * 1024 * 1024, `${caller}→${upstream}: read ahead ${stalled} bytes`);
      controller.abort();
      await reader.cancel().catch(() => {});
      void received;
    }
  });
});

Deno.test("an error status whose body never arrives still ends, with the upstream's status", async () => {
  await withFaults(async (proxy, mock) => {
    mock.handle((_req, signal) => {
      let sent = false;
      return new Response(
        new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (!sent) {
              sent = true;
              controller.enqueue(new TextEncoder().encode('{"error": {"mess'));
              return;
            }
            await new Promise((resolve) => signal.addEventListener("abort", resolve));
            controller.close();
          },
        }),
        { status: 503, headers: { "content-type": "application/json" } },
      );
    });
    await everyPair(proxy, (caller, _u, _s, result) => {
      assertError(caller, result, 503);
    });
  });
});
