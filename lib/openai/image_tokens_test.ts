import assert from "node:assert/strict";
import { imageTokens } from "./image_tokens.ts";

Deno.test("imageTokens() prices as OpenAI documents for high detail: 512-pixel tiles", () => {
  assert.equal(imageTokens({ width: 1024, height: 1024 }), 765);
  assert.equal(imageTokens({ width: 2048, height: 4096 }), 1105);
  assert.equal(imageTokens({ width: 3840, height: 2160 }), 1105);
});

Deno.test("imageTokens(): no claimed size, however large, costs more than the largest image", () => {
  assert.equal(imageTokens({ width: 4_294_967_295, height: 4_294_967_295 }), 85 + 170 * 4);
  const sliver = imageTokens({ width: 1, height: 4_294_967_295 });
  assert.ok(Number.isSafeInteger(sliver) && sliver > 0 && sliver <= 4128, String(sliver));
});
