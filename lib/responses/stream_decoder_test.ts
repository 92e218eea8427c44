import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import type { DecodeContext } from "../ir/codec.ts";
import type { StreamEvent, Usage } from "../ir/types.ts";
import { decodeSse } from "../ir/_sse_decode_harness.ts";
import { Assembler } from "../ir/assembler.ts";
import { SseParser } from "../sse/parser.ts";
import { createStreamDecoder } from "./stream_decoder.ts";

const CONTEXT: DecodeContext = {
  toolNames: new Map([["Bash_0123", "Bash"]]),
  newId: (prefix) => `${prefix}_new`,
};
const ZERO: Usage = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

function fixture(name: string): string {
  return Deno.readTextFileSync(
    new URL(`../../tests/fixtures/streams/${name}.sse`, import.meta.url),
  );
}

function run(sse: string, cut?: number): StreamEvent[] {
  return decodeSse(createStreamDecoder, sse, {
    id: "msg_fallback",
    model: "claude-x",
    newCallId: () => "toolu_new",
    context: CONTEXT,
    cut,
  });
}

/** Events as the API writes them: `event:` line, then `data:` with `type` and a sequence. */
function sse(...events: Array<Record<string, unknown>>): string {
  return events.map((e, i) =>
    `event: ${e.type}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`
  ).join("");
}

const created = { type: "response.created", response: { id: "resp_9", status: "in_progress" } };
const completed = (usage: Record<string, unknown> = {}, status = "completed", reason?: string) => ({
  type: `response.${status}`,
  response: {
    id: "resp_9",
    status,
    ...(reason ? { incomplete_details: { reason } } : {}),
    usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15, ...usage },
  },
});

const RID = "resp_0c5e2f7a41d8b39e0068f1a2b3c4d5e6f7a8b9c0d1e2f3a4";

Deno.test("createStreamDecoder() reads reasoning, text and two calls, wherever the bytes split", () => {
  const text = fixture("responses_reasoning_tools");
  const thinking = [
    "**Inspecting",
    " the repo**\n\nThe user",
    " wants the build fixed; I'll",
    " list files first.",
    "\n\n",
    "**Reading",
    " main.ts**\n\nThen read",
    " the entry point.",
  ];
  const proof = text.match(/"encrypted_content":"(gAAAAABo8aK7[^"]+)"/)![1];
  const args1 = ['{"comm', 'and":"ls', ' -la src"', "}"];
  // An escape split between deltas is held until it is whole (the pieces stay JSON text).
  const args2 = ['{"file_', 'path":"C:\\\\repo\\\\src', '\\\\main.ts","note":"caf', '\\u00e9"}'];
  const expected: StreamEvent[] = [
    { type: "message_start", id: RID, model: "claude-x", usage: ZERO },
    { type: "block_start", index: 0, block: { type: "thinking" } },
    ...thinking.map((t): StreamEvent => ({
      type: "block_delta",
      index: 0,
      delta: { type: "thinking", text: t },
    })),
    {
      type: "block_delta",
      index: 0,
      delta: { type: "signature", signature: { origin: "responses", value: proof } },
    },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "text" } },
    ...["Let me look", " at both", " files."].map((t): StreamEvent => ({
      type: "block_delta",
      index: 1,
      delta: { type: "text", text: t },
    })),
    { type: "block_stop", index: 1 },
    {
      type: "block_start",
      index: 2,
      block: { type: "tool_call", id: "call_Qm7Yb2Xc4Vn8Lp1Rt6Sd0Wf3", name: "Bash" },
    },
    ...args1.map((json): StreamEvent => ({
      type: "block_delta",
      index: 2,
      delta: { type: "tool_args", json },
    })),
    { type: "block_stop", index: 2 },
    {
      type: "block_start",
      index: 3,
      block: { type: "tool_call", id: "call_Hk2Pw9Zr5Tb1Nx7Cv3Mq8Ld4", name: "Read" },
    },
    ...args2.map((json): StreamEvent => ({
      type: "block_delta",
      index: 3,
      delta: { type: "tool_args", json },
    })),
    { type: "block_stop", index: 3 },
    {
      type: "message_delta",
      stopReason: "tool_use",
      usage: {
        inputTokens: 427,
        outputTokens: 318,
        cacheReadTokens: 4096,
        cacheWriteTokens: 0,
        reasoningTokens: 192,
      },
    },
    { type: "message_stop" },
  ];
  for (let cut = 0; cut < text.length; cut += 97) assert.deepEqual(run(text, cut), expected);
  assert.equal(JSON.parse(args2.join("")).file_path, "C:\\repo\\src\\main.ts");
});

