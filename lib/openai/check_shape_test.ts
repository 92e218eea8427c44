import assert from "node:assert/strict";
import { checkShape } from "./check_shape.ts";

Deno.test("checkShape() names the path of a wrong type in a known Chat Completions field", () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ messages: [null] }, /messages\[0\]/],
    [{ messages: [], temperature: "hot" }, /temperature/],
    [{ messages: [], max_completion_tokens: 0 }, /max_tokens/],
    [{ messages: "hi" }, /"messages" must be an array/],
  ];
  for (const [body, message] of cases) {
    assert.throws(
      () => checkShape(body),
      (e: any) => e.status === 400 && message.test(e.message),
      String(message),
    );
  }
});

Deno.test("checkShape() stays as lenient as real OpenAI clients need", () => {
  checkShape({
    messages: [
      { role: "assistant", content: null, tool_calls: [] },
      { role: "assistant", content: "" },
      { role: "tool", tool_call_id: "c", content: [{ type: "text", text: "x" }] },
      { role: "user", content: "hi", unknown_field: { any: 1 } },
    ],
    tool_choice: "auto",
  });
});
