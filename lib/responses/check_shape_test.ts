import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import { checkShape } from "./check_shape.ts";

const refused = (body: Record<string, unknown>, message: RegExp) =>
  assert.throws(
    () => checkShape(body),
    (e: ProxyError) => e.status === 400 && message.test(e.message),
  );

Deno.test("checkShape() accepts a string input, typed items and SDK-style messages", () => {
  checkShape({ model: "m", input: "Hi" });
  checkShape({
    model: "m",
    input: [
      { role: "user", content: "Hi" },
      { type: "message", role: "user", content: [{ type: "input_text", text: "Hi" }] },
      { type: "function_call_output", call_id: "c", output: "x" },
      { type: "reasoning", summary: [], encrypted_content: null },
    ],
    previous_response_id: "resp_1",
    store: true,
    max_output_tokens: 100,
  });
});

Deno.test("checkShape() names the first field of a wrong type", () => {
  refused({ input: 5 }, /^input: must be string or array/);
  refused({ input: ["hi"] }, /^input\[0\]: must be object/);
  refused({ input: [{ content: "hi" }] }, /^input\[0\]\.role: must be string/);
  refused({ input: [{ type: 3 }] }, /^input\[0\]\.type: must be string/);
  refused({ input: [{ role: "user", content: 5 }] }, /^input\[0\]\.content/);
  refused({ input: [{ role: "user", content: [{ text: "x" }] }] }, /content\[0\]\.type/);
  refused({ stream: "yes" }, /"stream" must be a boolean/);
  refused({ max_output_tokens: 0 }, /"max_output_tokens" must be a positive number/);
  refused({ instructions: 5 }, /^instructions: must be string/);
  refused({ reasoning: "high" }, /^reasoning: must be object/);
});
