import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import { Assembler } from "../ir/assembler.ts";
import type { StreamEncoderOptions } from "../ir/codec.ts";
import { callIdWithSignature } from "../ir/ids.ts";
import type { Request, StreamEvent, Usage } from "../ir/types.ts";
import { decodeRequest } from "./decode_request.ts";
import { createStreamEncoder } from "./stream_encoder.ts";

const OPTIONS: StreamEncoderOptions = {
  newId: (prefix) => `${prefix}new`,
  now: () => 1_700_000_000_900,
};
const USAGE: Usage = {
  inputTokens: 10,
  outputTokens: 20,
  cacheReadTokens: 5,
  cacheWriteTokens: 1,
  reasoningTokens: 7,
};
const WIRE_USAGE = {
  input_tokens: 16,
  input_tokens_details: { cached_tokens: 5 },
  output_tokens: 20,
  output_tokens_details: { reasoning_tokens: 7 },
  total_tokens: 36,
};

/** A request as the caller sent it, decoded (so its settings are echoed). */
function request(body: Record<string, unknown> = {}): Request {
  return decodeRequest({ model: "codex-x", input: "hi", stream: true, ...body }).value;
}

const REQUEST = request();
const SETTINGS = REQUEST.callerSettings!;

function encode(events: StreamEvent[], req = REQUEST): string {
  const encoder = createStreamEncoder(req, OPTIONS);
  assert.equal(encoder.contentType, "text/event-stream");
  return events.map((e) => encoder.encode(e)).join("");
}

/** The events of an SSE text; every one has `event:` = its `type` and the next sequence number. */
function parse(sse: string): Array<Record<string, unknown>> {
  assert.ok(sse.endsWith("\n\n"));
  return sse.slice(0, -2).split("\n\n").map((text, i) => {
    const [event, data, ...rest] = text.split("\n");
    assert.deepEqual(rest, []);
    const parsed = JSON.parse(data.slice("data: ".length));
    assert.equal(event, `event: ${parsed.type}`);
    assert.equal(parsed.sequence_number, i);
    delete parsed.sequence_number;
    return parsed;
  });
}

const start = (id = "abc"): StreamEvent => ({
  type: "message_start",
  id,
  model: "codex-x",
  usage: USAGE,
});
const block = (index: number, b: Extract<StreamEvent, { type: "block_start" }>["block"]) =>
  ({ type: "block_start", index, block: b }) as StreamEvent;
const delta = (index: number, d: Extract<StreamEvent, { type: "block_delta" }>["delta"]) =>
  ({ type: "block_delta", index, delta: d }) as StreamEvent;
const stop = (index: number): StreamEvent => ({ type: "block_stop", index });
const end = (stopReason: "end_turn" | "tool_use" | "max_tokens" | "refusal" = "end_turn") =>
  [{ type: "message_delta", stopReason, usage: USAGE }, { type: "message_stop" }] as StreamEvent[];

function response(
  status: string,
  output: unknown[],
  extra: Record<string, unknown> = {},
  settings = SETTINGS,
) {
  return {
    id: "resp_abc",
    object: "response",
    created_at: 1700000000,
    status,
    error: null,
    incomplete_details: null,
    model: "codex-x",
    output,
    usage: status === "in_progress" || status === "failed" ? null : WIRE_USAGE,
    ...extra,
    ...settings,
  };
}

const LIFECYCLE_START = [
  { type: "response.created", response: response("in_progress", []) },
  { type: "response.in_progress", response: response("in_progress", []) },
];

