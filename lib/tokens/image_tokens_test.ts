import assert from "node:assert/strict";
import { tokensOfSize } from "./image_tokens.ts";

Deno.test("tokensOfSize() prices images as each provider documents", () => {
  // Anthropic: width × height / 750 within 1568 px and ~1.2 megapixels.
  assert.equal(tokensOfSize({ width: 200, height: 200 }, "anthropic"), 54);
  assert.equal(tokensOfSize({ width: 1092, height: 1092 }, "anthropic"), 1590);
  // OpenAI, high detail: its documented examples.
  assert.equal(tokensOfSize({ width: 1024, height: 1024 }, "openai"), 765);
  assert.equal(tokensOfSize({ width: 2048, height: 4096 }, "openai"), 1105);
  // Gemini: 258 for a small image, 258 per 768-pixel tile otherwise.
  assert.equal(tokensOfSize({ width: 384, height: 384 }, "gemini"), 258);
  assert.equal(tokensOfSize({ width: 1000, height: 1000 }, "gemini"), 4 * 258);
});

Deno.test("tokensOfSize(): a 4K screenshot costs what providers charge after downscaling", () => {
  const screenshot = { width: 3840, height: 2160 };
  assert.equal(tokensOfSize(screenshot, "anthropic"), 1600);
  assert.equal(tokensOfSize(screenshot, "openai"), 1105);
  assert.equal(tokensOfSize(screenshot, "gemini"), 12 * 258);
});

Deno.test("tokensOfSize(): no claimed size, however large, costs more than the largest image", () => {
  const forged = { width: 4_294_967_295, height: 4_294_967_295 };
  assert.equal(tokensOfSize(forged, "anthropic"), 1600);
  assert.equal(tokensOfSize(forged, "openai"), 85 + 170 * 4);
  assert.equal(tokensOfSize(forged, "gemini"), 16 * 258);
  const sliver = { width: 1, height: 4_294_967_295 };
  for (const dialect of ["anthropic", "openai", "gemini"] as const) {
    const tokens = tokensOfSize(sliver, dialect);
    assert.ok(Number.isSafeInteger(tokens) && tokens > 0 && tokens <= 4128, `${dialect} ${tokens}`);
  }
});
