import assert from "node:assert/strict";
import { anthropicCodec } from "../anthropic/mod.ts";
import { ProxyError } from "../errors.ts";
import { geminiCodec } from "../gemini/mod.ts";
import { Assembler } from "../ir/assembler.ts";
import type { DecodeContext, StreamEncoderOptions } from "../ir/codec.ts";
import type { Request, Response, StreamEvent } from "../ir/types.ts";
import { openaiCodec } from "../openai/mod.ts";
import { SseParser } from "../sse/parser.ts";
import { withoutEncryptedContent } from "./encrypted_content_retry.ts";
import { inputTokensBody } from "./input_tokens.ts";
import { responsesCodec } from "./mod.ts";

const CODEX_TEXT = Deno.readTextFileSync(
  new URL("../../tests/fixtures/requests/codex_like_request.json", import.meta.url),
);
const OPTIONS: StreamEncoderOptions = { newId: (p) => `${p}1`, now: () => 1_700_000_000_000 };
const CONTEXT: DecodeContext = { toolNames: new Map(), newId: (p) => `${p}_1` };
const TARGET = { modelName: "gpt-5-codex", maxTokens: 32000, stream: true };

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** SSE text as the events a decoder receives. */
function sseEvents(text: string) {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()];
}

/** An upstream stream run through a dialect's decoder and a real Assembler. */
function assemble(codec: typeof anthropicCodec | typeof responsesCodec, text: string) {
  const assembler = new Assembler({ id: "msg_1", model: "codex-x", newCallId: () => "call_n" });
  const decoder = codec.createStreamDecoder(assembler, CONTEXT);
  for (const event of sseEvents(text)) decoder.push(event);
  decoder.end();
  assembler.end();
  return assembler.drain();
}

Deno.test("responsesCodec runs every function over deep-frozen input", () => {
  const request = deepFreeze(
    responsesCodec.decodeRequest(deepFreeze(JSON.parse(CODEX_TEXT)), {}).value,
  );
  const usage = {
    inputTokens: 1,
    outputTokens: 2,
    cacheReadTokens: 3,
    cacheWriteTokens: 0,
    reasoningTokens: 1,
  };
  const response: Response = deepFreeze({
    id: "msg_1",
    model: "codex-x",
    content: [
      { type: "thinking", text: "t", signature: { origin: "anthropic", value: "s" } },
      { type: "text", text: "x" },
      { type: "tool_call", id: "c", name: "apply_patch", input: { input: "p" } },
    ],
    stopReason: "tool_use",
    usage,
  });
  assert.equal(responsesCodec.encodeResponse(response, OPTIONS, request).status, "completed");
  const events: StreamEvent[] = deepFreeze([
    { type: "message_start", id: "m", model: "codex-x", usage },
    { type: "block_start", index: 0, block: { type: "tool_call", id: "c", name: "apply_patch" } },
    { type: "block_delta", index: 0, delta: { type: "tool_args", json: '{"input":"p"}' } },
    { type: "block_stop", index: 0 },
    { type: "message_delta", stopReason: "tool_use", usage },
    { type: "message_stop" },
  ]);
  const encoder = responsesCodec.createStreamEncoder(request, OPTIONS);
  assert.match(events.map((e) => encoder.encode(e)).join(""), /event: response\.completed/);
  const upstream = responsesCodec.encodeRequest(request, deepFreeze({ ...TARGET }));
  assert.equal(upstream.value.body.store, false);
  assert.ok(withoutEncryptedContent(deepFreeze(upstream.value.body)));
  assert.equal(inputTokensBody(request, deepFreeze({ ...TARGET })).value.model, "gpt-5-codex");
  const answer = deepFreeze({
    id: "resp_1",
    status: "completed",
    output: [{ type: "message", content: [{ type: "output_text", text: "ok" }] }],
    usage: { input_tokens: 3, output_tokens: 1, total_tokens: 4 },
  });
  assert.equal(
    responsesCodec.decodeResponse(answer, deepFreeze({ ...CONTEXT })).value.stopReason,
    "end_turn",
  );
  const stream = Deno.readTextFileSync(
    new URL("../../tests/fixtures/streams/responses_reasoning_tools.sse", import.meta.url),
  );
  const assembler = new Assembler({ id: "m", model: "x", newCallId: () => "c" });
  const decoder = responsesCodec.createStreamDecoder(assembler, CONTEXT);
  for (const event of sseEvents(stream)) decoder.push(deepFreeze(event));
  assembler.end();
  assert.equal(assembler.drain().at(-1)?.type, "message_stop");
  const error = deepFreeze(new ProxyError("rate_limit", "slow"));
  assert.deepEqual(responsesCodec.errorBody(error), {
    error: { message: "slow", type: "rate_limit_error", param: null, code: "rate_limit_exceeded" },
  });
  assert.equal(responsesCodec.errorMessage(deepFreeze({ error: { message: "m" } })), "m");
  const models = deepFreeze([{ id: "a", displayName: "a", maxOutputTokens: 1, created: 0 }]);
  assert.deepEqual(responsesCodec.modelList(models).models, [
    { slug: "a", display_name: "a", context_window: null },
  ]);
});

