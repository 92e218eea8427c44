import assert from "node:assert/strict";
import { encryptedContentOf } from "./reasoning_proof.ts";
import { passthrough } from "./passthrough.ts";

Deno.test("passthrough.prepare(): the model, the output cap; stored state goes on", () => {
  const out: Record<string, unknown> = {
    model: "codex",
    input: "Hi",
    max_output_tokens: 99999,
    previous_response_id: "resp_1",
    store: true,
    stream: true,
  };
  passthrough.prepare(out, { modelName: "gpt-5-codex", maxTokens: 16000, stream: true });
  assert.deepEqual(out, {
    model: "gpt-5-codex",
    input: "Hi",
    max_output_tokens: 16000,
    previous_response_id: "resp_1",
    store: true,
    stream: true,
  });
  const none: Record<string, unknown> = { model: "codex", input: "Hi" };
  passthrough.prepare(none, { modelName: "gpt-5-codex", maxTokens: 8192, stream: false });
  assert.equal(none.max_output_tokens, 8192, "the cap when none was asked");
});

Deno.test("passthrough.prepare(): a model that cannot stream is asked for the whole answer", () => {
  const out: Record<string, unknown> = {
    model: "m",
    input: "Hi",
    stream: true,
    stream_options: { include_obfuscation: false },
  };
  passthrough.prepare(out, { modelName: "m", maxTokens: 100, stream: false });
  assert.equal(out.stream, false);
  assert.equal(out.stream_options, undefined);
});

Deno.test("passthrough.prepare(): reasoning another upstream signed is not sent", () => {
  const foreign = {
    type: "reasoning",
    summary: [],
    encrypted_content: encryptedContentOf({ origin: "anthropic", value: "EqQB" }),
  };
  const own = { type: "reasoning", summary: [], encrypted_content: "gAAAA" };
  const input = [{ role: "user", content: "Hi" }, foreign, own];
  const out: Record<string, unknown> = { model: "m", input };
  passthrough.prepare(out, { modelName: "m", maxTokens: 100, stream: false });
  assert.deepEqual(out.input, [input[0], own]);
  assert.equal(input.length, 3, "the caller's list is left as it was");
});

Deno.test("passthrough.modelPaths: the answer's model, and each lifecycle event's response.model", () => {
  assert.deepEqual(passthrough.modelPaths, {
    answer: ["model"],
    event: ["response", "model"],
  });
});