Deno.test("createStreamEncoder() writes a text answer as Responses SSE, byte for byte", () => {
  const req = request({ instructions: "Be brief.", tools: [] });
  const settings = JSON.stringify(req.callerSettings).slice(1);
  const head = (seq: number, type: string, status: string, output: string, usage: string) =>
    `event: ${type}\ndata: {"type":"${type}","sequence_number":${seq},"response":` +
    `{"id":"resp_abc","object":"response","created_at":1700000000,"status":"${status}",` +
    `"error":null,"incomplete_details":null,"model":"codex-x","output":${output},` +
    `"usage":${usage},${settings}}\n\n`;
  const item = (status: string, content: string) =>
    `{"id":"msg_abc_0","type":"message","status":"${status}","role":"assistant","content":${content}}`;
  const at = `"item_id":"msg_abc_0","output_index":0,"content_index":0`;
  const done = item("completed", `[{"type":"output_text","text":"Hi there","annotations":[]}]`);
  const expected = head(0, "response.created", "in_progress", "[]", "null") +
    head(1, "response.in_progress", "in_progress", "[]", "null") +
    `event: response.output_item.added\ndata: {"type":"response.output_item.added",` +
    `"sequence_number":2,"output_index":0,"item":${item("in_progress", "[]")}}\n\n` +
    `event: response.content_part.added\ndata: {"type":"response.content_part.added",` +
    `"sequence_number":3,${at},"part":{"type":"output_text","text":"","annotations":[]}}\n\n` +
    `event: response.output_text.delta\ndata: {"type":"response.output_text.delta",` +
    `"sequence_number":4,${at},"delta":"Hi","logprobs":[]}\n\n` +
    `event: response.output_text.delta\ndata: {"type":"response.output_text.delta",` +
    `"sequence_number":5,${at},"delta":" there","logprobs":[]}\n\n` +
    `event: response.output_text.done\ndata: {"type":"response.output_text.done",` +
    `"sequence_number":6,${at},"text":"Hi there","logprobs":[]}\n\n` +
    `event: response.content_part.done\ndata: {"type":"response.content_part.done",` +
    `"sequence_number":7,${at},"part":{"type":"output_text","text":"Hi there","annotations":[]}}\n\n` +
    `event: response.output_item.done\ndata: {"type":"response.output_item.done",` +
    `"sequence_number":8,"output_index":0,"item":${done}}\n\n` +
    head(9, "response.completed", "completed", `[${done}]`, JSON.stringify(WIRE_USAGE));
  const text = encode([
    start(),
    block(0, { type: "text" }),
    delta(0, { type: "text", text: "Hi" }),
    delta(0, { type: "text", text: " there" }),
    stop(0),
    ...end(),
  ], req);
  assert.equal(text, expected);
});

Deno.test("createStreamEncoder() writes reasoning with its proof only in output_item.done", () => {
  const events = parse(encode([
    start(),
    block(0, { type: "thinking" }),
    delta(0, { type: "thinking", text: "Look " }),
    delta(0, { type: "thinking", text: "first." }),
    delta(0, { type: "signature", signature: { origin: "anthropic", value: "EqQB" } }),
    stop(0),
    block(1, { type: "text" }),
    delta(1, { type: "text", text: "Done." }),
    stop(1),
    ...end(),
  ]));
  const at = { item_id: "rs_abc_0", output_index: 0 };
  const reasoning = {
    id: "rs_abc_0",
    type: "reasoning",
    summary: [{ type: "summary_text", text: "Look first." }],
    encrypted_content: "anthropic:EqQB",
  };
  const message = {
    id: "msg_abc_1",
    type: "message",
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text: "Done.", annotations: [] }],
  };
  const part = (text: string) => ({ type: "summary_text", text });
  assert.deepEqual(events.slice(0, 9), [
    ...LIFECYCLE_START,
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { id: "rs_abc_0", type: "reasoning", summary: [] },
    },
    { type: "response.reasoning_summary_part.added", ...at, summary_index: 0, part: part("") },
    { type: "response.reasoning_summary_text.delta", ...at, summary_index: 0, delta: "Look " },
    { type: "response.reasoning_summary_text.delta", ...at, summary_index: 0, delta: "first." },
    { type: "response.reasoning_summary_text.done", ...at, summary_index: 0, text: "Look first." },
    {
      type: "response.reasoning_summary_part.done",
      ...at,
      summary_index: 0,
      part: part("Look first."),
    },
    { type: "response.output_item.done", output_index: 0, item: reasoning },
  ]);
  assert.deepEqual(events.slice(9, -1).map((e) => e.type), [
    "response.output_item.added",
    "response.content_part.added",
    "response.output_text.delta",
    "response.output_text.done",
    "response.content_part.done",
    "response.output_item.done",
  ]);
  assert.deepEqual(events.at(-1), {
    type: "response.completed",
    response: response("completed", [reasoning, message]),
  });
});

