import assert from "node:assert/strict";
import { imageTokens } from "./image_tokens.ts";

Deno.test("imageTokens() prices as Anthropic documents: area / 750 within 1568 px, ~1.2 MP", () => {
  assert.equal(imageTokens({ width: 200, height: 200 }), 54);
  assert.equal(imageTokens({ width: 1092, height: 1092 }), 1590);
  // A 4K screenshot costs what Anthropic charges after downscaling.
  assert.equal(imageTokens({ width: 3840, height: 2160 }), 1600);
});

Deno.test("imageTokens(): no claimed size, however large, costs more than the largest image", () => {
  assert.equal(imageTokens({ width: 4_294_967_295, height: 4_294_967_295 }), 1600);
  const sliver = imageTokens({ width: 1, height: 4_294_967_295 });
  assert.ok(Number.isSafeInteger(sliver) && sliver > 0 && sliver <= 1600, String(sliver));
});
