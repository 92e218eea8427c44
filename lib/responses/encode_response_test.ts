import assert from "node:assert/strict";
import type { StreamEncoderOptions } from "../ir/codec.ts";
import { callIdWithSignature } from "../ir/ids.ts";
import type { Response } from "../ir/types.ts";
import { decodeRequest } from "./decode_request.ts";
import { encodeResponse } from "./encode_response.ts";

const OPTIONS: StreamEncoderOptions = { newId: (p) => `${p}new`, now: () => 1_700_000_000_900 };
const USAGE = {
  inputTokens: 100,
  outputTokens: 40,
  cacheReadTokens: 900,
  cacheWriteTokens: 0,
  reasoningTokens: 25,
};
const REQUEST = decodeRequest({
  model: "codex-x",
  instructions: "Be brief.",
  input: "fix it",
  max_output_tokens: 2000,
  parallel_tool_calls: false,
  tool_choice: "required",
  store: false,
  tools: [
    { type: "function", name: "shell", parameters: { type: "object" } },
    { type: "custom", name: "apply_patch" },
    { type: "namespace", name: "mcp__gh__", tools: [{ type: "function", name: "search" }] },
  ],
}).value;

function answer(content: Response["content"], stopReason: Response["stopReason"] = "end_turn") {
  return { id: "msg_01X", model: "codex-x", content, stopReason, usage: USAGE } as Response;
}

Deno.test("encodeResponse() writes the whole response, its items in order and the settings echoed", () => {
  const gemini = { origin: "gemini" as const, value: "CiQB" };
  const body = encodeResponse(
    answer([
      { type: "thinking", text: "Plan.", signature: { origin: "responses", value: "gAAAA" } },
      { type: "text", text: "Patching " },
      { type: "text", text: "now." },
      {
        type: "tool_call",
        id: "call_1",
        name: "apply_patch",
        input: { input: "*** Begin Patch\n" },
      },
      {
        type: "tool_call",
        id: "call_2",
        name: "mcp__gh__search",
        input: { q: 1 },
        signature: gemini,
      },
      { type: "tool_call", id: "call_3", name: "shell", input: { command: ["ls"] } },
    ], "tool_use"),
    OPTIONS,
    REQUEST,
  );
  assert.deepEqual(body, {
    id: "resp_msg_01X",
    object: "response",
    created_at: 1700000000,
    status: "completed",
    error: null,
    incomplete_details: null,
    model: "codex-x",
    output: [
      {
        id: "rs_msg_01X_0",
        type: "reasoning",
        summary: [{ type: "summary_text", text: "Plan." }],
        encrypted_content: "gAAAA",
      },
      {
        id: "msg_msg_01X_1",
        type: "message",
        status: "completed",
        role: "assistant",
        content: [{ type: "output_text", text: "Patching now.", annotations: [] }],
      },
      {
        id: "ctc_msg_01X_2",
        type: "custom_tool_call",
        status: "completed",
        call_id: "call_1",
        name: "apply_patch",
        input: "*** Begin Patch\n",
      },
      {
        id: "fc_msg_01X_3",
        type: "function_call",
        status: "completed",
        arguments: '{"q":1}',
        call_id: callIdWithSignature("call_2", "CiQB"),
        name: "search",
        namespace: "mcp__gh__",
      },
      {
        id: "fc_msg_01X_4",
        type: "function_call",
        status: "completed",
        arguments: '{"command":["ls"]}',
        call_id: "call_3",
        name: "shell",
      },
    ],
    usage: {
      input_tokens: 1000,
      input_tokens_details: { cached_tokens: 900 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 25 },
      total_tokens: 1040,
    },
    instructions: "Be brief.",
    max_output_tokens: 2000,
    parallel_tool_calls: false,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: null,
    text: { format: { type: "text" } },
    tool_choice: "required",
    tools: REQUEST.callerSettings!.tools,
    top_p: null,
    truncation: "disabled",
    user: null,
    metadata: {},
  });
});