Deno.test("An Anthropic signature reaches a Responses caller and goes back only to Anthropic", () => {
  const stream = Deno.readTextFileSync(
    new URL("../../tests/fixtures/streams/anthropic_thinking_tools.sse", import.meta.url),
  );
  const signature = stream.match(/"signature":"(Eo4K[^"]+)"/)![1];
  const request = responsesCodec.decodeRequest(
    { model: "codex-x", input: "fix", stream: true },
    {},
  );
  const encoder = responsesCodec.createStreamEncoder(request.value, OPTIONS);
  const sse = assemble(anthropicCodec, stream).map((e) => encoder.encode(e)).join("");
  // Codex rebuilds its history from each output_item.done and sends it back as input
  const output = sseEvents(sse).map((e) => JSON.parse(e.data))
    .filter((e) => e.type === "response.output_item.done").map((e) => e.item);
  assert.equal(output[0].encrypted_content, `anthropic:${signature}`);
  const replay = responsesCodec.decodeRequest({
    model: "codex-x",
    input: [{ role: "user", content: "fix" }, ...output],
  }, {}).value;
  const toAnthropic = anthropicCodec.encodeRequest(replay, { ...TARGET, modelName: "claude" });
  const thinking = (toAnthropic.value.body.messages as Array<{ content: unknown[] }>)[1].content[0];
  assert.deepEqual(thinking, {
    type: "thinking",
    thinking: output[0].summary[0].text,
    signature,
  });
  const toResponses = responsesCodec.encodeRequest(replay, TARGET);
  assert.ok(
    !(toResponses.value.body.input as Array<{ type: string }>).some((i) => i.type === "reasoning"),
  );
  assert.deepEqual(toResponses.warnings, [
    "Dropped 1 thinking block(s) that a Responses upstream did not sign",
  ]);
});

Deno.test("A Responses upstream's encrypted_content reaches an Anthropic caller and goes back only to Responses", () => {
  const answer = responsesCodec.decodeResponse({
    id: "resp_1",
    status: "completed",
    output: [
      {
        type: "reasoning",
        summary: [{ type: "summary_text", text: "Plan." }],
        encrypted_content: "gAAAA",
      },
      { type: "function_call", call_id: "call_1", name: "Bash", arguments: '{"command":"ls"}' },
    ],
  }, CONTEXT).value;
  const message = anthropicCodec.encodeResponse({ ...answer, model: "claude-x" }, OPTIONS);
  const content = message.content as Array<Record<string, unknown>>;
  assert.deepEqual(content[0], {
    type: "thinking",
    thinking: "Plan.",
    signature: "responses:gAAAA",
  });
  const replay: Request = anthropicCodec.decodeRequest({
    model: "claude-x",
    max_tokens: 1000,
    messages: [
      { role: "user", content: "list" },
      { role: "assistant", content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "a.txt" }] },
    ],
  }, {}).value;
  const input = responsesCodec.encodeRequest(replay, TARGET).value.body.input as unknown[];
  assert.deepEqual(input.slice(1, 4), [
    {
      type: "reasoning",
      summary: [{ type: "summary_text", text: "Plan." }],
      encrypted_content: "gAAAA",
    },
    { type: "function_call", call_id: "call_1", name: "Bash", arguments: '{"command":"ls"}' },
    { type: "function_call_output", call_id: "call_1", output: "a.txt" },
  ]);
  const toAnthropic = anthropicCodec.encodeRequest(replay, { ...TARGET, modelName: "claude" });
  const assistant =
    (toAnthropic.value.body.messages as Array<{ content: Array<{ type: string }> }>)[1];
  assert.ok(!assistant.content.some((b) => b.type === "thinking"));
});

Deno.test("A Codex request converts for every other upstream dialect", () => {
  const request = responsesCodec.decodeRequest(JSON.parse(CODEX_TEXT), {}).value;
  const anthropic = anthropicCodec.encodeRequest(request, { ...TARGET, modelName: "claude" });
  const openai = openaiCodec.encodeRequest(request, { ...TARGET, modelName: "deepseek-chat" });
  const gemini = geminiCodec.encodeRequest(request, { ...TARGET, modelName: "gemini-2.5-pro" });
  const anthropicTools = anthropic.value.body.tools as Array<
    { name: string; input_schema: unknown }
  >;
  assert.deepEqual(anthropicTools.map((t) => t.name), [
    "shell",
    "update_plan",
    "apply_patch",
    "view_image",
    "mcp__github__search_issues",
    "mcp__github__get_file_contents",
  ]);
  assert.deepEqual(anthropicTools[2].input_schema, request.tools[2].inputSchema);
  // Responses-signed reasoning means nothing to Anthropic; DeepSeek gets its text back
  assert.ok(anthropic.warnings.some((w) => /did not sign/.test(w)));
  const messages = openai.value.body.messages as Array<Record<string, unknown>>;
  const assistant = messages.find((m) => m.role === "assistant")!;
  assert.equal(assistant.reasoning_content, JSON.parse(CODEX_TEXT).input[4].summary[0].text);
  const patchCall = messages.flatMap((m) => (m.tool_calls ?? []) as Array<Record<string, any>>)
    .find((c) => c.function.name === "apply_patch")!;
  assert.equal(
    JSON.parse(patchCall.function.arguments).input,
    JSON.parse(CODEX_TEXT).input[9].input,
  );
  const declarations = (gemini.value.body.tools as Array<{ functionDeclarations: unknown[] }>)[0];
  assert.equal(declarations.functionDeclarations.length, 6);
});
