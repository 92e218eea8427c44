import assert from "node:assert/strict";
import { responseToEvents } from "../ir/replay.ts";
import { MAX_CARRIED_THINKING_BYTES } from "../ir/signature.ts";
import type { Part, Response, Signature, StreamEvent } from "../ir/types.ts";
import { SKIP_SIGNATURE } from "./encode_contents.ts";
import { decodeRequest } from "./decode_request.ts";
import { encodeRequest } from "./encode_request.ts";
import { encodeResponse } from "./encode_response.ts";
import { createStreamEncoder } from "./stream_encoder.ts";
import type { GeminiPart } from "./types.ts";

const PROXY: Signature = { origin: "proxy", value: "" };
const REASONING = "The user wants the files.\nI'll list them — 一覧 🗂️.";

function answer(content: Response["content"]): Response {
  return {
    id: "msg_1",
    model: "gemini-3-pro-preview",
    content,
    stopReason: "tool_use",
    usage: {
      inputTokens: 10,
      outputTokens: 5,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 3,
    },
  };
}

/** A DeepSeek-style answer: reasoning the proxy signed, a little text, two parallel calls. */
const TOOL_TURN = answer([
  { type: "thinking", text: REASONING, signature: PROXY },
  { type: "text", text: "Listing." },
  { type: "tool_call", id: "call_1", name: "ls", input: { path: "." } },
  { type: "tool_call", id: "call_2", name: "ls", input: { path: "src" } },
]);

/** The parts a Gemini caller gets for a whole answer. */
function wholeParts(response: Response): GeminiPart[] {
  return encodeResponse(response).candidates![0].content!.parts!;
}

/** The parts a Gemini caller gets, chunk by chunk, from an SSE stream of `events`. */
function streamedParts(events: StreamEvent[]): GeminiPart[] {
  const encoder = createStreamEncoder(TOOL_TURN_REQUEST, {
    sse: true,
    newId: (prefix) => `${prefix}_1`,
    now: () => 0,
  });
  const text = events.map((event) => encoder.encode(event)).join("");
  return text.split("\n\n").filter((frame) => frame.startsWith("data: "))
    .flatMap((frame) => JSON.parse(frame.slice(6)).candidates?.[0]?.content?.parts ?? []);
}

const TOOL_TURN_REQUEST = decodeRequest({ contents: [] }, { model: "m", stream: true }).value;

const ENCODERS = {
  whole: wholeParts,
  streamed: (response: Response) => streamedParts(inPieces(responseToEvents(response, () => "x"))),
};

/** Thinking deltas split into pieces of 1,000 characters, as upstreams stream them. */
function inPieces(events: StreamEvent[]): StreamEvent[] {
  return events.flatMap((event) => {
    if (event.type !== "block_delta" || event.delta.type !== "thinking") return [event];
    const { text } = event.delta;
    const pieces: StreamEvent[] = [];
    for (let at = 0; at < text.length; at += 1000) {
      const delta = { type: "thinking" as const, text: text.slice(at, at + 1000) };
      pieces.push({ ...event, delta });
    }
    return pieces;
  });
}

/** What Gemini CLI sends back of a model turn: every part but the thoughts. */
function withoutThoughts(parts: GeminiPart[]): GeminiPart[] {
  return parts.filter((part) => part.thought !== true);
}

/** Turn 2 as a Gemini caller sends it, decoded: the model turn's content. */
function replayed(modelParts: GeminiPart[]): Part[] {
  const { value } = decodeRequest(turnTwo(modelParts), { model: "m", stream: true });
  assert.equal(value.messages[1].role, "assistant");
  return value.messages[1].content;
}

function turnTwo(modelParts: GeminiPart[]) {
  return {
    contents: [
      { role: "user", parts: [{ text: "List the files" }] },
      { role: "model", parts: modelParts },
      {
        role: "user",
        parts: [
          { functionResponse: { id: "call_1", name: "ls", response: { output: "a.ts" } } },
          { functionResponse: { id: "call_2", name: "ls", response: { output: "b.ts" } } },
        ],
      },
    ],
  };
}

