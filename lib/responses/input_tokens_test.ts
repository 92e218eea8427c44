import assert from "node:assert/strict";
import { decodeRequest } from "./decode_request.ts";
import { inputTokensAnswer, inputTokensBody, readInputTokens } from "./input_tokens.ts";

Deno.test("inputTokensBody() keeps only the fields an upstream counter takes", () => {
  const request = decodeRequest({
    model: "claude-x",
    instructions: "Be brief.",
    input: "Count me",
    tools: [{ type: "function", name: "ls" }],
    tool_choice: "auto",
    max_output_tokens: 100,
    temperature: 0.5,
    reasoning: { effort: "low" },
    stream: true,
  }).value;
  const { value } = inputTokensBody(request, { modelName: "gpt-5-codex", maxTokens: 8192 });
  assert.deepEqual(value, {
    model: "gpt-5-codex",
    instructions: "Be brief.",
    input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "Count me" }] }],
    tools: [{ type: "function", name: "ls", parameters: { type: "object", properties: {} } }],
    tool_choice: "auto",
    reasoning: { effort: "low", summary: "auto" },
  });
});

Deno.test("readInputTokens() reads an upstream counter's answer; inputTokensAnswer() writes one", () => {
  assert.equal(readInputTokens({ object: "response.input_tokens", input_tokens: 1234 }), 1234);
  assert.equal(readInputTokens({ input_tokens: "12" }), undefined);
  assert.equal(readInputTokens({ error: { message: "x" } }), undefined);
  assert.equal(readInputTokens(null), undefined);
  assert.deepEqual(inputTokensAnswer(42), { object: "response.input_tokens", input_tokens: 42 });
});
