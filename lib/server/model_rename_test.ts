import assert from "node:assert/strict";
import { CODECS } from "../dialects.ts";
import { modelRename } from "./model_rename.ts";

Deno.test("modelRename() replaces the answer's own model, whatever the upstream called it", () => {
  const openai = modelRename(CODECS.openai.passthrough.modelPaths, "gpt-test")!;
  const answer =
    '{"id":"c","choices":[{"message":{"content":"{\\"model\\":\\"x\\"}"}}],"model":"gpt-4o-2024-08-06"}';
  assert.equal(openai.answer(answer), answer.replace("gpt-4o-2024-08-06", "gpt-test"));
  assert.equal(
    openai.dataLine('data: {"id":"c","model":"gpt-4o-2024-08-06","choices":[]}'),
    'data: {"id":"c","model":"gpt-test","choices":[]}',
  );
  const unchanged = 'data: {"id":"c","model":"gpt-test"}';
  assert.equal(openai.dataLine(unchanged), unchanged);
});

Deno.test("modelRename() touches only Anthropic's message_start in a stream, and never Gemini", () => {
  const anthropic = modelRename(CODECS.anthropic.passthrough.modelPaths, "claude-test")!;
  assert.equal(
    anthropic.dataLine(
      'data: {"type":"message_start","message":{"id":"m","model":"claude-x-2025"}}',
    ),
    'data: {"type":"message_start","message":{"id":"m","model":"claude-test"}}',
  );
  const block =
    'data: {"type":"content_block_start","index":0,"content_block":{"type":"server_tool_use","input":{"model":"keep"}}}';
  assert.equal(anthropic.dataLine(block), block);
  // Gemini's answers name no model a caller compares: nothing to rename.
  assert.equal(modelRename(CODECS.gemini.passthrough.modelPaths, "g"), undefined);
  assert.equal(modelRename(CODECS.openai.passthrough.modelPaths, ""), undefined);
});
