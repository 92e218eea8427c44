import assert from "node:assert/strict";
import { imageTokens } from "./image_tokens.ts";

Deno.test("imageTokens() prices the size read from the header, and 1000 × 1000 when unknown", () => {
  const sizes: Array<{ width: number; height: number }> = [];
  const pricing = (size: { width: number; height: number }) => (sizes.push(size), 7);
  const png = new Uint8Array(32);
  png.set([0x89, 0x50, 0x4e, 0x47]);
  new DataView(png.buffer).setUint32(16, 640);
  new DataView(png.buffer).setUint32(20, 480);
  const data = btoa(String.fromCharCode(...png));
  assert.equal(imageTokens({ kind: "base64", mediaType: "image/png", data }, pricing), 7);
  assert.equal(imageTokens({ kind: "url", url: "https://x/y.png" }, pricing), 7);
  assert.deepEqual(sizes, [{ width: 640, height: 480 }, { width: 1000, height: 1000 }]);
});
