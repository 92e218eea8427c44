/**
 * Answers one upstream dialect writes in its own way (fields of one provider, odd endings) and how
 * a caller of another dialect must see them: the cases the shared suite's built answers do not
 * produce.
 */
import assert from "node:assert/strict";
import { sseText } from "./wire/kit.ts";
import { KITS } from "./wire/kits.ts";
import { ok, type Quirk, runQuirks, USER_HI } from "./_quirk.ts";

const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

/** A whole Chat Completions answer. */
function completion(message: Record<string, unknown>, finish = "stop") {
  return {
    id: "chatcmpl-up1",
    object: "chat.completion",
    created: 1763990000,
    model: "gpt-real-1",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
    usage: USAGE,
  };
}

/** Chat Completions SSE from chunk deltas (a finish reason after `|`), no [DONE] unless asked. */
function chunks(deltas: Array<Record<string, unknown> | string>, done: boolean): string {
  const head = {
    id: "chatcmpl-s1",
    object: "chat.completion.chunk",
    created: 1,
    model: "gpt-real-1",
  };
  return sseText([
    ...deltas.map((d) => ({
      data: typeof d === "string"
        ? { ...head, choices: [{ index: 0, delta: {}, finish_reason: d }] }
        : { ...head, choices: [{ index: 0, delta: d, finish_reason: null }] },
    })),
    ...(done ? [{ data: "[DONE]" }] : []),
  ]);
}

/** A whole Anthropic message. */
function message(content: unknown[], stop = "end_turn") {
  return {
    id: "msg_up1",
    type: "message",
    role: "assistant",
    model: "claude-real-1",
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5 },
  };
}

const fromOpenAI: Quirk[] = [
  {
    name: "`reasoning` (OpenRouter) in a whole answer becomes signed thinking",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, messages: USER_HI },
    answer: { json: completion({ content: "Yes.", reasoning: "Check." }) },
    check: (got) => {
      assert.deepEqual(got.blocks, [
        { type: "thinking", text: "Check.", signature: "proxy:v1" },
        { type: "text", text: "Yes." },
      ]);
    },
  },
  {
    name: "`reasoning` (OpenRouter) deltas become signed thinking; empty content is skipped",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: {
      sse: chunks([
        { role: "assistant", content: "", reasoning: "" },
        { content: null, reasoning: "Think" },
        { content: null, reasoning: "ing." },
        { content: "" },
        { content: "Done." },
        "stop",
      ], true),
    },
    check: (got) => {
      assert.deepEqual(got.blocks, [
        { type: "thinking", text: "Thinking.", signature: "proxy:v1" },
        { type: "text", text: "Done." },
      ]);
      assert.equal(got.stop, "end");
    },
  },
  {
    name: "[DONE] without any finish_reason ends the message normally",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: { sse: chunks([{ role: "assistant", content: "Hello." }], true) },
    check: (got) => {
      assert.deepEqual(got.blocks, [{ type: "text", text: "Hello." }]);
      assert.equal(got.stop, "end");
      assert.equal(got.finished, true);
    },
  },
  {
    name: 'content "" and arguments "": only tool_use blocks, input {}',
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, messages: USER_HI },
    answer: {
      json: completion({
        content: "",
        tool_calls: [
          {
            id: "call_a",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Rome"}' },
          },
          { id: "call_b", type: "function", function: { name: "get_time", arguments: "" } },
        ],
      }, "tool_calls"),
    },
    check: (got) => {
      assert.deepEqual(got.blocks, [
        { type: "tool_call", id: "call_a", name: "get_weather", args: { city: "Rome" } },
        { type: "tool_call", id: "call_b", name: "get_time", args: {} },
      ]);
      assert.equal(got.stop, "tool");
    },
  },
  {
    name: "an empty answer text never becomes an empty text block",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, messages: USER_HI },
    answer: { json: completion({ content: "" }) },
    check: (got) => {
      assert.deepEqual(got.json.content, []);
      assert.equal(got.stop, "end");
    },
  },
];

const REDACTED = { type: "redacted_thinking", data: "EmwKAhgBredacted" };