Deno.test("createStreamEncoder() writes parallel calls, restoring namespaces and signed ids", () => {
  const req = request({
    tools: [
      { type: "function", name: "shell" },
      { type: "namespace", name: "crm", tools: [{ type: "function", name: "find" }] },
    ],
  });
  const gemini = { origin: "gemini" as const, value: "CiQB" };
  const signed = callIdWithSignature("call_b", "CiQB");
  const events = parse(encode([
    start(),
    block(0, { type: "tool_call", id: "call_a", name: "shell" }),
    delta(0, { type: "tool_args", json: '{"command":["ls","-' }),
    delta(0, { type: "tool_args", json: 'la"],"note":"caf\\u00' }),
    delta(0, { type: "tool_args", json: 'e9"}' }),
    stop(0),
    block(1, { type: "tool_call", id: "call_b", name: "crm__find", signature: gemini }),
    delta(1, { type: "tool_args", json: '{"q":"a\\' }),
    delta(1, { type: "tool_args", json: '"b"}' }),
    stop(1),
    ...end("tool_use"),
  ], req));
  const shellArgs = '{"command":["ls","-la"],"note":"caf\\u00e9"}';
  const shell = (status: string, args: string) => ({
    id: "fc_abc_0",
    type: "function_call",
    status,
    arguments: args,
    call_id: "call_a",
    name: "shell",
  });
  const find = (status: string, args: string) => ({
    id: "fc_abc_1",
    type: "function_call",
    status,
    arguments: args,
    call_id: signed,
    name: "find",
    namespace: "crm",
  });
  const a0 = { item_id: "fc_abc_0", output_index: 0 };
  const a1 = { item_id: "fc_abc_1", output_index: 1 };
  assert.deepEqual(events.slice(2, -1), [
    { type: "response.output_item.added", output_index: 0, item: shell("in_progress", "") },
    { type: "response.function_call_arguments.delta", ...a0, delta: '{"command":["ls","-' },
    { type: "response.function_call_arguments.delta", ...a0, delta: 'la"],"note":"caf\\u00' },
    { type: "response.function_call_arguments.delta", ...a0, delta: 'e9"}' },
    { type: "response.function_call_arguments.done", ...a0, arguments: shellArgs },
    { type: "response.output_item.done", output_index: 0, item: shell("completed", shellArgs) },
    { type: "response.output_item.added", output_index: 1, item: find("in_progress", "") },
    { type: "response.function_call_arguments.delta", ...a1, delta: '{"q":"a\\' },
    { type: "response.function_call_arguments.delta", ...a1, delta: '"b"}' },
    { type: "response.function_call_arguments.done", ...a1, arguments: '{"q":"a\\"b"}' },
    {
      type: "response.output_item.done",
      output_index: 1,
      item: find("completed", '{"q":"a\\"b"}'),
    },
  ]);
  assert.deepEqual((events.at(-1)!.response as { output: unknown[] }).output, [
    shell("completed", shellArgs),
    find("completed", '{"q":"a\\"b"}'),
  ]);
});

Deno.test("createStreamEncoder() answers a freeform tool's call as custom_tool_call with raw input", () => {
  const req = request({ tools: [{ type: "custom", name: "apply_patch" }] });
  const patch = "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n";
  const args = JSON.stringify({ input: patch });
  const events = parse(encode([
    start(),
    block(0, { type: "tool_call", id: "call_p", name: "apply_patch" }),
    delta(0, { type: "tool_args", json: args.slice(0, 20) }),
    delta(0, { type: "tool_args", json: args.slice(20) }),
    stop(0),
    ...end("tool_use"),
  ], req));
  const item = (status: string, input: string) => ({
    id: "ctc_abc_0",
    type: "custom_tool_call",
    status,
    call_id: "call_p",
    name: "apply_patch",
    input,
  });
  const at = { item_id: "ctc_abc_0", output_index: 0 };
  assert.deepEqual(events.slice(2), [
    { type: "response.output_item.added", output_index: 0, item: item("in_progress", "") },
    { type: "response.custom_tool_call_input.delta", ...at, delta: patch },
    { type: "response.custom_tool_call_input.done", ...at, input: patch },
    { type: "response.output_item.done", output_index: 0, item: item("completed", patch) },
    {
      type: "response.completed",
      response: response("completed", [item("completed", patch)], {}, req.callerSettings),
    },
  ]);
});