Deno.test("createStreamDecoder() ends a failed response with its error, code kept", () => {
  const events = run(fixture("responses_failed_midstream"), 300);
  assert.deepEqual(events.slice(0, 3).map((e) => e.type), [
    "message_start",
    "block_start",
    "block_delta",
  ]);
  const last = events.at(-1)!;
  assert.equal(events.length, 4);
  assert.equal(last.type, "error");
  const error = (last as { error: ProxyError }).error;
  assert.equal(error.kind, "rate_limit");
  assert.equal(error.code, "rate_limit_exceeded");
  assert.match(error.message, /Please try again in 2\.5s\.$/);
});

Deno.test("createStreamDecoder() reports a stream cut inside a call as an error, not a finish", () => {
  const events = run(fixture("responses_truncated"), 1000);
  assert.deepEqual(events.slice(1, -1), [
    {
      type: "block_start",
      index: 0,
      block: { type: "tool_call", id: "call_Qm7Yb2Xc4Vn8Lp1Rt6Sd0Wf3", name: "Bash" },
    },
    { type: "block_delta", index: 0, delta: { type: "tool_args", json: '{"comm' } },
    // arguments cut short are closed into an object that keeps what arrived
    {
      type: "block_delta",
      index: 0,
      delta: { type: "tool_args", json: '":null,"_raw_arguments":"{\\"comm"}' },
    },
    { type: "block_stop", index: 0 },
  ]);
  const last = events.at(-1) as { type: string; error: ProxyError };
  assert.equal(last.type, "error");
  assert.equal(last.error.message, "Upstream stream ended before it finished");
  assert.ok(!events.some((e) => e.type === "message_stop"));
});

Deno.test("createStreamDecoder() takes arguments that only arrive whole, or only partly as deltas", () => {
  const events = run(sse(
    created,
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { type: "function_call", call_id: "c1", name: "Bash_0123", arguments: "" },
    },
    { type: "response.function_call_arguments.done", output_index: 0, arguments: '{"a":1}' },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: { type: "function_call", call_id: "c1", name: "Bash_0123", arguments: '{"a":1}' },
    },
    {
      type: "response.output_item.added",
      output_index: 1,
      item: { type: "function_call", call_id: "c2", name: "Read", arguments: "" },
    },
    { type: "response.function_call_arguments.delta", output_index: 1, delta: '{"p":' },
    {
      type: "response.output_item.done",
      output_index: 1,
      item: { type: "function_call", call_id: "c2", name: "Read", arguments: '{"p":"x"}' },
    },
    {
      type: "response.output_item.done",
      output_index: 2,
      item: { type: "function_call", call_id: "c3", name: "Grep", arguments: "{}" },
    },
    completed(),
  ));
  const calls = events.flatMap((e) =>
    e.type === "block_start" && e.block.type === "tool_call" ? [[e.block.id, e.block.name]] : []
  );
  const args = events.flatMap((e) =>
    e.type === "block_delta" && e.delta.type === "tool_args" ? [[e.index, e.delta.json]] : []
  );
  assert.deepEqual(calls, [["c1", "Bash"], ["c2", "Read"], ["c3", "Grep"]]);
  assert.deepEqual(args, [[0, '{"a":1}'], [1, '{"p":'], [1, '"x"}'], [2, "{}"]]);
});

Deno.test("createStreamDecoder() reads raw reasoning text, refusals and freeform calls", () => {
  const events = run(sse(
    created,
    { type: "response.output_item.added", output_index: 0, item: { type: "reasoning" } },
    { type: "response.reasoning_text.delta", output_index: 0, content_index: 0, delta: "raw " },
    { type: "response.reasoning_summary_text.delta", output_index: 0, delta: "ignored" },
    { type: "response.reasoning_text.delta", output_index: 0, content_index: 0, delta: "text" },
    { type: "response.output_item.done", output_index: 0, item: { type: "reasoning" } },
    { type: "response.output_item.added", output_index: 1, item: { type: "message" } },
    { type: "response.refusal.delta", output_index: 1, delta: "No." },
    {
      type: "response.output_item.done",
      output_index: 2,
      item: { type: "custom_tool_call", call_id: "c9", name: "apply_patch", input: "*** p" },
    },
    completed({ input_tokens_details: { cached_tokens: 4, cache_write_tokens: 2 } }),
  ));
  assert.deepEqual(events.slice(1), [
    { type: "block_start", index: 0, block: { type: "thinking" } },
    { type: "block_delta", index: 0, delta: { type: "thinking", text: "raw " } },
    { type: "block_delta", index: 0, delta: { type: "thinking", text: "text" } },
    {
      type: "block_delta",
      index: 0,
      delta: { type: "signature", signature: { origin: "proxy", value: "" } },
    },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "text" } },
    { type: "block_delta", index: 1, delta: { type: "text", text: "No." } },
    { type: "block_stop", index: 1 },
    { type: "block_start", index: 2, block: { type: "tool_call", id: "c9", name: "apply_patch" } },
    { type: "block_delta", index: 2, delta: { type: "tool_args", json: '{"input":"*** p"}' } },
    { type: "block_stop", index: 2 },
    {
      type: "message_delta",
      stopReason: "refusal",
      usage: { ...ZERO, inputTokens: 4, outputTokens: 5, cacheReadTokens: 4, cacheWriteTokens: 2 },
    },
    { type: "message_stop" },
  ]);
});

