import assert from "node:assert/strict";
import { withoutMedia } from "./text_only.ts";
import type { Request } from "./types.ts";

function request(messages: Request["messages"]): Request {
  return { model: "m", stream: false, system: [], messages, tools: [] };
}

const IMAGE = "[image omitted: image/png — this model cannot read images]";

Deno.test("withoutMedia() replaces images and documents, inside tool results too", () => {
  const { value, warnings } = withoutMedia(request([
    { role: "assistant", content: [{ type: "tool_call", id: "c1", name: "Read", input: {} }] },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          toolCallId: "c1",
          isError: false,
          content: [
            { type: "text", text: "shot.png" },
            { type: "image", source: { kind: "base64", mediaType: "image/png", data: "AAAA" } },
          ],
        },
        { type: "text", text: "Look" },
        {
          type: "document",
          source: { kind: "url", url: "https://x/r.pdf" },
          filename: "r.pdf",
        },
      ],
    },
  ]));
  assert.deepEqual(value.messages[1].content, [
    {
      type: "tool_result",
      toolCallId: "c1",
      isError: false,
      content: [{ type: "text", text: "shot.png" }, { type: "text", text: IMAGE }],
    },
    { type: "text", text: "Look" },
    { type: "text", text: "[document omitted: r.pdf — this model cannot read documents]" },
  ]);
  assert.deepEqual(warnings, [
    "Replaced 2 image or document part(s) with a text placeholder: this model cannot read them (vision: false)",
  ]);
});

Deno.test("withoutMedia() returns the same request when there is nothing to replace", () => {
  const plain = request([{ role: "user", content: [{ type: "text", text: "Hi" }] }]);
  const { value, warnings } = withoutMedia(plain);
  assert.equal(value, plain);
  assert.deepEqual(warnings, []);
});
