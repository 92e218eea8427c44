import assert from "node:assert/strict";
import type { DecodeContext } from "../ir/codec.ts";
import { openaiCodec } from "./mod.ts";

const CONTEXT: DecodeContext = { toolNames: new Map(), newId: (prefix) => `${prefix}_1` };

Deno.test("openaiCodec sends upstream reasoning back as reasoning_content on the tool turn", () => {
  const answer = openaiCodec.decodeResponse({
    id: "r1",
    choices: [{
      message: {
        content: null,
        reasoning_content: "Call ls.",
        tool_calls: [{ id: "call_x", type: "function", function: { name: "ls", arguments: "{}" } }],
      },
      finish_reason: "tool_calls",
    }],
  }, CONTEXT).value;
  const next = openaiCodec.encodeRequest({
    model: "m",
    stream: false,
    system: [],
    messages: [
      { role: "user", content: [{ type: "text", text: "list" }] },
      { role: "assistant", content: answer.content },
      {
        role: "user",
        content: [{
          type: "tool_result",
          toolCallId: "call_x",
          content: [{ type: "text", text: "a.txt" }],
          isError: false,
        }],
      },
    ],
    tools: [{ name: "ls", inputSchema: { type: "object" } }],
  }, { modelName: "deepseek-reasoner", maxTokens: 8192, stream: false }).value;
  assert.deepEqual(next.body.messages, [
    { role: "user", content: "list" },
    {
      role: "assistant",
      content: null,
      reasoning_content: "Call ls.",
      tool_calls: [{ id: "call_x", type: "function", function: { name: "ls", arguments: "{}" } }],
    },
    { role: "tool", tool_call_id: "call_x", content: "a.txt" },
  ]);
});

Deno.test("openaiCodec restores a shortened tool name from encodeRequest's map", () => {
  const long = "t".repeat(80);
  const { value } = openaiCodec.encodeRequest({
    model: "m",
    stream: false,
    system: [],
    messages: [],
    tools: [{ name: long, inputSchema: {} }],
  }, { modelName: "x", maxTokens: 100, stream: false });
  const [shortName] = [...value.toolNames.keys()];
  assert.equal(shortName.length, 64);
  const answer = openaiCodec.decodeResponse({
    choices: [{
      message: { tool_calls: [{ id: "c", function: { name: shortName, arguments: "{}" } }] },
      finish_reason: "tool_calls",
    }],
  }, { ...CONTEXT, toolNames: value.toolNames }).value;
  assert.deepEqual(answer.content, [{ type: "tool_call", id: "c", name: long, input: {} }]);
});
