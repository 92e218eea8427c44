/**
 * `vision: false`: a model that cannot read images or documents receives none, from any caller
 * (images inside tool results too), only text placeholders naming what was there, and the
 * caller is warned.
 */
import assert from "node:assert/strict";
import { HELLO, type Quirk, runQuirks } from "./_quirk.ts";

/** A PNG of 1024 × 768 pixels (its header, and bytes enough to look like one). */
const PNG = btoa(String.fromCharCode(
  ...[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52],
  ...[0, 0, 4, 0, 0, 0, 3, 0, 8, 2, 0, 0, 0, 0x4d, 0x2b, 0x41, 0x9c],
  ...new Array(60).fill(0x42),
));
const PDF = btoa("%PDF-1.7 a document the model cannot read");
const IMAGE_TEXT = "[image omitted: image/png, 1024×768 — this model cannot read images]";

/** The dialects this file writes an image request in. */
type Dialect = "anthropic" | "openai" | "gemini";

const IMAGE_REQUESTS: Record<Dialect, Record<string, unknown>> = {
  anthropic: {
    max_tokens: 1000,
    tools: [{ name: "Read", input_schema: { type: "object" } }],
    messages: [
      { role: "user", content: "Look at the screenshot" },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "toolu_1", name: "Read", input: { path: "s.png" } }],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "toolu_1",
            content: [{
              type: "image",
              source: { type: "base64", media_type: "image/png", data: PNG },
            }],
          },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          {
            type: "document",
            title: "spec.pdf",
            source: { type: "base64", media_type: "application/pdf", data: PDF },
          },
          { type: "text", text: "What do you see?" },
        ],
      },
    ],
  },
  openai: {
    messages: [{
      role: "user",
      content: [
        { type: "text", text: "What do you see?" },
        { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
        {
          type: "file",
          file: { filename: "spec.pdf", file_data: `data:application/pdf;base64,${PDF}` },
        },
      ],
    }],
  },
  gemini: {
    contents: [
      { role: "user", parts: [{ text: "Look at the screenshot" }] },
      {
        role: "model",
        parts: [{ functionCall: { id: "c1", name: "read", args: { path: "s.png" } } }],
      },
      {
        role: "user",
        parts: [
          {
            functionResponse: {
              id: "c1",
              name: "read",
              response: { output: "s.png" },
              parts: [{ inlineData: { mimeType: "image/png", data: PNG } }],
            },
          },
          { inlineData: { mimeType: "image/png", data: PNG } },
          { inlineData: { mimeType: "application/pdf", data: PDF } },
          { text: "What do you see?" },
        ],
      },
    ],
    tools: [{ functionDeclarations: [{ name: "read", parameters: { type: "object" } }] }],
  },
};

const vision: Quirk[] = (["anthropic", "openai", "gemini"] as const).flatMap((caller) =>
  (["openai", "anthropic", "gemini"] as const).map((upstream): Quirk => ({
    name: "vision: false sends no image or document, only placeholders, and warns",
    caller,
    upstream,
    body: IMAGE_REQUESTS[caller],
    models: { vision: false },
    answer: HELLO,
    checkUpstream: (_body, req) => {
      assert.ok(!req.body.includes(PNG), "image bytes went upstream");
      assert.ok(!req.body.includes(PDF), "document bytes went upstream");
      for (const shape of ['"image_url"', '"inlineData"', '"inline_data"', '"type":"image"']) {
        assert.ok(!req.body.includes(shape), `${shape} went upstream`);
      }
      assert.ok(req.body.includes(IMAGE_TEXT), req.body);
      assert.ok(req.body.includes("[document omitted: "), req.body);
    },
    check: (got) => {
      assert.equal(got.status, 200, got.text);
      assert.match(got.warnings, /image or document part.*vision: false/);
    },
  }))
);

const visionDefault: Quirk[] = (["openai", "anthropic", "gemini"] as const).map((upstream) => ({
  name: "without vision: false the image goes upstream as an image",
  caller: "anthropic",
  upstream,
  body: IMAGE_REQUESTS.anthropic,
  answer: HELLO,
  checkUpstream: (_body, req) => {
    assert.ok(req.body.includes(PNG));
    assert.ok(!req.body.includes("image omitted"));
  },
  check: (got) => assert.equal(got.status, 200, got.text),
}));

Deno.test("conformance: vision: false, from every caller to every upstream", async (t) => {
  await runQuirks(t, [...vision, ...visionDefault]);
});