Deno.test("createStreamEncoder() ends a truncated or refused answer with response.incomplete", () => {
  for (
    const [reason, wire] of [["max_tokens", "max_output_tokens"], [
      "refusal",
      "content_filter",
    ]] as const
  ) {
    const events = parse(encode([start(), ...end(reason)]));
    assert.deepEqual(events.at(-1), {
      type: "response.incomplete",
      response: { ...response("incomplete", []), incomplete_details: { reason: wire } },
    });
  }
});

Deno.test("createStreamEncoder() writes redacted thinking as a reasoning item carrying its data", () => {
  const events = parse(encode([
    start(),
    block(0, { type: "redacted_thinking", data: "RUQB" }),
    stop(0),
    ...end(),
  ]));
  assert.deepEqual(events.slice(2, 4), [
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { id: "rs_abc_0", type: "reasoning", summary: [] },
    },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: {
        id: "rs_abc_0",
        type: "reasoning",
        summary: [],
        encrypted_content: "anthropic-redacted:RUQB",
      },
    },
  ]);
});

Deno.test("createStreamEncoder() turns a failure after the first byte into response.failed, and stops", () => {
  const encoder = createStreamEncoder(REQUEST, OPTIONS);
  const limited = new ProxyError("rate_limit", "Rate limited");
  limited.retryAfter = "7";
  const text = [
    start(),
    block(0, { type: "text" }),
    delta(0, { type: "text", text: "Par" }),
    { type: "error", error: limited } as StreamEvent,
    stop(0),
    ...end(),
  ].map((e) => encoder.encode(e)).join("");
  const events = parse(text);
  assert.deepEqual(events.at(-1), {
    type: "response.failed",
    response: {
      ...response("failed", []),
      error: { code: "rate_limit_exceeded", message: "Rate limited Please try again in 7s." },
    },
  });
  assert.equal(events.filter((e) => e.type === "response.completed").length, 0);
});

Deno.test("createStreamEncoder() reports an upstream that stopped early as a failure, never completed", () => {
  const assembler = new Assembler({ id: "abc", model: "codex-x", newCallId: () => "call_n" });
  assembler.start({ id: "abc" });
  assembler.text("Half an ans");
  assembler.end(); // no finish reason came
  const events = parse(encode(assembler.drain()));
  const half = {
    id: "msg_abc_0",
    type: "message",
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", text: "Half an ans", annotations: [] }],
  };
  assert.deepEqual(events.at(-1), {
    type: "response.failed",
    response: {
      ...response("failed", [half]),
      error: { code: "server_error", message: "Upstream stream ended before it finished" },
    },
  });
  assert.ok(!events.some((e) => e.type === "response.completed"));
});

