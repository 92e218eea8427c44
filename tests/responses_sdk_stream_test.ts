/**
 * The Responses caller's answers as the `openai` SDK reads them: the SDK's stream helper checks
 * every event against the items it has seen (ids, indices, types, sequence), so a stream it
 * accepts and assembles into the same response as `response.completed` is a well-formed one.
 * The SDK reads the encoders' own bytes through a `fetch` that answers with them.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { ProxyError } from "../lib/errors.ts";
import { Assembler } from "../lib/ir/assembler.ts";
import type { StreamEncoderOptions } from "../lib/ir/codec.ts";
import type { Response as IrResponse, StreamEvent } from "../lib/ir/types.ts";
import { responsesCodec } from "../lib/responses/mod.ts";

const OPTIONS: StreamEncoderOptions = { newId: (p) => `${p}1`, now: () => 1_700_000_000_000 };
const USAGE = {
  inputTokens: 50,
  outputTokens: 30,
  cacheReadTokens: 20,
  cacheWriteTokens: 0,
  reasoningTokens: 12,
};
const BODY = {
  model: "codex-x",
  input: "Fix the build",
  stream: true,
  tools: [
    { type: "function", name: "shell", parameters: { type: "object" } },
    { type: "custom", name: "apply_patch" },
  ],
};
const REQUEST = responsesCodec.decodeRequest(BODY, {}).value;

/** A client whose every request is answered with `body`. */
function client(body: string, contentType: string): OpenAI {
  return new OpenAI({
    apiKey: "sk-test",
    baseURL: "http://proxy.invalid/openai/v1",
    maxRetries: 0,
    fetch: () => Promise.resolve(new Response(body, { headers: { "content-type": contentType } })),
  });
}

function streamOf(events: StreamEvent[]): string {
  const encoder = responsesCodec.createStreamEncoder(REQUEST, OPTIONS);
  return events.map((e) => encoder.encode(e)).join("");
}

/** The strict events an upstream answer makes, through a real Assembler. */
function answerEvents(build: (a: Assembler) => void): StreamEvent[] {
  const assembler = new Assembler({ id: "msg_1", model: "codex-x", newCallId: () => "call_n" });
  assembler.start({ id: "msg_1", usage: USAGE });
  build(assembler);
  assembler.addUsage(USAGE);
  assembler.end();
  return assembler.drain();
}

Deno.test("The openai SDK assembles a streamed answer with reasoning, text and both call kinds", async () => {
  const sse = streamOf(answerEvents((a) => {
    a.thinking("Plan the fix.");
    a.thinkingSignature({ origin: "anthropic", value: "EqQB" });
    a.text("Patching.");
    a.toolCall("0", { id: "call_a", name: "shell", args: '{"command":' });
    a.toolCall("0", { args: '["ls"]}' });
    a.toolCall("1", { id: "call_b", name: "apply_patch", args: '{"input":"*** Begin Patch\\n"}' });
    a.finish("tool_use");
  }));
  const stream = client(sse, "text/event-stream").responses.stream({
    model: "codex-x",
    input: "x",
  });
  const deltas: string[] = [];
  stream.on("response.output_text.delta", (e) => deltas.push(e.delta));
  const final = await stream.finalResponse();
  assert.deepEqual(deltas, ["Patching."]);
  assert.equal(final.status, "completed");
  assert.equal(final.output_text, "Patching.");
  assert.deepEqual(final.output.map((item) => item.type), [
    "reasoning",
    "message",
    "function_call",
    "custom_tool_call",
  ]);
  const [reasoning, , shell, patch] = final.output as unknown as Array<Record<string, unknown>>;
  assert.equal(reasoning.encrypted_content, "anthropic:EqQB");
  assert.equal(shell.arguments, '{"command":["ls"]}');
  assert.equal(patch.input, "*** Begin Patch\n");
  assert.deepEqual(final.usage, {
    input_tokens: 70,
    input_tokens_details: { cached_tokens: 20 },
    output_tokens: 30,
    output_tokens_details: { reasoning_tokens: 12 },
    total_tokens: 100,
  });
});

