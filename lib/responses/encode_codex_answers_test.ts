/**
 * Answers to what the real Codex CLI sent (the captured requests), whole and streamed, in the
 * exact items Codex runs: a namespaced call as `function_call` with its `namespace` and bare
 * name, `apply_patch` as `custom_tool_call` with the raw patch, a search as `tool_search_call`
 * with its arguments as an object; and the `response.completed` it needs (`id`, whole `usage`).
 */
import assert from "node:assert/strict";
import type { StreamEncoderOptions } from "../ir/codec.ts";
import type { Request, Response, StreamEvent, Usage } from "../ir/types.ts";
import { responseToEvents } from "../ir/replay.ts";
import { SseParser } from "../sse/parser.ts";
import { decodeRequest } from "./decode_request.ts";
import { encodeResponse } from "./encode_response.ts";
import { createStreamEncoder } from "./stream_encoder.ts";

function capture(name: string): Request {
  const text = Deno.readTextFileSync(
    new URL(`../../tests/fixtures/requests/${name}`, import.meta.url),
  );
  return decodeRequest(JSON.parse(text)).value;
}

const MCP = capture("codex_request_mcp.json");
const CATALOG = capture("codex_request.json");
const OPTIONS: StreamEncoderOptions = { newId: (p) => `${p}new`, now: () => 1_700_000_000_000 };
const USAGE: Usage = {
  inputTokens: 900,
  outputTokens: 40,
  cacheReadTokens: 100,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};
const PATCH = "*** Begin Patch\n*** Add File: notes.txt\n+hello\n*** End Patch\n";

/** An upstream's answer calling tools by the flat names the upstream was given. */
function answer(calls: Array<[string, string, unknown]>): Response {
  return {
    id: "msg_up",
    model: "deepseek-chat",
    content: calls.map(([id, name, input]) => ({
      type: "tool_call" as const,
      id,
      name,
      input: input as Record<string, unknown>,
    })),
    stopReason: "tool_use",
    usage: USAGE,
  };
}

/** The answer streamed through the encoder, read back with the SSE parser Codex's matches. */
function streamed(request: Request, response: Response): Array<Record<string, any>> {
  const encoder = createStreamEncoder(request, OPTIONS);
  const events: StreamEvent[] = responseToEvents(response, () => "call_new");
  const parser = new SseParser();
  const text = events.map((e) => encoder.encode(e)).join("");
  return [...parser.push(text), ...parser.end()].map((event) => {
    const data = JSON.parse(event.data);
    assert.equal(event.event, data.type);
    return data;
  });
}

const WIRE_USAGE = {
  input_tokens: 1000,
  input_tokens_details: { cached_tokens: 100 },
  output_tokens: 40,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 1040,
};

/** What Codex keeps of a stream: every output_item.done, and the completed response. */
function codexView(events: Array<Record<string, any>>) {
  assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
  const done = events.filter((e) => e.type === "response.output_item.done").map((e) => e.item);
  const completed = events.at(-1)!;
  assert.equal(completed.type, "response.completed");
  assert.equal(completed.response.id, "resp_msg_up");
  assert.deepEqual(completed.response.usage, WIRE_USAGE);
  assert.deepEqual(completed.response.output, done);
  return done;
}

Deno.test("A namespaced call answers Codex as function_call with its namespace and bare name", () => {
  const response = answer([
    ["call_1", "mcp__stub__lookup_word", { word: "zebra" }],
    ["call_2", "multi_agent_v1__spawn_agent", { message: "check the tests" }],
  ]);
  const expected = [
    {
      id: "fc_msg_up_0",
      type: "function_call",
      status: "completed",
      arguments: '{"word":"zebra"}',
      call_id: "call_1",
      name: "lookup_word",
      namespace: "mcp__stub",
    },
    {
      id: "fc_msg_up_1",
      type: "function_call",
      status: "completed",
      arguments: '{"message":"check the tests"}',
      call_id: "call_2",
      name: "spawn_agent",
      namespace: "multi_agent_v1",
    },
  ];
  assert.deepEqual(codexView(streamed(MCP, response)), expected);
  const whole = encodeResponse(response, OPTIONS, MCP);
  assert.deepEqual(whole.output, expected);
  assert.deepEqual(whole.usage, WIRE_USAGE);
  const events = streamed(MCP, response);
  const added = events.filter((e) => e.type === "response.output_item.added").map((e) => e.item);
  assert.deepEqual(added.map((i) => [i.type, i.name, i.namespace, i.arguments]), [
    ["function_call", "lookup_word", "mcp__stub", ""],
    ["function_call", "spawn_agent", "multi_agent_v1", ""],
  ]);
});

Deno.test("apply_patch answers Codex as custom_tool_call with the raw patch, a plain tool as itself", () => {
  const response = answer([
    ["call_p", "apply_patch", { input: PATCH }],
    ["call_x", "exec_command", { cmd: "cat notes.txt" }],
  ]);
  const expected = [
    {
      id: "ctc_msg_up_0",
      type: "custom_tool_call",
      status: "completed",
      call_id: "call_p",
      name: "apply_patch",
      input: PATCH,
    },
    {
      id: "fc_msg_up_1",
      type: "function_call",
      status: "completed",
      arguments: '{"cmd":"cat notes.txt"}',
      call_id: "call_x",
      name: "exec_command",
    },
  ];
  const events = streamed(CATALOG, response);
  assert.deepEqual(codexView(events), expected);
  assert.deepEqual(encodeResponse(response, OPTIONS, CATALOG).output, expected);
  assert.deepEqual(
    events.filter((e) => e.item_id === "ctc_msg_up_0").map((e) => [e.type, e.delta ?? e.input]),
    [
      ["response.custom_tool_call_input.delta", PATCH],
      ["response.custom_tool_call_input.done", PATCH],
    ],
  );
});

Deno.test("tool_search answers Codex as tool_search_call with its arguments as an object", () => {
  const response = answer([["call_s", "tool_search", { query: "dictionary", limit: 3 }]]);
  const expected = [{
    id: "tsc_msg_up_0",
    type: "tool_search_call",
    status: "completed",
    call_id: "call_s",
    execution: "client",
    arguments: { query: "dictionary", limit: 3 },
  }];
  const events = streamed(CATALOG, response);
  assert.deepEqual(codexView(events), expected);
  assert.deepEqual(events.map((e) => e.type), [
    "response.created",
    "response.in_progress",
    "response.output_item.added",
    "response.output_item.done",
    "response.completed",
  ]);
  assert.deepEqual(events[2].item, { ...expected[0], status: "in_progress", arguments: {} });
  assert.deepEqual(encodeResponse(response, OPTIONS, CATALOG).output, expected);
  // where Codex declared no client-run search, a call of that name stays a function call
  const elsewhere = encodeResponse(response, OPTIONS, MCP).output as Array<{ type: string }>;
  assert.equal(elsewhere[0].type, "function_call");
});