Deno.test("createStreamEncoder() never reports done a call that a failure cut or followed", () => {
  // cut inside the call: the Assembler closes its arguments into JSON, then fails
  const cut = new Assembler({ id: "abc", model: "codex-x", newCallId: () => "call_n" });
  cut.start({ id: "abc" });
  cut.toolCall("0", { id: "call_ok", name: "exec_command", args: '{"cmd":"ls"}' });
  cut.toolCall("1", { id: "call_cut", name: "exec_command", args: '{"cmd":"rm -rf build/ca' });
  cut.end();
  const events = parse(encode(cut.drain()));
  const done = events.filter((e) => e.type === "response.output_item.done");
  assert.deepEqual(done.map((e) => (e.item as { call_id: string }).call_id), ["call_ok"]);
  assert.ok(
    !events.some((e) => e.type === "response.function_call_arguments.done" && e.output_index === 1),
  );
  assert.equal(events.at(-1)?.type, "response.failed");
  assert.deepEqual(
    (events.at(-1)?.response as { output: Array<{ call_id: string }> }).output.map((i) =>
      i.call_id
    ),
    ["call_ok"],
  );
  // a whole call, then the upstream fails before its end: the retry will make it again
  const failed = parse(encode([
    start(),
    block(0, { type: "tool_call", id: "call_a", name: "exec_command" }),
    delta(0, { type: "tool_args", json: '{"cmd":"ls"}' }),
    stop(0),
    { type: "error", error: new ProxyError("overloaded", "Overloaded") },
  ]));
  assert.deepEqual(failed.slice(2).map((e) => e.type), [
    "response.output_item.added",
    "response.function_call_arguments.delta",
    "response.failed",
  ]);
});

Deno.test("createStreamEncoder() opens the response before a failure that came first", () => {
  const overflow = new ProxyError(
    "invalid_request",
    "prompt is too long: 210000 tokens > 200000 maximum",
  );
  const events = parse(encode([{ type: "error", error: overflow }]));
  const created = { ...response("in_progress", []), id: "resp_new" };
  assert.deepEqual(events, [
    { type: "response.created", response: created },
    { type: "response.in_progress", response: created },
    {
      type: "response.failed",
      response: {
        ...response("failed", []),
        id: "resp_new",
        error: { code: "context_length_exceeded", message: overflow.message },
      },
    },
  ]);
});

Deno.test("createStreamEncoder() writes a search as a web_search_call, done with its pages", () => {
  const events = parse(encode([
    start(),
    block(0, { type: "web_search_call", id: "srvtoolu_1", query: "deno" }),
    stop(0),
    block(1, {
      type: "web_search_result",
      callId: "srvtoolu_1",
      sources: [{ url: "https://deno.com", title: "Deno" }],
    }),
    stop(1),
    block(2, { type: "web_search_call", id: "srvtoolu_2", query: "deno 3" }),
    stop(2),
    block(3, { type: "text" }),
    delta(3, { type: "text", text: "Yes." }),
    stop(3),
    ...end(),
  ]));
  const searched = {
    id: "ws_abc_0",
    type: "web_search_call",
    status: "completed",
    action: { type: "search", query: "deno", sources: [{ type: "url", url: "https://deno.com" }] },
  };
  const unanswered = {
    id: "ws_abc_1",
    type: "web_search_call",
    status: "completed",
    action: { type: "search", query: "deno 3" },
  };
  assert.deepEqual(events.slice(2, 12), [
    {
      type: "response.output_item.added",
      output_index: 0,
      item: {
        id: "ws_abc_0",
        type: "web_search_call",
        status: "in_progress",
        action: { type: "search", query: "deno" },
      },
    },
    { type: "response.web_search_call.in_progress", output_index: 0, item_id: "ws_abc_0" },
    { type: "response.web_search_call.searching", output_index: 0, item_id: "ws_abc_0" },
    { type: "response.web_search_call.completed", output_index: 0, item_id: "ws_abc_0" },
    { type: "response.output_item.done", output_index: 0, item: searched },
    {
      type: "response.output_item.added",
      output_index: 1,
      item: { ...unanswered, status: "in_progress" },
    },
    { type: "response.web_search_call.in_progress", output_index: 1, item_id: "ws_abc_1" },
    { type: "response.web_search_call.searching", output_index: 1, item_id: "ws_abc_1" },
    { type: "response.web_search_call.completed", output_index: 1, item_id: "ws_abc_1" },
    { type: "response.output_item.done", output_index: 1, item: unanswered },
  ]);
  const completed = events.at(-1) as { response: { output: Array<{ type: string }> } };
  assert.deepEqual(completed.response.output.slice(0, 2), [searched, unanswered]);
  assert.equal(completed.response.output[2].type, "message");
});