Deno.test("The openai SDK assembles Codex's call items: tool_search, namespaced, apply_patch", async () => {
  const captured = JSON.parse(
    await Deno.readTextFile(
      new URL("./fixtures/requests/codex_request_tool_search.json", import.meta.url),
    ),
  );
  const request = responsesCodec.decodeRequest(captured, {}).value;
  const encoder = responsesCodec.createStreamEncoder(request, OPTIONS);
  const patch = "*** Begin Patch\n*** Add File: zebra.txt\n+zebra\n*** End Patch\n";
  const sse = answerEvents((a) => {
    a.toolCall("0", { id: "call_s", name: "tool_search", args: '{"query":"dictionary"}' });
    a.toolCall("1", { id: "call_w", name: "mcp__stub__lookup_word", args: '{"word":' });
    a.toolCall("1", { args: '"zebra"}' });
    a.toolCall("2", { id: "call_p", name: "apply_patch", args: JSON.stringify({ input: patch }) });
    a.finish("tool_use");
  }).map((e) => encoder.encode(e)).join("");
  const final = await client(sse, "text/event-stream").responses.stream({
    model: "codex-x",
    input: "x",
  }).finalResponse();
  assert.equal(final.status, "completed");
  // the SDK adds `parsed_arguments` to function calls; the items are otherwise as encoded
  const items = final.output.map((item) => {
    const { parsed_arguments: _, ...rest } = item as unknown as Record<string, unknown>;
    return rest;
  });
  assert.deepEqual(items, [
    {
      id: "tsc_msg_1_0",
      type: "tool_search_call",
      status: "completed",
      call_id: "call_s",
      execution: "client",
      arguments: { query: "dictionary" },
    },
    {
      id: "fc_msg_1_1",
      type: "function_call",
      status: "completed",
      arguments: '{"word":"zebra"}',
      call_id: "call_w",
      name: "lookup_word",
      namespace: "mcp__stub",
    },
    {
      id: "ctc_msg_1_2",
      type: "custom_tool_call",
      status: "completed",
      call_id: "call_p",
      name: "apply_patch",
      input: patch,
    },
  ]);
});

Deno.test("The openai SDK reads a non-streamed answer with its echoed settings", async () => {
  const response: IrResponse = {
    id: "msg_1",
    model: "codex-x",
    content: [{ type: "text", text: "Done." }],
    stopReason: "end_turn",
    usage: USAGE,
  };
  const body = JSON.stringify(responsesCodec.encodeResponse(response, OPTIONS, REQUEST));
  const answer = await client(body, "application/json").responses.create({
    model: "codex-x",
    input: "x",
  });
  assert.equal(answer.output_text, "Done.");
  assert.equal((answer as unknown as { store: boolean }).store, false);
  assert.equal(answer.tools.length, 2);
  assert.equal(answer.usage?.total_tokens, 100);
});

Deno.test("The openai SDK sees a failure mid-stream as a failed response, never a completed one", async () => {
  const sse = streamOf(answerEvents((a) => {
    a.text("Half");
    a.fail(new ProxyError("overloaded", "Upstream is overloaded"));
  }));
  const stream = client(sse, "text/event-stream").responses.stream({
    model: "codex-x",
    input: "x",
  });
  const seen: string[] = [];
  stream.on("event", (e) => seen.push(e.type));
  const final = await stream.finalResponse();
  assert.equal(final.status, "failed");
  assert.deepEqual(final.error, { code: "server_error", message: "Upstream is overloaded" });
  assert.equal(seen.at(-1), "response.failed");
  assert.ok(!seen.includes("response.completed"));
});

Deno.test("The openai SDK assembles a streamed answer that searched the web", async () => {
  const sse = streamOf(answerEvents((a) => {
    a.webSearchCall("srvtoolu_1", "deno 2.9");
    a.webSearchResult("srvtoolu_1", [{ url: "https://deno.com/blog", title: "Deno blog" }]);
    a.text("Deno 2.9 is out.");
    a.finish("end_turn");
  }));
  const stream = client(sse, "text/event-stream").responses.stream({
    model: "codex-x",
    input: "x",
  });
  const searching: string[] = [];
  stream.on("response.web_search_call.searching", (e) => searching.push(e.item_id));
  const final = await stream.finalResponse();
  assert.equal(final.status, "completed");
  assert.equal(final.output_text, "Deno 2.9 is out.");
  const [search, message] = final.output;
  assert.deepEqual(searching, [search.id]);
  assert.deepEqual(search, {
    id: search.id,
    type: "web_search_call",
    status: "completed",
    action: {
      type: "search",
      query: "deno 2.9",
      sources: [{ type: "url", url: "https://deno.com/blog" }],
    },
  });
  assert.equal(message.type, "message");
});
