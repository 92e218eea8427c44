import assert from "node:assert/strict";
import type { Request, ThinkingConfig } from "../ir/types.ts";
import { encodeThinking } from "./encode_thinking.ts";

function thinkingOf(thinking: ThinkingConfig, style?: "budget" | "adaptive" | "none") {
  const request: Request = {
    model: "m",
    stream: false,
    system: [],
    messages: [],
    tools: [],
    thinking,
  };
  return encodeThinking(request, 32000, [], style);
}

Deno.test("encodeThinking() adaptive style: adaptive with an effort, never a budget, nothing when off", () => {
  assert.deepEqual(thinkingOf({ mode: "adaptive", effort: "max" }, "adaptive"), {
    thinking: { type: "adaptive" },
    effort: "max",
  });
  assert.deepEqual(thinkingOf({ mode: "enabled", budgetTokens: 31999 }, "adaptive"), {
    thinking: { type: "adaptive" },
    effort: "high",
  });
  assert.deepEqual(thinkingOf({ mode: "enabled", budgetTokens: 2000 }, "adaptive"), {
    thinking: { type: "adaptive" },
    effort: "medium",
  });
  assert.deepEqual(thinkingOf({ mode: "disabled" }, "adaptive"), {});
});

Deno.test("encodeThinking() budget style (the default): as before, a budget for enabled", () => {
  assert.deepEqual(thinkingOf({ mode: "adaptive", effort: "max" }), {
    thinking: { type: "adaptive" },
    effort: "max",
  });
  assert.deepEqual(thinkingOf({ mode: "enabled", budgetTokens: 31999 }), {
    thinking: { type: "enabled", budget_tokens: 31999 },
  });
  assert.deepEqual(thinkingOf({ mode: "disabled" }), {});
});

Deno.test("encodeThinking() none style: nothing about thinking", () => {
  assert.deepEqual(thinkingOf({ mode: "adaptive", effort: "max" }, "none"), {});
  assert.deepEqual(thinkingOf({ mode: "enabled", budgetTokens: 31999 }, "none"), {});
});
