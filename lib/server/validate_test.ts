import assert from "node:assert/strict";
import { validateShape } from "./validate.ts";

Deno.test("validateShape() names the path of a wrong type in a known field", () => {
  const cases: Array<[Parameters<typeof validateShape>, RegExp]> = [
    [["anthropic", { messages: [{ role: "user", content: 5 }] }], /messages\[0\]\.content/],
    [["anthropic", { messages: [], system: 5 }], /system/],
    [
      ["anthropic", { messages: [{ role: "user", content: [{ text: "x" }] }] }],
      /content\[0\]\.type/,
    ],
    [["openai", { messages: [null] }], /messages\[0\]/],
    [["openai", { messages: [], temperature: "hot" }], /temperature/],
    [["openai", { messages: [], max_completion_tokens: 0 }], /max_tokens/],
    [["gemini", { contents: [{ parts: "x" }] }], /contents\[0\]\.parts/],
    [["gemini", { contents: [{ parts: [{ text: 1 }] }] }], /parts\[0\]\.text/],
    [["gemini", { contents: [], generationConfig: 5 }], /generationConfig/],
    [["gemini", {}], /"contents" is required/],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => validateShape(...args),
      (e: any) => e.status === 400 && message.test(e.message),
    );
  }
});

Deno.test("validateShape() stays as lenient as real clients need", () => {
  validateShape("openai", {
    messages: [
      { role: "assistant", content: null, tool_calls: [] },
      { role: "assistant", content: "" },
      { role: "tool", tool_call_id: "c", content: [{ type: "text", text: "x" }] },
      { role: "user", content: "hi", unknown_field: { any: 1 } },
    ],
    tool_choice: "auto",
  });
  validateShape("anthropic", {
    messages: [{ role: "system", content: "mid" }, {
      role: "user",
      content: [{ type: "server_tool_use_future_kind" }],
    }],
    system: [{ type: "text", text: "s" }],
  });
  validateShape("gemini", {
    contents: [{ parts: [{ inlineData: {} }, { functionResponse: { name: "f" } }] }],
    systemInstruction: { parts: [{ text: "x" }] },
  });
});

Deno.test("validateShape() refuses what Gemini refuses: a string systemInstruction, a non-object response", () => {
  assert.throws(
    () => validateShape("gemini", { contents: [], systemInstruction: "x" }),
    /systemInstruction: must be object/,
  );
  assert.throws(
    () => validateShape("gemini", { contents: [], system_instruction: "x" }),
    /system_instruction: must be object/,
  );
  const part = { functionResponse: { name: "f", response: "done" } };
  assert.throws(
    () => validateShape("gemini", { contents: [{ role: "user", parts: [part] }] }),
    /contents\[0\]\.parts\[0\]\.functionResponse\.response: must be object, not string/,
  );
});
