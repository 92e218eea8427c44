import assert from "node:assert/strict";
import { mediaPlaceholder } from "./media_placeholder.ts";

// A PNG header of a 1024 × 768 image.
const PNG = btoa(String.fromCharCode(
  ...[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52],
  ...[0, 0, 4, 0, 0, 0, 3, 0],
));

Deno.test("mediaPlaceholder() names an image's type and size when its header tells them", () => {
  assert.equal(
    mediaPlaceholder({ kind: "image", mediaType: "image/png", data: PNG }),
    "[image omitted: image/png, 1024×768 — this model cannot read images]",
  );
  assert.equal(
    mediaPlaceholder({ kind: "image", mediaType: "image/webp", data: "AAAA" }),
    "[image omitted: image/webp — this model cannot read images]",
  );
  assert.equal(
    mediaPlaceholder({ kind: "image", url: "https://example.com/a.png" }),
    "[image omitted: https://example.com/a.png — this model cannot read images]",
  );
});

Deno.test("mediaPlaceholder() names a document by its name, else its type", () => {
  assert.equal(
    mediaPlaceholder({ kind: "document", mediaType: "application/pdf", name: "q3.pdf" }),
    "[document omitted: q3.pdf — this model cannot read documents]",
  );
  assert.equal(
    mediaPlaceholder({ kind: "document", mediaType: "application/pdf" }),
    "[document omitted: application/pdf — this model cannot read documents]",
  );
  assert.equal(
    mediaPlaceholder({ kind: "document" }),
    "[document omitted — this model cannot read documents]",
  );
});
