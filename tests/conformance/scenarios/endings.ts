/** Scenarios of how answers end: usage, stop reasons, failures before and during a stream. */
import assert from "node:assert/strict";
import { checkAnswer, type Context, type Scenario, type Step } from "../_scenario.ts";
import type { Answer } from "../wire/kit.ts";
import { HELLO, hi, one, text, TOOLS, TWO_CALLS, usage } from "./_common.ts";

export function endings(): Scenario[] {
  const big = { input: 130, cacheRead: 40, cacheWrite: 20, output: 30, reasoning: 10 };
  return [
    one({ request: hi, reply: { ...HELLO, usage: big } }, {
      name: "usage with cached, cache-write and reasoning tokens, exactly",
    }),
    one({ request: hi, reply: { blocks: [text("Cut")], stop: "length", usage } }, {
      name: "a length ending",
    }),
    one({ request: hi, reply: { blocks: [], stop: "refusal", usage } }, {
      name: "a refusal ending with no content",
    }),
    {
      name: "every stop reason of the upstream's dialect",
      steps: (upstream) =>
        upstream.finishes.map(({ raw, stop, calls }): Step => ({
          request: () => ({ ...hi(), tools: TOOLS }),
          reply: {
            blocks: stop === "tool"
              ? TWO_CALLS.blocks.slice(1)
              : stop === "refusal"
              ? []
              : [text("Hi.")],
            stop: calls === false ? "end" : stop,
            finish: raw,
            usage,
          },
          check: (answer, ctx, reply) => {
            // A pass-through hands on the upstream's own word.
            if (ctx.caller === ctx.upstream) {
              assert.ok(answer.text.includes(`"${raw}"`), answer.text);
            } else checkAnswer(answer, ctx, reply);
          },
        })),
    },
  ];
}

export function failures(): Scenario[] {
  const failure = (status: number, message: string, headers?: Record<string, string>) =>
    one({ request: hi, reply: { status, message, headers } }, {
      name: `an upstream ${status} before the answer${headers ? ", Retry-After kept" : ""}`,
    });
  return [
    failure(429, "Rate limit reached for requests", { "retry-after": "17" }),
    failure(400, "Invalid 'messages[0].content': string too long"),
    failure(401, "Invalid API key"),
    failure(403, "No access to this model"),
    failure(500, "Internal error"),
    failure(503, "The model is overloaded.", { "retry-after": "5" }),
    failure(529, "Overloaded"),
  ];
}

export function broken(): Scenario[] {
  /** The stream ended with an error event of `status`'s kind, after `expected`'s text. */
  const ended =
    (expected: Answer["blocks"], status: number) => (answer: Answer, { ck }: Context) => {
      assert.equal(answer.status, 200, answer.text);
      assert.ok(
        answer.error?.message,
        `an error event ends the stream: ${answer.text.slice(-300)}`,
      );
      assert.equal(answer.error.kind, ck.errorKind(status));
      assert.equal(answer.finished, false, "it must not look like a normal end");
      assert.equal(answer.stop, undefined);
      assert.deepEqual(answer.blocks.filter((b) => b.type === "text"), expected);
    };
  return [
    one({
      request: hi,
      reply: { blocks: [text("Hel")], stop: "end", usage, midError: "Upstream overloaded" },
      check: (answer, ctx) => {
        ended([text("Hel")], ctx.uk.midErrorStatus ?? 503)(answer, ctx);
        assert.equal(answer.error?.message, "Upstream overloaded");
      },
    }, { name: "an error event mid-stream", streams: "stream" }),
    one({
      request: hi,
      reply: { blocks: [text("Par")], stop: "end", usage, cut: "after-blocks" },
      check: ended([text("Par")], 502),
    }, { name: "a stream cut before its closing events", streams: "stream" }),
    one({
      request: () => ({ ...hi(), tools: TOOLS }),
      reply: { ...TWO_CALLS, cut: "inside-arguments" },
      check: ended([text("Checking both.")], 502),
    }, { name: "a stream cut inside a tool call's arguments", streams: "stream" }),
    one({
      request: () => ({ ...hi(), tools: TOOLS, effort: "high" }),
      reply: {
        ...TWO_CALLS,
        blocks: [{ type: "thinking", text: "Tool needed." }, ...TWO_CALLS.blocks],
      },
    }, {
      name: "can_stream: false, a streaming caller still gets a stream",
      streams: "stream",
      models: { can_stream: false },
    }),
  ];
}
