import assert from "node:assert/strict";
import { withoutMedia } from "./text_only.ts";

Deno.test("withoutMedia() replaces image_url and file parts with what they were", () => {
  const messages = [{
    role: "user",
    content: [
      { type: "text", text: "What is this?" },
      { type: "image_url", image_url: { url: "data:image/webp;base64,UklGR" } },
      { type: "file", file: { filename: "q3.pdf", file_data: "data:application/pdf;base64,JVBE" } },
    ],
  }];
  const { list, replaced } = withoutMedia(messages);
  assert.equal(replaced, 2);
  assert.deepEqual((list as any[])[0].content, [
    { type: "text", text: "What is this?" },
    { type: "text", text: "[image omitted: image/webp — this model cannot read images]" },
    { type: "text", text: "[document omitted: q3.pdf — this model cannot read documents]" },
  ]);
  assert.equal(withoutMedia([{ role: "user", content: "Hi" }]).replaced, 0);
});
