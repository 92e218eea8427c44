/**
 * What an image costs at OpenAI (`detail: high`): fitted within 2048 × 2048, then scaled so the
 * short side is at most 768; 170 tokens per 512-pixel tile plus 85.
 */
import type { ImageSize } from "../ir/image_size.ts";

/** Input tokens of an image of this size. */
export function imageTokens({ width, height }: ImageSize): number {
  const fit = Math.min(1, 2048 / Math.max(width, height));
  const short = Math.min(1, 768 / (Math.min(width, height) * fit));
  const [w, h] = [width * fit * short, height * fit * short];
  return 85 + 170 * Math.ceil(w / 512) * Math.ceil(h / 512);
}