for (const [name, encode] of Object.entries(ENCODERS)) {
  Deno.test(`Gemini ${name} answers carry the proxy's thinking on the call, and it comes back`, () => {
    const parts = withoutThoughts(encode(TOOL_TURN));
    const signed = parts.filter((part) => part.thoughtSignature !== undefined);
    assert.equal(signed.length, 1, "only the first call carries it");
    assert.equal(signed[0].functionCall?.id, "call_1");
    assert.match(signed[0].thoughtSignature!, /^proxy:t1:/);
    assert.deepEqual(replayed(parts), [
      { type: "thinking", text: REASONING, signature: PROXY },
      { type: "text", text: "Listing." },
      { type: "tool_call", id: "call_1", name: "ls", input: { path: "." } },
      { type: "tool_call", id: "call_2", name: "ls", input: { path: "src" } },
    ]);
  });

  Deno.test(`Gemini ${name} answers: thought parts replayed as well are not doubled`, () => {
    const content = replayed(encode(TOOL_TURN));
    const thinking = content.filter((part) => part.type === "thinking");
    assert.deepEqual(thinking.map((part) => part.text).join(""), REASONING);
    assert.equal(content.at(-2)?.type, "tool_call");
  });

  Deno.test(`Gemini ${name} answers carry only thinking the proxy signed`, () => {
    const parts = encode(answer([
      { type: "thinking", text: "Anthropic's", signature: { origin: "anthropic", value: "EqQB" } },
      { type: "tool_call", id: "call_1", name: "ls", input: {} },
      { type: "thinking", text: "mine", signature: PROXY },
      {
        type: "tool_call",
        id: "call_2",
        name: "ls",
        input: {},
        signature: { origin: "gemini", value: "sigG" },
      },
      { type: "thinking", text: "after the calls", signature: PROXY },
      { type: "text", text: "Done." },
    ]));
    const calls = parts.filter((part) => part.functionCall);
    assert.equal(calls[0].thoughtSignature, undefined);
    assert.equal(calls[1].thoughtSignature, "sigG", "Gemini's own signature wins");
    assert.ok(parts.filter((p) => !p.functionCall).every((p) => !p.thoughtSignature));
    const content = replayed(withoutThoughts(parts));
    assert.deepEqual(content.filter((part) => part.type === "thinking"), []);
    assert.deepEqual(content.find((part) => part.type === "tool_call" && part.id === "call_2"), {
      type: "tool_call",
      id: "call_2",
      name: "ls",
      input: {},
      signature: { origin: "gemini", value: "sigG" },
    });
  });

  Deno.test(`Gemini ${name} answers carry at most 64 KiB of thinking`, () => {
    const long = "Think. ".repeat(20_000); // 140,000 characters
    const parts = encode(answer([
      { type: "thinking", text: long, signature: PROXY },
      { type: "tool_call", id: "call_1", name: "ls", input: {} },
    ]));
    const signature = parts.find((part) => part.functionCall)!.thoughtSignature!;
    assert.ok(signature.length < 88_000, `${signature.length} characters`);
    const [thinking] = replayed(withoutThoughts(parts));
    assert.equal(thinking.type === "thinking" && thinking.text.length, MAX_CARRIED_THINKING_BYTES);
    assert.ok(long.startsWith((thinking as { text: string }).text), "the head is carried");
  });
}

Deno.test("Gemini streamed answers join thinking from many deltas and blocks before a call", () => {
  const events: StreamEvent[] = [
    { type: "message_start", id: "msg_1", model: "m", usage: TOOL_TURN.usage },
    { type: "block_start", index: 0, block: { type: "thinking" } },
    ...["First ", "block."].map((text): StreamEvent => ({
      type: "block_delta",
      index: 0,
      delta: { type: "thinking", text },
    })),
    { type: "block_delta", index: 0, delta: { type: "signature", signature: PROXY } },
    { type: "block_stop", index: 0 },
    { type: "block_start", index: 1, block: { type: "thinking" } },
    { type: "block_delta", index: 1, delta: { type: "thinking", text: "Second." } },
    { type: "block_delta", index: 1, delta: { type: "signature", signature: PROXY } },
    { type: "block_stop", index: 1 },
    { type: "block_start", index: 2, block: { type: "tool_call", id: "call_1", name: "ls" } },
    { type: "block_delta", index: 2, delta: { type: "tool_args", json: "{}" } },
    { type: "block_stop", index: 2 },
    { type: "message_delta", stopReason: "tool_use", usage: TOOL_TURN.usage },
    { type: "message_stop" },
  ];
  const [thinking] = replayed(withoutThoughts(streamedParts(events)));
  assert.deepEqual(thinking, {
    type: "thinking",
    text: "First block.\n\nSecond.",
    signature: PROXY,
  });
});

Deno.test("a replayed proxy signature never reaches a Gemini upstream", () => {
  const { value: request } = decodeRequest(turnTwo(withoutThoughts(wholeParts(TOOL_TURN))), {
    model: "m",
    stream: true,
  });
  const { value, warnings } = encodeRequest(request, {
    modelName: "gemini-3-pro-preview",
    maxTokens: 8192,
    stream: true,
  });
  const body = JSON.stringify(value.body);
  assert.ok(!body.includes("proxy:"), body);
  const model = (value.body as any).contents[1];
  assert.deepEqual(model.parts.map((part: GeminiPart) => part.thoughtSignature), [
    undefined,
    SKIP_SIGNATURE,
    undefined,
  ]);
  assert.ok(warnings.includes("Dropped 1 thinking block(s) that Gemini did not sign"));
});
