import assert from "node:assert/strict";
import { withoutMedia } from "./text_only.ts";

Deno.test("withoutMedia() replaces image and document blocks, inside tool results too", () => {
  const messages = [
    { role: "user", content: "Hi" },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: "t1",
          content: [{ type: "image", source: { type: "url", url: "https://x/a.png" } }],
        },
        { type: "document", title: "q3.pdf", source: { type: "base64", data: "JVBE" } },
        { type: "text", text: "See" },
      ],
    },
  ];
  const { list, replaced } = withoutMedia(messages);
  assert.equal(replaced, 2);
  assert.deepEqual((list as any[])[1].content, [
    {
      type: "tool_result",
      tool_use_id: "t1",
      content: [{
        type: "text",
        text: "[image omitted: https://x/a.png — this model cannot read images]",
      }],
    },
    { type: "text", text: "[document omitted: q3.pdf — this model cannot read documents]" },
    { type: "text", text: "See" },
  ]);
  assert.equal((list as any[])[0], messages[0], "untouched messages are the caller's own");
  assert.equal((messages[1].content as any[])[1].type, "document", "the caller's body is kept");
});
