import assert from "node:assert/strict";
import { restyleThinking } from "./restyle_thinking.ts";

Deno.test("restyleThinking() none: no reasoning, and no request for its proofs", () => {
  const body: Record<string, unknown> = {
    reasoning: { effort: "high", summary: "auto" },
    include: ["reasoning.encrypted_content", "message.output_text.logprobs"],
  };
  restyleThinking(body, "none");
  assert.deepEqual(body, { include: ["message.output_text.logprobs"] });
  const only: Record<string, unknown> = { include: ["reasoning.encrypted_content"] };
  restyleThinking(only, "none");
  assert.deepEqual(only, {});
});

Deno.test("restyleThinking() reasoning (the default) sends the body's reasoning as written", () => {
  const body = { reasoning: { effort: "low" }, include: ["reasoning.encrypted_content"] };
  const copy = structuredClone(body);
  restyleThinking(copy, "reasoning");
  assert.deepEqual(copy, body);
});