Deno.test("createStreamDecoder() reads an incomplete response as its stop reason", () => {
  const events = run(sse(
    created,
    { type: "response.output_item.added", output_index: 0, item: { type: "message" } },
    { type: "response.output_text.delta", output_index: 0, content_index: 0, delta: "Cut sh" },
    completed({}, "incomplete", "max_output_tokens"),
  ));
  assert.deepEqual(events.at(-2), {
    type: "message_delta",
    stopReason: "max_tokens",
    usage: { ...ZERO, inputTokens: 10, outputTokens: 5 },
  });
});

Deno.test("createStreamDecoder() fails on an error event or data that is not JSON", () => {
  const errorEvent = run(sse(
    created,
    {
      type: "error",
      code: "context_length_exceeded",
      message: "Your input exceeds the context window",
    },
  ));
  const failure = (errorEvent.at(-1) as { error: ProxyError }).error;
  assert.equal(failure.kind, "invalid_request");
  assert.equal(failure.code, "context_length_exceeded");
  const garbage = run("event: response.created\ndata: {not json\n\n");
  assert.equal(garbage.at(-1)!.type, "error");
  assert.match((garbage.at(-1) as { error: ProxyError }).error.message, /not JSON: \{not json/);
});

Deno.test("createStreamDecoder() is ended by response.completed and reads nothing after it", () => {
  const assembler = new Assembler({ id: "m", model: "x", newCallId: () => "c" });
  const decoder = createStreamDecoder(assembler, CONTEXT);
  const parser = new SseParser();
  const text = sse(
    created,
    { type: "response.output_item.added", output_index: 0, item: { type: "message" } },
    { type: "response.output_text.delta", output_index: 0, delta: "Hi" },
    completed(),
  );
  for (const event of parser.push(text)) decoder.push(event);
  assert.equal(decoder.ended, true);
  const late = sse({ type: "response.output_text.delta", output_index: 0, delta: " late" });
  for (const event of parser.push(late)) decoder.push(event);
  assembler.end();
  const texts = assembler.drain().flatMap((e) =>
    e.type === "block_delta" && e.delta.type === "text" ? [e.delta.text] : []
  );
  assert.deepEqual(texts, ["Hi"]);
});

Deno.test("createStreamDecoder() reads a web_search_call as a search, cited pages after the text", () => {
  const search = {
    id: "ws_1",
    type: "web_search_call",
    status: "completed",
    action: { type: "search", query: "deno", sources: [{ type: "url", url: "https://deno.com/" }] },
  };
  const text = "Deno is a runtime.";
  const message = {
    id: "msg_1",
    type: "message",
    role: "assistant",
    content: [{
      type: "output_text",
      text,
      annotations: [
        { type: "url_citation", start_index: 0, end_index: 4, url: "https://deno.com/" },
        { type: "url_citation", start_index: 0, end_index: 4, url: "https://docs.deno.com/" },
      ],
    }],
  };
  const events = run(sse(
    created,
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { ...search, status: "in_progress", action: { type: "search" } },
    },
    { type: "response.web_search_call.searching", output_index: 0, item_id: "ws_1" },
    { type: "response.output_item.done", output_index: 0, item: search },
    {
      type: "response.output_item.added",
      output_index: 1,
      item: { ...message, content: [] },
    },
    { type: "response.output_text.delta", output_index: 1, content_index: 0, delta: text },
    { type: "response.output_item.done", output_index: 1, item: message },
    completed(),
  ));
  assert.deepEqual(events.flatMap((e) => e.type === "block_start" ? [e.block] : []), [
    { type: "web_search_call", id: "ws_1", query: "deno" },
    {
      type: "web_search_result",
      callId: "ws_1",
      sources: [{ url: "https://deno.com/", title: "deno.com" }],
    },
    { type: "text" },
    {
      type: "web_search_result",
      callId: "ws_1",
      sources: [{ url: "https://docs.deno.com/", title: "docs.deno.com" }],
    },
  ]);
  const end = events.find((e) => e.type === "message_delta");
  assert.ok(end?.type === "message_delta");
  assert.equal(end.stopReason, "end_turn");
  assert.deepEqual(end.usage.serverToolUse, { webSearchRequests: 1 });
});
