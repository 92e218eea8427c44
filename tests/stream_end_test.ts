/**
 * The end of an upstream's stream, end to end: an upstream that sends its dialect's end
 * (`[DONE]`, `message_stop`, a finish reason with usage) and keeps its connection open must give
 * the caller its whole answer at once, as a success, with nothing sent after the end appended;
 * and streamed tool arguments that are not JSON reach every caller as a JSON object that keeps
 * their text, as whole answers do.
 */
import assert from "node:assert/strict";
import { type Mock, oneRequest, type Proxy, startMock, startProxy } from "./_harness.ts";
import {
  assertOk,
  callProxy,
  dialectOfUpstreamPath,
  MODEL,
  modelsYaml,
  normalAnswer,
  pairs,
  type Result,
  sseResponse,
  streamHead,
  streamTail,
  textDelta,
  UPSTREAM_MODEL,
  type Written,
} from "./_reliability.ts";

/**
 * An upstream stream that sends `pieces` and then neither ends nor sends anything more until
 * the proxy lets it go; `released` counts the bodies the proxy cancelled.
 */
function openEnded(pieces: string[], released: { count: number }): Response {
  const encoder = new TextEncoder();
  let i = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (i < pieces.length) controller.enqueue(encoder.encode(pieces[i++]));
        else await new Promise(() => {}); // open until cancelled
      },
      cancel() {
        released.count++;
      },
    }),
    { headers: { "content-type": "text/event-stream" } },
  );
}

async function withOpenEnded(
  fn: (proxy: Proxy, mock: Mock, released: { count: number }) => Promise<void>,
): Promise<void> {
  const mock = startMock((req) => normalAnswer(req.path, req.json));
  // The idle timeout is long enough that only the stream's own end can finish these answers.
  const proxy = startProxy(modelsYaml(mock.url), { timeoutSeconds: 30 });
  try {
    await fn(proxy, mock, { count: 0 });
  } finally {
    await proxy.close();
    await mock.close();
  }
}

function answerText(caller: Written, result: Result): string {
  return (result.events ?? []).map((e) => {
    if (caller === "anthropic") return e.data?.delta?.text ?? "";
    if (caller === "openai") return e.data?.choices?.[0]?.delta?.content ?? "";
    return e.data?.candidates?.[0]?.content?.parts?.map((p: any) => p.text ?? "").join("") ?? "";
  }).join("");
}

/** Waits until the upstream bodies the proxy let go reach `count` (or gives up after ~10 s). */
async function released(counter: { count: number }, count: number): Promise<number> {
  for (let i = 0; i < 1000 && counter.count < count; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return counter.count;
}

Deno.test("an upstream that keeps its stream open after the end gives every caller its whole answer at once", async () => {
  await withOpenEnded(async (proxy, mock, counter) => {
    // The end, then text the upstream should never have sent, then nothing, for good.
    mock.handle((req) => {
      const dialect = dialectOfUpstreamPath(req.path);
      return openEnded(
        [streamHead(dialect), streamTail(dialect), textDelta(dialect, "LEAK")],
        counter,
      );
    });
    for (const [caller, upstream] of pairs()) {
      const { result, line } = await oneRequest(
        proxy,
        () => callProxy(proxy, caller, MODEL[upstream], { stream: true }),
      );
      const pair = `${caller}→${upstream}`;
      assertOk(caller, result, true);
      assert.equal(answerText(caller, result), "ok", pair);
      assert.ok(!result.text.includes("LEAK"), `${pair}: nothing after the end is appended`);
      assert.equal(line.status, 200, pair);
      assert.equal(line.error, undefined, `${pair}: ${line.error}`);
      assert.equal(line.output_tokens, 1, `${pair}: usage is counted`);
    }
    assert.equal(await released(counter, 9), 9, "every upstream body still open is let go");
    assert.equal(((await proxy.stats.snapshot()).total as { errors: number }).errors, 0);
  });
});

Deno.test("an OpenAI-dialect upstream's usage chunk after the finish ends the stream without [DONE]", async () => {
  await withOpenEnded(async (proxy, mock, counter) => {
    const tail = streamTail("openai");
    mock.handle(() =>
      openEnded([streamHead("openai"), tail.slice(0, tail.indexOf("data: [DONE]"))], counter)
    );
    for (const caller of ["anthropic", "openai", "gemini"] as Written[]) {
      const { result, line } = await oneRequest(
        proxy,
        () => callProxy(proxy, caller, MODEL.openai, { stream: true }),
      );
      assertOk(caller, result, true);
      assert.equal(answerText(caller, result), "ok");
      assert.equal(line.status, 200);
      assert.equal(line.input_tokens, 3);
    }
    // A pass-through caller still gets the dialect's own end, once.
    const passed = await callProxy(proxy, "openai", MODEL.openai, { stream: true });
    assert.equal(passed.text.split("data: [DONE]").length, 2, passed.text);
    assert.ok(passed.text.endsWith("data: [DONE]\n\n"));
    assert.equal(await released(counter, 4), 4);
  });
});

/** An OpenAI-dialect stream with one tool call whose arguments arrive in `pieces`. */
function toolStream(pieces: string[]): string[] {
  const chunk = (delta: unknown, finish: string | null = null) =>
    `data: ${
      JSON.stringify({
        id: "c1",
        object: "chat.completion.chunk",
        created: 1,
        model: UPSTREAM_MODEL.openai,
        choices: [{ index: 0, delta, finish_reason: finish }],
      })
    }\n\n`;
  return [
    chunk({
      role: "assistant",
      tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "run" } }],
    }),
    ...pieces.map((args) => chunk({ tool_calls: [{ index: 0, function: { arguments: args } }] })),
    chunk({}, "tool_calls"),
    `data: ${
      JSON.stringify({
        id: "c1",
        object: "chat.completion.chunk",
        created: 1,
        model: UPSTREAM_MODEL.openai,
        choices: [],
        usage: { prompt_tokens: 3, completion_tokens: 2 },
      })
    }\n\n`,
    "data: [DONE]\n\n",
  ];
}

