import assert from "node:assert/strict";
import { withoutMedia } from "./text_only.ts";

Deno.test("withoutMedia() replaces inlineData and fileData parts, in function responses too", () => {
  const contents = [{
    role: "user",
    parts: [
      {
        function_response: {
          name: "read",
          response: { output: "ok" },
          parts: [{ inline_data: { mime_type: "image/jpeg", data: "/9j/" } }],
        },
      },
      { fileData: { mimeType: "application/pdf", fileUri: "gs://b/q3.pdf" } },
      { text: "See" },
    ],
  }];
  const { list, replaced } = withoutMedia(contents);
  assert.equal(replaced, 2);
  assert.deepEqual((list as any[])[0].parts, [
    {
      function_response: {
        name: "read",
        response: { output: "ok" },
        parts: [{ text: "[image omitted: image/jpeg — this model cannot read images]" }],
      },
    },
    { text: "[document omitted: application/pdf — this model cannot read documents]" },
    { text: "See" },
  ]);
});
