/**
 * What an image costs at Gemini: 258 tokens when both sides are at most 384 pixels; otherwise
 * 258 per 768-pixel tile, after fitting within 3072 × 3072 (the cap is ours: Gemini's own
 * documentation names none, and a forged header must not price an image without bound).
 */
import type { ImageSize } from "../ir/image_size.ts";

/** Input tokens of an image of this size. */
export function imageTokens({ width, height }: ImageSize): number {
  if (width <= 384 && height <= 384) return 258;
  const fit = Math.min(1, 3072 / Math.max(width, height));
  return 258 * Math.ceil(width * fit / 768) * Math.ceil(height * fit / 768);
}
