import assert from "node:assert/strict";
import { anthropicCodec } from "./mod.ts";

Deno.test("anthropicCodec is the anthropic dialect and round-trips a request through the model", () => {
  assert.equal(anthropicCodec.dialect, "anthropic");
  const { value: request } = anthropicCodec.decodeRequest({
    model: "claude",
    max_tokens: 2000,
    system: "Be brief.",
    messages: [{ role: "user", content: "hi" }],
  }, {});
  const { value } = anthropicCodec.encodeRequest(request, {
    modelName: "claude-haiku-4-5",
    maxTokens: 1000,
    stream: false,
  });
  assert.deepEqual(value.body, {
    model: "claude-haiku-4-5",
    max_tokens: 1000,
    system: [{ type: "text", text: "Be brief." }],
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    stream: false,
  });
  assert.equal(
    anthropicCodec.createStreamEncoder(request, { newId: String, now: Date.now }).contentType,
    "text/event-stream",
  );
});
