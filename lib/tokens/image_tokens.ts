/**
 * What an image costs in input tokens, as each provider prices it: first scaled down the way
 * the provider scales it, then counted by area or by tiles. An image's size is read from its
 * PNG, GIF or JPEG header, which a client may forge (a PNG header can claim 4 billion pixels a
 * side): the scaling bounds every image to what the provider would charge for its largest.
 *
 * - Anthropic: fitted within 1568 pixels on the long edge and about 1.2 megapixels (~1,600
 *   tokens), then width × height / 750.
 * - OpenAI (`detail: high`): fitted within 2048 × 2048, then scaled so the short side is at most
 *   768; 170 tokens per 512-pixel tile plus 85.
 * - Gemini: 258 tokens when both sides are at most 384 pixels; otherwise 258 per 768-pixel tile,
 *   after fitting within 3072 × 3072 (the cap is ours: Gemini's own documentation names none).
 */
import { type ImageSize, imageSize } from "../ir/image_size.ts";
import type { Dialect, MediaSource } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";

/** The tokens of an image for an upstream of `dialect`. */
export function imageTokens(source: MediaSource, dialect: Dialect): number {
  const size = source.kind === "base64" ? imageSize(source.data) : undefined;
  // An image of unknown size counts as a typical 1,000 × 1,000 one.
  return tokensOfSize(size ?? { width: 1000, height: 1000 }, dialect);
}

/** The tokens of an image of this many pixels, for an upstream of `dialect`. */
export function tokensOfSize(size: ImageSize, dialect: Dialect): number {
  const { width, height } = size;
  switch (dialect) {
    case "anthropic": {
      const scale = Math.min(
        1,
        1568 / Math.max(width, height),
        Math.sqrt(1_200_000 / (width * height)),
      );
      return Math.max(1, Math.min(1600, Math.ceil((width * scale) * (height * scale) / 750)));
    }
    case "openai": {
      const fit = Math.min(1, 2048 / Math.max(width, height));
      const short = Math.min(1, 768 / (Math.min(width, height) * fit));
      const [w, h] = [width * fit * short, height * fit * short];
      return 85 + 170 * Math.ceil(w / 512) * Math.ceil(h / 512);
    }
    case "gemini": {
      if (width <= 384 && height <= 384) return 258;
      const fit = Math.min(1, 3072 / Math.max(width, height));
      return 258 * Math.ceil(width * fit / 768) * Math.ceil(height * fit / 768);
    }
    default:
      return unreachable(dialect);
  }
}
