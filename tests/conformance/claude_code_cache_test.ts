/**
 * Claude Code on third-party models, what the upstream receives: its billing line (whose nonce
 * changes every request) only on Anthropic upstreams, and `cache_control` on OpenAI-dialect
 * content parts where `prompt_cache` asks for it and nowhere else.
 */
import assert from "node:assert/strict";
import { json } from "../_harness.ts";
import { exchange, KEY, MODEL } from "./_exchange.ts";
import { HELLO, HELLO_REPLY, type Quirk, runQuirks } from "./_quirk.ts";
import { KITS } from "./wire/kits.ts";

const billingLine = (nonce: string) =>
  `x-anthropic-billing-header: cc_version=2.1.241.a3f; cc_entrypoint=cli; cch=${nonce};`;

// ---------------------------------------------------------------------------------------------
// The billing line
// ---------------------------------------------------------------------------------------------

/** The system text an upstream of each dialect received. */
function systemText(dialect: "openai" | "gemini" | "anthropic", body: any): string {
  switch (dialect) {
    case "openai":
      return JSON.stringify(body.messages.filter((m: any) => m.role === "system"));
    case "gemini":
      return JSON.stringify(body.systemInstruction);
    case "anthropic":
      return JSON.stringify(body.system);
  }
}

function claudeCodeTurn(nonce: string): Record<string, unknown> {
  return {
    model: "m",
    max_tokens: 1000,
    system: [
      { type: "text", text: billingLine(nonce) },
      {
        type: "text",
        text: "You are Claude Code, Anthropic's official CLI for Claude.",
        cache_control: { type: "ephemeral" },
      },
      { type: "text", text: "Be helpful.", cache_control: { type: "ephemeral" } },
    ],
    messages: [{ role: "user", content: "Hi" }],
  };
}

for (const upstream of ["openai", "gemini"] as const) {
  Deno.test(`the billing line never reaches ${upstream}: system text is byte-identical across nonces`, async () => {
    const sent: Array<{ body: string; json: any }> = [];
    for (const nonce of ["9b27c", "3f0a1"]) {
      const call = KITS.anthropic.caller.call(claudeCodeTurn(nonce), {
        model: MODEL[upstream],
        mode: "whole",
        key: KEY,
      });
      const result = await exchange(call, () => json(KITS[upstream].upstream.json(HELLO_REPLY)));
      assert.equal(result.status, 200, result.text);
      sent.push(result.received[0]);
    }
    for (const { body } of sent) {
      assert.ok(!body.includes("x-anthropic-billing-header"), body);
      assert.ok(!body.includes("cch="), body);
    }
    const [a, b] = sent.map((r) => systemText(upstream, r.json));
    assert.match(a, /You are Claude Code/);
    assert.equal(a, b);
  });
}

const billing: Quirk[] = [{
  name: "Claude on an Anthropic upstream still receives the billing line",
  caller: "anthropic",
  upstream: "anthropic",
  body: claudeCodeTurn("9b27c"),
  answer: HELLO,
  checkUpstream: (body) => assert.equal(body.system[0].text, billingLine("9b27c")),
  check: (got) => assert.equal(got.status, 200),
}];

// ---------------------------------------------------------------------------------------------
// prompt_cache
// ---------------------------------------------------------------------------------------------

const EPHEMERAL = { type: "ephemeral" };

/** A Claude Code turn with breakpoints on system blocks, a user text and a tool result. */
const CACHED_TURN = {
  max_tokens: 1000,
  system: [
    { type: "text", text: billingLine("9b27c") },
    { type: "text", text: "You are Claude Code.", cache_control: EPHEMERAL },
    { type: "text", text: "Be helpful.", cache_control: { type: "ephemeral", scope: "global" } },
  ],
  tools: [{ name: "Read", input_schema: { type: "object" } }],
  messages: [
    { role: "user", content: [{ type: "text", text: "Read a.txt", cache_control: EPHEMERAL }] },
    {
      role: "assistant",
      content: [{ type: "tool_use", id: "toolu_1", name: "Read", input: { path: "a.txt" } }],
    },
    {
      role: "user",
      content: [{
        type: "tool_result",
        tool_use_id: "toolu_1",
        content: "hello",
        cache_control: { type: "ephemeral", ttl: "1h" },
      }],
    },
  ],
};

const promptCache: Quirk[] = [
  {
    name: "prompt_cache: cache_control breakpoints go onto the matching content parts",
    caller: "anthropic",
    upstream: "openai",
    body: CACHED_TURN,
    models: { prompt_cache: true },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages, [
        {
          role: "system",
          content: [
            { type: "text", text: "You are Claude Code.", cache_control: EPHEMERAL },
            { type: "text", text: "Be helpful.", cache_control: EPHEMERAL },
          ],
        },
        {
          role: "user",
          content: [{ type: "text", text: "Read a.txt", cache_control: EPHEMERAL }],
        },
        {
          role: "assistant",
          content: null,
          tool_calls: [{
            id: "toolu_1",
            type: "function",
            function: { name: "Read", arguments: '{"path":"a.txt"}' },
          }],
        },
        {
          role: "tool",
          tool_call_id: "toolu_1",
          content: [{
            type: "text",
            text: "hello",
            cache_control: { type: "ephemeral", ttl: "1h" },
          }],
        },
      ]);
    },
    check: (got) => assert.equal(got.status, 200, got.text),
  },
  {
    name: "without prompt_cache no cache_control reaches an OpenAI-dialect upstream",
    caller: "anthropic",
    upstream: "openai",
    body: CACHED_TURN,
    answer: HELLO,
    checkUpstream: (body, req) => {
      assert.ok(!req.body.includes("cache_control"), req.body);
      assert.deepEqual(body.messages[0], {
        role: "system",
        content: "You are Claude Code.\n\nBe helpful.",
      });
    },
    check: (got) => assert.equal(got.status, 200, got.text),
  },
  {
    name: "no cache_control reaches a Gemini upstream",
    caller: "anthropic",
    upstream: "gemini",
    body: CACHED_TURN,
    answer: HELLO,
    checkUpstream: (_body, req) => assert.ok(!req.body.includes("cache_control"), req.body),
    check: (got) => assert.equal(got.status, 200, got.text),
  },
];

Deno.test("conformance: Claude Code's billing line", async (t) => {
  await runQuirks(t, billing);
});

Deno.test("conformance: prompt_cache", async (t) => {
  await runQuirks(t, promptCache);
});
