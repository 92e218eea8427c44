/** Multi-turn replays: an answer sent back on the next turn, to every upstream. */
import assert from "node:assert/strict";
import type { Dialect } from "../../../lib/ir/types.ts";
import type { Context, Scenario } from "../_scenario.ts";
import type { Conversation, Reply } from "../wire/kit.ts";
import { foreignMarks, hi, text, TOOLS, TWO_CALLS, usage, ZURICH } from "./_common.ts";

/**
 * Turn 1 answers with thinking, text and two calls (the first signed where the dialect signs
 * calls); turn 2, through a fresh proxy to `next`, sends that answer back as its client keeps it,
 * with the results: each signature must go back only to the dialect that made it.
 */
export function replayTo(next: Dialect): Scenario {
  const turn1: Reply = {
    blocks: [{ type: "thinking", text: "Need both tools." }, ...TWO_CALLS.blocks],
    stop: "tool",
    usage,
  };
  const conversation = (ctx: Context): Conversation => {
    const answer = ctx.previous[0];
    const calls = answer.blocks.flatMap((b) => b.type === "tool_call" ? [b] : []);
    return {
      tools: TOOLS,
      effort: "high",
      turns: [
        { role: "user", parts: [text("Weather and time?")] },
        { role: "assistant", replay: answer.replay },
        {
          role: "user",
          parts: calls.map((c) => ({
            type: "tool_result" as const,
            callId: c.id,
            name: c.name,
            content: [text(`result of ${c.name}`)],
          })),
        },
      ],
    };
  };
  return {
    name: `thinking and calls replayed to ${next} on the next turn`,
    steps: [{
      request: () => ({ ...hi(), tools: TOOLS, effort: "high" }),
      reply: turn1,
    }, {
      upstream: next,
      request: conversation,
      reply: { blocks: [text("Done.")], stop: "end", usage },
      checkSent: (sent, { uk, caller, upstream, pairUpstream }, received) => {
        const model = sent.turns[1];
        assert.equal(model.role, "assistant");
        const calls = model.parts.flatMap((p) => p.type === "tool_call" ? [p] : []);
        assert.deepEqual(calls.map((c) => [c.name, c.args]), [["get_weather", ZURICH], [
          "get_time",
          {},
        ]]);
        const results = sent.turns[2].parts.flatMap((p) => p.type === "tool_result" ? [p] : []);
        assert.deepEqual(results.map((r) => r.id), calls.map((c) => c.id));
        assert.deepEqual(results.map((r) => r.text), [
          "result of get_weather",
          "result of get_time",
        ]);
        const fromHere = pairUpstream === upstream;
        // The call signature: the upstream's own back on its call, else its placeholder.
        const callSignature = fromHere && uk.signature.call ? uk.signature.call : uk.unsignedCall;
        assert.deepEqual(calls.map((c) => c.signature), [callSignature, undefined]);
        const thoughts = model.parts.filter((p) => p.type === "thinking");
        // A dialect that signs nothing gets the reasoning back as it was written.
        if (!uk.signature.thinking) assert.equal(thoughts.length, 1, "the reasoning is replayed");
        for (const thinking of thoughts) {
          assert.equal(thinking.text, "Need both tools.");
          // A pass-through sends the caller's turn as it kept it.
          if (uk.signature.thinking && caller !== upstream) {
            assert.ok(fromHere, "thinking only goes back to the dialect that signed it");
            assert.equal(thinking.signature, uk.signature.thinking);
          }
        }
        const wire = received.body;
        // Ids that carry a signature are opaque to other dialects; one that reads them gets its own.
        if (uk.signature.call) {
          assert.ok(!wire.includes("__gsig_"), "a signed caller id went upstream");
        }
        for (const mark of foreignMarks(upstream)) {
          assert.ok(!wire.includes(mark), `another dialect's ${mark} reached ${upstream}`);
        }
      },
    }],
  };
}
