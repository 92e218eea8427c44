import assert from "node:assert/strict";
import { checkShape } from "./check_shape.ts";

Deno.test("checkShape() names the path of a wrong type in a known Messages field", () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ messages: [{ role: "user", content: 5 }] }, /messages\[0\]\.content/],
    [{ messages: [], system: 5 }, /system/],
    [{ messages: [{ role: "user", content: [{ text: "x" }] }] }, /content\[0\]\.type/],
    [{ messages: [{ role: "user" }] }, /messages\[0\]\.content is required/],
    [{ messages: [], max_tokens: 0 }, /"max_tokens" must be a positive number/],
    [{ messages: [], stream: "yes" }, /"stream" must be a boolean/],
    [{}, /"messages" is required/],
  ];
  for (const [body, message] of cases) {
    assert.throws(
      () => checkShape(body),
      (e: any) => e.status === 400 && message.test(e.message),
      String(message),
    );
  }
});

Deno.test("checkShape() lets through what Claude Code sends: mid-list system turns, new block types", () => {
  checkShape({
    messages: [{ role: "system", content: "mid" }, {
      role: "user",
      content: [{ type: "server_tool_use_future_kind" }],
    }],
    system: [{ type: "text", text: "s" }],
  });
});