Deno.test("encodeResponse() marks a truncated or refused answer incomplete, with its reason", () => {
  const cut = encodeResponse(
    answer([{ type: "text", text: "Cut" }], "max_tokens"),
    OPTIONS,
    REQUEST,
  );
  assert.equal(cut.status, "incomplete");
  assert.deepEqual(cut.incomplete_details, { reason: "max_output_tokens" });
  const refused = encodeResponse(answer([], "refusal"), OPTIONS, REQUEST);
  assert.equal(refused.status, "incomplete");
  assert.deepEqual(refused.incomplete_details, { reason: "content_filter" });
  assert.deepEqual(refused.output, []);
});

Deno.test("encodeResponse() carries other dialects' proofs in encrypted_content, marked", () => {
  const body = encodeResponse(
    answer([
      { type: "thinking", text: "a", signature: { origin: "anthropic", value: "EqQB" } },
      { type: "redacted_thinking", data: "RUQB" },
      { type: "thinking", text: "b", signature: { origin: "proxy", value: "" } },
      { type: "text", text: "  " },
    ]),
    OPTIONS,
  );
  assert.deepEqual(body.output, [
    {
      id: "rs_msg_01X_0",
      type: "reasoning",
      summary: [{ type: "summary_text", text: "a" }],
      encrypted_content: "anthropic:EqQB",
    },
    {
      id: "rs_msg_01X_1",
      type: "reasoning",
      summary: [],
      encrypted_content: "anthropic-redacted:RUQB",
    },
    {
      id: "rs_msg_01X_2",
      type: "reasoning",
      summary: [{ type: "summary_text", text: "b" }],
      encrypted_content: "proxy:v1",
    },
  ]);
});

Deno.test("encodeResponse() without the request answers calls as plain function calls", () => {
  const body = encodeResponse(
    answer(
      [{ type: "tool_call", id: "c", name: "apply_patch", input: { input: "x" } }],
      "tool_use",
    ),
    { ...OPTIONS },
  );
  assert.deepEqual(body.output, [{
    id: "fc_msg_01X_0",
    type: "function_call",
    status: "completed",
    arguments: '{"input":"x"}',
    call_id: "c",
    name: "apply_patch",
  }]);
  assert.equal(body.tools, undefined);
});

Deno.test("encodeResponse() writes a search as a web_search_call item with its query and pages", () => {
  const body = encodeResponse(
    answer([
      { type: "web_search_call", id: "srvtoolu_1", query: "deno 2.9" },
      {
        type: "web_search_result",
        callId: "srvtoolu_1",
        sources: [{ url: "https://deno.com", title: "Deno" }],
      },
      { type: "web_search_call", id: "srvtoolu_2", query: "deno 3" },
      { type: "web_search_result", callId: "srvtoolu_2", sources: [], errorCode: "unavailable" },
      { type: "text", text: "Deno 2.9 is out." },
    ]),
    OPTIONS,
    REQUEST,
  );
  assert.deepEqual(body.output, [
    {
      id: "ws_msg_01X_0",
      type: "web_search_call",
      status: "completed",
      action: {
        type: "search",
        query: "deno 2.9",
        sources: [{ type: "url", url: "https://deno.com" }],
      },
    },
    {
      id: "ws_msg_01X_1",
      type: "web_search_call",
      status: "failed",
      action: { type: "search", query: "deno 3" },
    },
    {
      id: "msg_msg_01X_2",
      type: "message",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: "Deno 2.9 is out.", annotations: [] }],
    },
  ]);
});

Deno.test("encodeResponse() annotates the message with url_citations at their place in it", () => {
  const body = encodeResponse(
    answer([
      { type: "text", text: "Yes. " },
      {
        type: "text",
        text: "Deno 2.9 is out.",
        citations: [{ url: "https://deno.com/blog", title: "Deno blog", start: 0, end: 8 }],
      },
    ]),
    OPTIONS,
    REQUEST,
  );
  assert.deepEqual((body.output as Array<{ content: unknown }>)[0].content, [{
    type: "output_text",
    text: "Yes. Deno 2.9 is out.",
    annotations: [{
      type: "url_citation",
      start_index: 5,
      end_index: 13,
      url: "https://deno.com/blog",
      title: "Deno blog",
    }],
  }]);
});
