/**
 * Pass-through pairs beyond the shared suite: the body goes through untouched but for the model
 * and the output cap, the answer comes back with the fields the proxy does not know, and an
 * Anthropic upstream still never receives thinking another dialect signed, nor Gemini a call
 * signature the proxy made.
 */
import assert from "node:assert/strict";
import { HELLO, ok, type Quirk, runQuirks } from "./_quirk.ts";
import { MODEL } from "./_exchange.ts";

const UNKNOWN = { x_vendor_field: { kept: true } };
/** The proxy's signature carrying DeepSeek's reasoning ("Use ls."), as Gemini CLI replays it. */
const CARRIED = "proxy:t1:VXNlIGxzLg";

const GEMINI_ANSWER = {
  candidates: [{
    content: { role: "model", parts: [{ text: "Hello" }] },
    finishReason: "STOP",
    index: 0,
  }],
  usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
  modelVersion: "gemini-3-pro-preview",
  ...UNKNOWN,
};

const untouched: Quirk[] = [
  {
    name: "the body untouched but the model; the answer keeps fields the proxy does not know",
    caller: "anthropic",
    upstream: "anthropic",
    body: { max_tokens: 100, messages: [{ role: "user", content: "Hi" }], ...UNKNOWN },
    answer: (_received) => ({
      json: {
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-real-1",
        content: [{ type: "text", text: "Hello" }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 5 },
        ...UNKNOWN,
      },
    }),
    checkUpstream: (body) => {
      assert.equal(body.model, "claude-real-1");
      assert.deepEqual(body.x_vendor_field, { kept: true });
    },
    check: (got) => {
      assert.equal(got.json.model, MODEL.anthropic);
      assert.deepEqual(got.json.x_vendor_field, { kept: true });
    },
  },
  {
    name: "the body untouched but the model: no stream_options added",
    caller: "openai",
    upstream: "openai",
    body: { messages: [{ role: "user", content: "Hi" }], stream: true, ...UNKNOWN },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.equal(body.model, "gpt-real-1");
      assert.equal(body.stream_options, undefined);
      assert.deepEqual(body.x_vendor_field, { kept: true });
    },
    check: (got) => assert.equal(got.events!.at(-1)!.data, "[DONE]"),
  },
  {
    name: "the body untouched but the cap; the answer byte for byte",
    caller: "gemini",
    upstream: "gemini",
    body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }], ...UNKNOWN },
    answer: { json: GEMINI_ANSWER },
    checkUpstream: (body, received) => {
      assert.equal(received.path, "/v1beta/models/gemini-3-pro-preview:generateContent");
      assert.deepEqual(body, {
        contents: [{ role: "user", parts: [{ text: "Hi" }] }],
        ...UNKNOWN,
        generationConfig: { maxOutputTokens: 16000 },
      });
    },
    check: (got) => assert.equal(got.text, JSON.stringify(GEMINI_ANSWER)),
  },
];

const signatures: Quirk[] = [
  {
    name: "an Anthropic upstream never receives a proxy- or Gemini-signed thinking block",
    caller: "anthropic",
    upstream: "anthropic",
    body: {
      max_tokens: 2000,
      messages: [
        { role: "user", content: "Hi" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "From DeepSeek.", signature: "proxy:v1" },
            { type: "thinking", thinking: "From Gemini.", signature: "gemini:c2ln" },
            { type: "thinking", thinking: "From Claude.", signature: "EqQBCkYIBxgC" },
            { type: "text", text: "Hello." },
          ],
        },
        { role: "user", content: "Again" },
      ],
    },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages[1].content, [
        { type: "thinking", thinking: "From Claude.", signature: "EqQBCkYIBxgC" },
        { type: "text", text: "Hello." },
      ]);
    },
    check: ok,
  },
  {
    name:
      "a session switched to Claude mid tool loop: foreign thinking, its blank text and thinking go",
    caller: "anthropic",
    upstream: "anthropic",
    body: {
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 2000 },
      messages: [
        { role: "user", content: "List the files" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Use LS.", signature: "proxy:v1" },
            { type: "text", text: "\n\n" },
            { type: "tool_use", id: "toolu_1", name: "LS", input: { path: "." } },
          ],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "a.txt" }],
        },
      ],
    },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages[1].content, [
        { type: "tool_use", id: "toolu_1", name: "LS", input: { path: "." } },
      ]);
      assert.equal(body.thinking, undefined, "Anthropic refuses thinking on an unsigned tool turn");
      assert.equal(body.max_tokens, 4000);
    },
    check: ok,
  },
  {
    name:
      "a Gemini session switched to Gemini: the proxy's signature on a call becomes the placeholder",
    caller: "gemini",
    upstream: "gemini",
    body: {
      contents: [
        { role: "user", parts: [{ text: "List the files" }] },
        {
          role: "model",
          parts: [
            { functionCall: { id: "call_1", name: "ls", args: {} }, thoughtSignature: CARRIED },
            { functionCall: { id: "call_2", name: "ls", args: {} } },
          ],
        },
        {
          role: "model",
          parts: [{ functionCall: { name: "ls", args: {} }, thoughtSignature: "c2ln" }],
        },
        {
          role: "user",
          parts: [{ functionResponse: { id: "call_1", name: "ls", response: { output: "a" } } }],
        },
      ],
    },
    answer: { json: GEMINI_ANSWER },
    checkUpstream: (body) => {
      assert.deepEqual(body.contents[1].parts, [
        {
          functionCall: { id: "call_1", name: "ls", args: {} },
          thoughtSignature: "skip_thought_signature_validator",
        },
        { functionCall: { id: "call_2", name: "ls", args: {} } },
      ]);
      assert.equal(body.contents[2].parts[0].thoughtSignature, "c2ln", "Gemini's own is kept");
    },
    check: ok,
  },
];

Deno.test("pass-through: untouched bodies and answers; Anthropic's and Gemini's signature rules", async (t) => {
  await runQuirks(t, [...untouched, ...signatures]);
});