/** The arguments a caller assembled for its one tool call. */
function streamedArguments(caller: Written, result: Result): unknown {
  const events = result.events ?? [];
  if (caller === "anthropic") {
    const json = events.filter((e) => e.data?.delta?.type === "input_json_delta")
      .map((e) => e.data.delta.partial_json).join("");
    return JSON.parse(json);
  }
  const call = events.flatMap((e) => e.data?.candidates?.[0]?.content?.parts ?? [])
    .find((p: any) => p.functionCall);
  return call.functionCall.args;
}

Deno.test("streamed tool arguments that are not JSON reach Anthropic and Gemini callers as _raw_arguments, with a warning", async () => {
  const mock = startMock(() => new Response("{}"));
  const proxy = startProxy(modelsYaml(mock.url));
  try {
    const cases: Array<{ pieces: string[]; expected: Record<string, unknown> }> = [
      { pieces: ["ls ", "-la"], expected: { _raw_arguments: "ls -la" } },
      { pieces: ["{'path': ", "'a.txt'}"], expected: { _raw_arguments: "{'path': 'a.txt'}" } },
      {
        pieces: ['{"path": "a.txt", "content": "hel'],
        expected: {
          path: "a.txt",
          content: "hel",
          _raw_arguments: '{"path": "a.txt", "content": "hel',
        },
      },
    ];
    for (const { pieces, expected } of cases) {
      mock.handle(() => sseResponse(toolStream(pieces)));
      for (const caller of ["anthropic", "gemini"] as Written[]) {
        const { result, line } = await oneRequest(
          proxy,
          () => callProxy(proxy, caller, MODEL.openai, { stream: true }),
        );
        assert.equal(result.status, 200);
        assert.deepEqual(streamedArguments(caller, result), expected, `${caller}: ${pieces}`);
        assert.ok(
          (line.warnings ?? []).some((w: string) => /not a JSON object/.test(w)),
          JSON.stringify(line),
        );
      }
    }
    // Arguments that are JSON stream through unchanged and without a warning.
    mock.handle(() => sseResponse(toolStream(['{"pa', 'th": "a', '.txt", "n": 1', "2}"])));
    const { result, line } = await oneRequest(
      proxy,
      () => callProxy(proxy, "anthropic", MODEL.openai, { stream: true }),
    );
    assert.deepEqual(streamedArguments("anthropic", result), { path: "a.txt", n: 12 });
    assert.equal(line.warnings, undefined);
  } finally {
    await proxy.close();
    await mock.close();
  }
});
