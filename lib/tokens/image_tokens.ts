/**
 * What an image costs in input tokens, as its upstream's provider prices it (each dialect's
 * `imageTokens`: first scaled down the way the provider scales it, then counted by area or by
 * tiles). An image's size is read from its PNG, GIF or JPEG header, which a client may forge (a
 * PNG header can claim 4 billion pixels a side): the scaling bounds every image to what the
 * provider would charge for its largest.
 */
import type { ImagePricing } from "../ir/endpoint.ts";
import { imageSize } from "../ir/image_size.ts";
import type { MediaSource } from "../ir/types.ts";

/** The tokens of an image priced by `pricing`. */
export function imageTokens(source: MediaSource, pricing: ImagePricing): number {
  const size = source.kind === "base64" ? imageSize(source.data) : undefined;
  // An image of unknown size counts as a typical 1,000 × 1,000 one.
  return pricing(size ?? { width: 1000, height: 1000 });
}
