import assert from "node:assert/strict";
import { imageTokens } from "./image_tokens.ts";

Deno.test("imageTokens() prices as Gemini documents: 258 small, 258 per 768-pixel tile", () => {
  assert.equal(imageTokens({ width: 384, height: 384 }), 258);
  assert.equal(imageTokens({ width: 1000, height: 1000 }), 4 * 258);
  assert.equal(imageTokens({ width: 3840, height: 2160 }), 12 * 258);
});

Deno.test("imageTokens(): no claimed size, however large, costs more than the largest image", () => {
  assert.equal(imageTokens({ width: 4_294_967_295, height: 4_294_967_295 }), 16 * 258);
  const sliver = imageTokens({ width: 1, height: 4_294_967_295 });
  assert.ok(Number.isSafeInteger(sliver) && sliver > 0 && sliver <= 4128, String(sliver));
});