const fromAnthropic: Quirk[] = [
  {
    name: "redacted thinking in a whole answer shows nothing; thinking → reasoning_content",
    caller: "openai",
    upstream: "anthropic",
    body: { messages: USER_HI },
    answer: {
      json: message([
        { type: "thinking", thinking: "Let me think.", signature: "EqQBsig" },
        REDACTED,
        { type: "text", text: "Hello." },
      ]),
    },
    check: (got) => {
      assert.deepEqual(got.json.choices[0].message, {
        role: "assistant",
        content: "Hello.",
        reasoning_content: "Let me think.",
      });
    },
  },
  {
    name: "a streamed redacted_thinking block shows nothing",
    caller: "openai",
    upstream: "anthropic",
    body: { stream: true, messages: USER_HI },
    answer: {
      sse: sseText([
        { type: "message_start", message: message([], "") },
        { type: "content_block_start", index: 0, content_block: REDACTED },
        { type: "content_block_stop", index: 0 },
        { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
        { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "Yes." } },
        { type: "content_block_stop", index: 1 },
        { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 4 } },
        { type: "message_stop" },
      ].map((data) => ({ event: data.type, data }))),
    },
    check: (got) => {
      assert.deepEqual(got.blocks, [{ type: "text", text: "Yes." }]);
      assert.ok(!got.text.includes("EmwKAhgB"));
    },
  },
  {
    name: "an empty text block beside a call leaves content null",
    caller: "openai",
    upstream: "anthropic",
    body: { messages: USER_HI },
    answer: {
      json: message([
        { type: "text", text: "" },
        { type: "tool_use", id: "toolu_T", name: "get_time", input: {} },
      ], "tool_use"),
    },
    check: (got) => {
      assert.deepEqual(got.json.choices[0].message, {
        role: "assistant",
        content: null,
        tool_calls: [{
          id: "toolu_T",
          type: "function",
          function: { name: "get_time", arguments: "{}" },
        }],
      });
    },
  },
  {
    name: "without include_usage a stream has no usage chunk",
    caller: "openai",
    upstream: "anthropic",
    body: { stream: true, messages: USER_HI },
    answer: {
      reply: {
        blocks: [{ type: "text", text: "Hello." }],
        stop: "end",
        usage: { input: 3, output: 2 },
      },
    },
    check: (got) => {
      ok(got);
      assert.equal(got.usage, undefined);
      assert.equal(got.finished, true);
    },
  },
];

const fromGemini: Quirk[] = (["anthropic", "openai"] as const).map((caller): Quirk => ({
  name: "a 429 whose error Gemini wraps in an array: rate_limit_error, Retry-After kept",
  caller,
  upstream: "gemini",
  body: { ...(caller === "anthropic" ? { max_tokens: 100 } : {}), messages: USER_HI },
  answer: {
    status: 429,
    headers: { "retry-after": "12" },
    json: [{ error: { code: 429, message: "Quota exceeded", status: "RESOURCE_EXHAUSTED" } }],
  },
  check: (got) => {
    assert.equal(got.status, 429);
    assert.equal(got.headers.get("retry-after"), "12");
    assert.deepEqual(got.error, { message: "Quota exceeded", kind: "rate_limit_error" });
  },
}));

/** A Gemini answer with a signed thought, a signed call and an unsigned one. */
const SIGNED = {
  reply: {
    blocks: [
      { type: "thinking" as const, text: "Need the file." },
      {
        type: "tool_call" as const,
        id: "",
        name: "read_file",
        args: { path: "a.ts" },
        signed: true,
      },
      { type: "tool_call" as const, id: "", name: "glob", args: { pattern: "*.ts" } },
    ],
    stop: "tool" as const,
    usage: { input: 10, output: 5 },
  },
};
const { thinking: THOUGHT_SIGNATURE, call: CALL_SIGNATURE } = KITS.gemini.upstream.signature;

const geminiSignatures: Quirk[] = [
  {
    name: "a Gemini signature shows as gemini:… on thinking, and in the signed call's id",
    caller: "anthropic",
    upstream: "gemini",
    body: { max_tokens: 100, messages: USER_HI },
    answer: SIGNED,
    check: (got) => {
      const [thinking, signed, plain] = got.json.content;
      assert.equal(thinking.signature, `gemini:${THOUGHT_SIGNATURE}`);
      assert.match(signed.id, /__gsig_/);
      assert.doesNotMatch(plain.id, /__gsig_/);
    },
  },
  {
    name: "a Gemini signature shows in the signed call's id and its extra_content",
    caller: "openai",
    upstream: "gemini",
    body: { messages: USER_HI },
    answer: SIGNED,
    check: (got) => {
      const [signed, plain] = got.json.choices[0].message.tool_calls;
      assert.match(signed.id, /__gsig_/);
      assert.deepEqual(signed.extra_content, { google: { thought_signature: CALL_SIGNATURE } });
      assert.doesNotMatch(plain.id, /__gsig_/);
      assert.equal(plain.extra_content, undefined);
    },
  },
];

Deno.test("answers: what one upstream dialect writes in its own way", async (t) => {
  await runQuirks(t, [...fromOpenAI, ...fromAnthropic, ...fromGemini, ...geminiSignatures]);
});
