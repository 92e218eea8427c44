import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import type { DecodeContext } from "../ir/codec.ts";
import { decodeResponse } from "./decode_response.ts";

const SHORT = "mcp__chrome__navigate_0123456789abcdef";
const LONG = "mcp__claude_in_chrome__navigate_to_a_page_and_wait_for_it_to_load";
const CONTEXT: DecodeContext = {
  toolNames: new Map([[SHORT, LONG]]),
  newId: (prefix) => `${prefix}_new`,
};

Deno.test("decodeResponse() reads reasoning, text and calls, usage included", () => {
  const { value, warnings } = decodeResponse({
    id: "resp_1",
    object: "response",
    model: "gpt-5-codex-2026-03-05",
    status: "completed",
    output: [
      {
        id: "rs_1",
        type: "reasoning",
        summary: [
          { type: "summary_text", text: "**Plan**\n\nList." },
          { type: "summary_text", text: "**Then** read." },
        ],
        encrypted_content: "gAAAA",
      },
      { id: "rs_2", type: "reasoning", summary: [] },
      {
        id: "msg_1",
        type: "message",
        role: "assistant",
        content: [{ type: "output_text", text: "Looking.", annotations: [] }],
      },
      {
        id: "fc_1",
        type: "function_call",
        call_id: "call_a",
        name: SHORT,
        arguments: '{"url":"https://x.test"}',
      },
      { id: "fc_2", type: "function_call", call_id: "call_b", name: "Bash", arguments: '{"cmd":' },
      { id: "ig_1", type: "image_generation_call", status: "completed" },
    ],
    usage: {
      input_tokens: 4523,
      input_tokens_details: { cached_tokens: 4096 },
      output_tokens: 318,
      output_tokens_details: { reasoning_tokens: 192 },
      total_tokens: 4841,
    },
  }, CONTEXT);
  assert.deepEqual(value, {
    id: "resp_1",
    model: "gpt-5-codex-2026-03-05",
    content: [
      {
        type: "thinking",
        text: "**Plan**\n\nList.\n\n**Then** read.",
        signature: { origin: "responses", value: "gAAAA" },
      },
      { type: "text", text: "Looking." },
      { type: "tool_call", id: "call_a", name: LONG, input: { url: "https://x.test" } },
      { type: "tool_call", id: "call_b", name: "Bash", input: { _raw_arguments: '{"cmd":' } },
    ],
    stopReason: "tool_use",
    usage: {
      inputTokens: 427,
      outputTokens: 318,
      cacheReadTokens: 4096,
      cacheWriteTokens: 0,
      reasoningTokens: 192,
    },
  });
  assert.deepEqual(warnings, [
    `Tool call "Bash" had arguments that are not a JSON object`,
    `Skipped an output item of type "image_generation_call"`,
  ]);
});

Deno.test("decodeResponse() reads incomplete answers and refusals as their stop reasons", () => {
  const stop = (body: Record<string, unknown>) =>
    decodeResponse({ output: [], ...body }, CONTEXT).value.stopReason;
  assert.equal(
    stop({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } }),
    "max_tokens",
  );
  assert.equal(
    stop({ status: "incomplete", incomplete_details: { reason: "content_filter" } }),
    "refusal",
  );
  const refusal = decodeResponse({
    status: "completed",
    output: [{ type: "message", content: [{ type: "refusal", refusal: "I can't help." }] }],
  }, CONTEXT).value;
  assert.deepEqual(refusal.content, [{ type: "text", text: "I can't help." }]);
  assert.equal(refusal.stopReason, "refusal");
  assert.equal(refusal.id, "resp_new");
});

Deno.test("decodeResponse() reads a freeform call back as a one-string function call", () => {
  const { value } = decodeResponse({
    output: [{ type: "custom_tool_call", call_id: "call_p", name: "apply_patch", input: "*** x" }],
  }, CONTEXT);
  assert.deepEqual(value.content, [
    { type: "tool_call", id: "call_p", name: "apply_patch", input: { input: "*** x" } },
  ]);
});

Deno.test("decodeResponse() turns a failed response into its error, keeping the code", () => {
  assert.throws(
    () =>
      decodeResponse({
        status: "failed",
        output: [],
        error: { code: "rate_limit_exceeded", message: "Slow down" },
      }, CONTEXT),
    (e: unknown) => {
      assert.ok(e instanceof ProxyError);
      assert.equal(e.kind, "rate_limit");
      assert.equal(e.message, "Slow down");
      assert.equal(e.code, "rate_limit_exceeded");
      return true;
    },
  );
  assert.throws(() => decodeResponse([], CONTEXT), /not a JSON object/);
  assert.throws(() => decodeResponse({ id: "r" }, CONTEXT), /has no output/);
});

Deno.test("decodeResponse() reads web_search_call items as searches, cited pages joining them", () => {
  const { value, warnings } = decodeResponse({
    id: "resp_s",
    status: "completed",
    output: [
      {
        id: "ws_1",
        type: "web_search_call",
        status: "completed",
        action: {
          type: "search",
          query: "deno 2.9",
          sources: [{ type: "url", url: "https://deno.com/blog/v2.9" }],
        },
      },
      {
        id: "ws_2",
        type: "web_search_call",
        status: "completed",
        action: { type: "open_page", url: "https://deno.com/blog/v2.9" },
      },
      {
        id: "msg_1",
        type: "message",
        role: "assistant",
        content: [{
          type: "output_text",
          text: "Deno 2.9 is out.",
          annotations: [
            {
              type: "url_citation",
              start_index: 0,
              end_index: 16,
              url: "https://deno.com/blog/v2.9",
              title: "Deno 2.9",
            },
            {
              type: "url_citation",
              start_index: 0,
              end_index: 4,
              url: "https://github.com/denoland/deno",
              title: "denoland/deno",
            },
          ],
        }],
      },
    ],
    usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
  }, CONTEXT);
  assert.deepEqual(value.content, [
    { type: "web_search_call", id: "ws_1", query: "deno 2.9" },
    {
      type: "web_search_result",
      callId: "ws_1",
      sources: [
        { url: "https://deno.com/blog/v2.9", title: "Deno 2.9" },
        { url: "https://github.com/denoland/deno", title: "denoland/deno" },
      ],
    },
    {
      type: "text",
      text: "Deno 2.9 is out.",
      citations: [
        { url: "https://deno.com/blog/v2.9", title: "Deno 2.9", start: 0, end: 16 },
        { url: "https://github.com/denoland/deno", title: "denoland/deno", start: 0, end: 4 },
      ],
    },
  ]);
  assert.deepEqual(value.usage.serverToolUse, { webSearchRequests: 1 });
  assert.equal(value.stopReason, "end_turn");
  assert.deepEqual(warnings, [`Skipped an output item of type "web_search_call"`]);
});
