/**
 * A current Claude Code request with every field its recent releases added (`defer_loading` and
 * `eager_input_streaming` on tools, `tool_reference` blocks in a tool result, `cache_control`
 * with `scope` and `ttl`, top-level `diagnostics`, `speed`, `context_management`, effort
 * `xhigh`): other gateways broke on each. On OpenAI-dialect and Gemini upstreams it is a 200
 * with those fields dropped, every tool kept and the references as the tools' names; on an
 * Anthropic upstream every field goes through.
 */
import assert from "node:assert/strict";
import { fixture, fixtureJson } from "./_fixtures.ts";
import { type Got, type Quirk, runQuirks } from "./_quirk.ts";

const REQUEST = fixtureJson("requests/claude_code_new_fields_request.json");
const NEW_FIELDS = [
  "defer_loading",
  "eager_input_streaming",
  "tool_reference",
  "scope",
  "diagnostics",
  "speed",
  "context_management",
];
const TOOL_NAMES = REQUEST.tools.map((t: any) => t.name);

function assertNoNewField(wire: string): void {
  for (const field of NEW_FIELDS) assert.ok(!wire.includes(`"${field}"`), `${field} went upstream`);
}

/** A 200 stream, complete: the caller's kit checked Anthropic's stream rules as it read it. */
function assertStreamOk(got: Got): void {
  assert.equal(got.status, 200, got.text);
  assert.ok(got.finished, got.text);
}

const cases: Quirk[] = [
  {
    name: "Claude Code's newest fields on an OpenAI-dialect upstream: a 200, fields dropped",
    caller: "anthropic",
    upstream: "openai",
    body: REQUEST,
    answer: { sse: fixture("streams/openai_text_only.sse") },
    checkUpstream: (body, req) => {
      assertNoNewField(req.body);
      assert.deepEqual(body.tools.map((t: any) => t.function.name), TOOL_NAMES);
      const result = body.messages.find((m: any) => m.role === "tool");
      assert.equal(result.content, "mcp__github__create_issue\nmcp__github__list_issues");
      assert.equal(body.reasoning_effort, "high", "effort xhigh, told on OpenAI's scale");
    },
    check: assertStreamOk,
  },
  {
    name: "the same on DeepSeek's thinking style keeps effort xhigh as DeepSeek's high",
    caller: "anthropic",
    upstream: "openai",
    body: REQUEST,
    models: { thinking_style: "deepseek", vision: false, prompt_cache: true },
    answer: { sse: fixture("streams/openai_text_only.sse") },
    checkUpstream: (body, req) => {
      assertNoNewField(req.body);
      assert.deepEqual(body.thinking, { type: "enabled" });
      assert.equal(body.reasoning_effort, "high");
      assert.deepEqual(body.messages[0].content[0].cache_control, { type: "ephemeral", ttl: "1h" });
    },
    check: assertStreamOk,
  },
  {
    name: "Claude Code's newest fields on a Gemini upstream: a 200, fields dropped",
    caller: "anthropic",
    upstream: "gemini",
    body: REQUEST,
    answer: { sse: fixture("streams/gemini_text.sse") },
    checkUpstream: (body, req) => {
      assertNoNewField(req.body);
      const declared = body.tools.flatMap((t: any) => t.functionDeclarations ?? []);
      assert.deepEqual(declared.map((d: any) => d.name), TOOL_NAMES);
      const response = body.contents.flatMap((c: any) => c.parts)
        .find((p: any) => p.functionResponse).functionResponse;
      assert.match(JSON.stringify(response.response), /mcp__github__create_issue/);
    },
    check: assertStreamOk,
  },
  {
    name: "Claude Code's newest fields reach an Anthropic upstream untouched",
    caller: "anthropic",
    upstream: "anthropic",
    body: REQUEST,
    models: { max_tokens: "64K" },
    answer: { sse: fixture("streams/anthropic_thinking_tools.sse") },
    checkUpstream: (body) => {
      assert.deepEqual({ ...body, model: REQUEST.model }, REQUEST);
    },
    check: assertStreamOk,
  },
];

Deno.test("conformance: a current Claude Code request with every new field", async (t) => {
  await runQuirks(t, cases);
});
