/**
 * Upstream answers that are not what they seem, end to end for every caller × upstream pair:
 * a 200 that holds an error, ids that are numbers, usage that is no count, a CDN's HTML page,
 * `Retry-After` values RFC 9110 does not allow; and Gemini bodies that Gemini itself refuses.
 * Each goes through the real server to a mock upstream on 127.0.0.1, and each request leaves
 * exactly one log line, one count and no request in flight.
 */
import assert from "node:assert/strict";
import { json, type Mock, oneRequest, type Proxy, startMock, startProxy } from "./_harness.ts";
import {
  assertError,
  assertOk,
  assertStreamError,
  callProxy,
  dialectOfUpstreamPath,
  DIALECTS,
  MODEL,
  modelsYaml,
  normalAnswer,
  pairs,
  sseResponse,
  streamHead,
  streamTail,
  upstreamJson,
  wantsStream,
  type Written,
} from "./_reliability.ts";

async function withProxy(
  fn: (proxy: Proxy, mock: Mock) => Promise<void>,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const mock = startMock((req) => normalAnswer(req.path, req.json));
  const proxy = startProxy(modelsYaml(mock.url, extra), { timeoutSeconds: 10 });
  try {
    await fn(proxy, mock);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

/** Each pair, streaming and not, one request at a time, each checked by `oneRequest`. */
async function eachPair(
  proxy: Proxy,
  check: (caller: Written, upstream: Written, stream: boolean, result: any, line: any) => void,
): Promise<void> {
  for (const [caller, upstream] of pairs()) {
    for (const stream of [false, true]) {
      const { result, line } = await oneRequest(
        proxy,
        () => callProxy(proxy, caller, MODEL[upstream], { stream }),
      );
      try {
        check(caller, upstream, stream, result, line);
      } catch (error) {
        throw new Error(
          `${caller}→${upstream}${stream ? " stream" : ""}: ${(error as Error).message}`,
        );
      }
    }
  }
}

/** The error each upstream dialect puts in a 200 body here, and the status it implies. */
const ERROR_200: Record<Written, { body: unknown; status: number; message: string }> = {
  anthropic: {
    body: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    status: 529,
    message: "Overloaded",
  },
  openai: {
    body: { error: { message: "Rate limit reached", type: "requests", code: 429 } },
    status: 429,
    message: "Rate limit reached",
  },
  gemini: {
    body: { error: { code: 503, message: "The model is overloaded", status: "UNAVAILABLE" } },
    status: 503,
    message: "The model is overloaded",
  },
};

Deno.test("a 200 JSON answer holding the dialect's error is that error, with the status its type implies", async () => {
  await withProxy(async (proxy, mock) => {
    mock.handle((req) => json(ERROR_200[dialectOfUpstreamPath(req.path)].body));
    await eachPair(proxy, (caller, upstream, _stream, result, line) => {
      const expected = ERROR_200[upstream];
      assert.equal(assertError(caller, result, expected.status), expected.message);
      assert.equal(line.status, expected.status);
    });
  });
});

/** An upstream answer with every id a number. */
function numericIds(path: string, body: unknown): Response {
  const dialect = dialectOfUpstreamPath(path);
  if (!wantsStream(path, body)) {
    const answer = upstreamJson(dialect);
    if (dialect === "gemini") answer.responseId = 12345;
    else answer.id = 12345;
    return json(answer);
  }
  const text = streamHead(dialect) + streamTail(dialect);
  const numeric = dialect === "gemini"
    ? text.replaceAll('"modelVersion"', '"responseId":12345,"modelVersion"')
    : text.replaceAll(/"id":"(msg_1|c1)"/g, '"id":12345');
  return sseResponse([numeric]);
}

Deno.test("ids that are numbers are read as ids, whole and streamed, for every pair", async () => {
  await withProxy(async (proxy, mock) => {
    mock.handle((req) => numericIds(req.path, req.json));
    await eachPair(proxy, (caller, _upstream, stream, result, line) => {
      assertOk(caller, result, stream);
      assert.equal(line.status, 200);
      assert.equal(line.error, undefined);
    });
  });
});

/** Usage figures no upstream should send: a negative, a huge one, a string, a fraction. */
function badUsage(path: string, body: unknown): Response {
  const dialect = dialectOfUpstreamPath(path);
  const text = wantsStream(path, body)
    ? streamHead(dialect) + streamTail(dialect)
    : JSON.stringify(upstreamJson(dialect));
  const spoiled = text
    .replace('"input_tokens":3', '"input_tokens":-500,"cache_read_input_tokens":1e308')
    .replace(
      '"prompt_tokens":3',
      '"prompt_tokens":"3","prompt_tokens_details":{"cached_tokens":-7}',
    )
    .replace('"promptTokenCount":3', '"promptTokenCount":1e308,"thoughtsTokenCount":2.5');
  return wantsStream(path, body) ? sseResponse([spoiled]) : json(JSON.parse(spoiled));
}

Deno.test("usage that is no token count is ignored with a warning; counters stay finite and never go down", async () => {
  await withProxy(async (proxy, mock) => {
    mock.handle((req) => badUsage(req.path, req.json));
    await eachPair(proxy, (caller, _upstream, stream, result, line) => {
      assertOk(caller, result, stream);
      assert.equal(line.output_tokens, 1, "the good figures still count");
      assert.ok(line.input_tokens >= 0 && Number.isSafeInteger(line.input_tokens));
      assert.ok(
        (line.warnings ?? []).some((w: string) => /is not a token count/.test(w)),
        JSON.stringify(line.warnings),
      );
    });
    const totals = (await proxy.stats.snapshot()).total as Record<string, number>;
    for (const [name, value] of Object.entries(totals)) {
      assert.ok(Number.isSafeInteger(value) && value >= 0, `${name}: ${value}`);
    }
    assert.equal(totals.output_tokens, 18);
    assert.doesNotMatch(await proxy.stats.prometheus(), /NaN|Infinity|\s-\d/);
  });
});

const CHALLENGE_PAGE = `<!DOCTYPE html><html><head><title>Just a moment...</title>
<script>window._cf_chl_opt = {};</script></head><body><h1>Checking your browser before accessing
the API</h1></body></html>`;

Deno.test("a 200 HTML page (a CDN challenge) is a 502 naming its content type and first words", async () => {
  await withProxy(async (proxy, mock) => {
    mock.handle(() =>
      new Response(CHALLENGE_PAGE, { headers: { "content-type": "text/html; charset=UTF-8" } })
    );
    await eachPair(proxy, (caller, _upstream, _stream, result, line) => {
      const message = assertError(caller, result, 502);
      assert.match(message, /text\/html/);
      assert.match(message, /Just a moment\.\.\. Checking your browser/);
      assert.doesNotMatch(message, /<|_cf_chl_opt/);
      assert.equal(line.status, 502);
    });
  });
});

Deno.test("Retry-After is passed on and honoured only in the forms RFC 9110 allows", async () => {
  await withProxy(async (proxy, mock) => {
    for (const [value, passed] of [["NaN", null], ["-30", null], ["0x10", null], ["30", "30"]]) {
      mock.handle(() =>
        json({ error: { message: "slow down" } }, 429, { "retry-after": value as string })
      );
      for (const caller of DIALECTS) {
        const { result } = await oneRequest(proxy, () => callProxy(proxy, caller, MODEL.openai));
        assertError(caller, result, 429);
        assert.equal(result.headers.get("retry-after"), passed, `${caller}, Retry-After ${value}`);
      }
    }
  });
  // `0x100000` is no delay: the retry waits its own backoff instead of giving up on 12 days.
  await withProxy(async (proxy, mock) => {
    let calls = 0;
    mock.handle((req) =>
      calls++ === 0
        ? json({ error: { message: "slow down" } }, 429, { "retry-after": "0x100000" })
        : normalAnswer(req.path, req.json)
    );
    const { result } = await oneRequest(proxy, () => callProxy(proxy, "openai", MODEL.openai));
    assertOk("openai", result, false);
    assert.equal(calls, 2);
  }, { max_retries: 1 });
});

Deno.test("a Gemini caller's string systemInstruction or non-object functionResponse.response is a 400", async () => {
  await withProxy(async (proxy, mock) => {
    const bodies = [
      { systemInstruction: "Be brief", contents: [{ role: "user", parts: [{ text: "Hi" }] }] },
      {
        contents: [
          { role: "user", parts: [{ text: "Hi" }] },
          { role: "model", parts: [{ functionCall: { name: "f", args: {} } }] },
          { role: "user", parts: [{ functionResponse: { name: "f", response: "done" } }] },
        ],
      },
    ];
    for (const upstream of DIALECTS) {
      for (const body of bodies) {
        const { result } = await oneRequest(
          proxy,
          () => callProxy(proxy, "gemini", MODEL[upstream], { body }),
        );
        assert.match(assertError("gemini", result, 400), /systemInstruction|response/);
      }
    }
    assert.equal(mock.received.length, 0, "nothing Gemini would refuse goes upstream");
  });
});

Deno.test("a stream whose upstream ends before finishing is still one error event and one log line", async () => {
  await withProxy(async (proxy, mock) => {
    mock.handle((req) => sseResponse([streamHead(dialectOfUpstreamPath(req.path))]));
    for (const [caller, upstream] of pairs()) {
      const { result, line } = await oneRequest(
        proxy,
        () => callProxy(proxy, caller, MODEL[upstream], { stream: true }),
      );
      assertStreamError(caller, result, 502);
      assert.equal(line.status, 502);
    }
  });
});
