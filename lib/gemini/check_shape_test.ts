import assert from "node:assert/strict";
import { checkShape } from "./check_shape.ts";

Deno.test("checkShape() names the path of a wrong type in a known generateContent field", () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ contents: [{ parts: "x" }] }, /contents\[0\]\.parts/],
    [{ contents: [{ parts: [{ text: 1 }] }] }, /parts\[0\]\.text/],
    [{ contents: [], generationConfig: 5 }, /generationConfig/],
    [
      { contents: [], generationConfig: { maxOutputTokens: -1 } },
      /"generationConfig\.maxOutputTokens" must be a positive number/,
    ],
    [{}, /"contents" is required/],
  ];
  for (const [body, message] of cases) {
    assert.throws(
      () => checkShape(body),
      (e: any) => e.status === 400 && message.test(e.message),
      String(message),
    );
  }
});

Deno.test("checkShape() lets media and function responses through", () => {
  checkShape({
    contents: [{ parts: [{ inlineData: {} }, { functionResponse: { name: "f" } }] }],
    systemInstruction: { parts: [{ text: "x" }] },
  });
});

Deno.test("checkShape() refuses what Gemini refuses: a string systemInstruction, a non-object response", () => {
  assert.throws(
    () => checkShape({ contents: [], systemInstruction: "x" }),
    /systemInstruction: must be object/,
  );
  assert.throws(
    () => checkShape({ contents: [], system_instruction: "x" }),
    /system_instruction: must be object/,
  );
  const part = { functionResponse: { name: "f", response: "done" } };
  assert.throws(
    () => checkShape({ contents: [{ role: "user", parts: [part] }] }),
    /contents\[0\]\.parts\[0\]\.functionResponse\.response: must be object, not string/,
  );
});
