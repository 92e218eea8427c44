/** The pixel size of a base64 image, read from its PNG, GIF or JPEG header (first 3 KB only). */

/** Pixels of an image. */
export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Width and height, or undefined when the header is not one of those, cannot be read, or gives
 * a zero side (no size to price or describe).
 */
export function imageSize(base64: string): ImageSize | undefined {
  let bytes: Uint8Array;
  try {
    const head = atob(base64.slice(0, 4096 - (4096 % 4)));
    bytes = Uint8Array.from(head, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
  const size = headerSize(bytes);
  return size && size.width > 0 && size.height > 0 ? size : undefined;
}

function headerSize(bytes: Uint8Array): ImageSize | undefined {
  const view = new DataView(bytes.buffer);
  if (bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50) {
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 10 && bytes[0] === 0x47 && bytes[1] === 0x49) {
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    let at = 2;
    while (at + 9 < bytes.length) {
      if (bytes[at] !== 0xff) return undefined;
      const marker = bytes[at + 1];
      const length = view.getUint16(at + 2);
      if (
        marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
      ) {
        return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
      }
      at += 2 + length;
    }
  }
  return undefined;
}
