/**
 * What an image costs at Anthropic: fitted within 1568 pixels on the long edge and about 1.2
 * megapixels (~1,600 tokens), then width × height / 750.
 */
import type { ImageSize } from "../ir/image_size.ts";

/** Input tokens of an image of this size. */
export function imageTokens({ width, height }: ImageSize): number {
  const scale = Math.min(
    1,
    1568 / Math.max(width, height),
    Math.sqrt(1_200_000 / (width * height)),
  );
  return Math.max(1, Math.min(1600, Math.ceil((width * scale) * (height * scale) / 750)));
}
