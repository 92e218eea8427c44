import assert from "node:assert/strict";
import { withoutMedia } from "./text_only.ts";

Deno.test("withoutMedia() replaces input_image and input_file parts, in messages and call outputs", () => {
  const input = [
    { role: "user", content: "Look" },
    {
      type: "message",
      role: "user",
      content: [
        { type: "input_text", text: "What is this?" },
        { type: "input_image", image_url: "data:image/webp;base64,UklGR", detail: "auto" },
        { type: "input_file", filename: "q3.pdf", file_data: "data:application/pdf;base64,JVBE" },
      ],
    },
    {
      type: "function_call_output",
      call_id: "call_1",
      output: [{ type: "input_image", image_url: "https://example.com/cat.png" }],
    },
    { type: "function_call_output", call_id: "call_2", output: "plain text" },
  ];
  const frozen = structuredClone(input);
  const { list, replaced } = withoutMedia(input);
  assert.equal(replaced, 3);
  const out = list as any[];
  assert.deepEqual(out[1].content, [
    { type: "input_text", text: "What is this?" },
    { type: "input_text", text: "[image omitted: image/webp — this model cannot read images]" },
    { type: "input_text", text: "[document omitted: q3.pdf — this model cannot read documents]" },
  ]);
  assert.deepEqual(out[2].output, [{
    type: "input_text",
    text: "[image omitted: https://example.com/cat.png — this model cannot read images]",
  }]);
  // Only what changed is new: the caller's body stays as it was.
  assert.equal(out[0], input[0]);
  assert.equal(out[3], input[3]);
  assert.deepEqual(input, frozen);
});

Deno.test("withoutMedia() leaves a string input or one without media as it is", () => {
  assert.deepEqual(withoutMedia("Hi"), { list: "Hi", replaced: 0 });
  const input = [{ role: "user", content: [{ type: "input_text", text: "Hi" }] }];
  const { list, replaced } = withoutMedia(input);
  assert.equal(replaced, 0);
  assert.equal(list, input);
});
