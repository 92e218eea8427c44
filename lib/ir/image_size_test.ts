import assert from "node:assert/strict";
import { imageSize } from "./image_size.ts";

function base64(bytes: number[]): string {
  return btoa(String.fromCharCode(...bytes));
}

Deno.test("imageSize() reads PNG, GIF and JPEG headers", () => {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
  png.push(0, 0, 4, 0, 0, 0, 3, 0); // 1024 × 768
  assert.deepEqual(imageSize(base64(png)), { width: 1024, height: 768 });
  const gif = [0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x40, 0x01, 0xf0, 0x00];
  assert.deepEqual(imageSize(base64(gif)), { width: 320, height: 240 });
  const jpeg = [0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 200, 1, 44, 3, 0, 0];
  assert.deepEqual(imageSize(base64(jpeg)), { width: 300, height: 200 });
});

Deno.test("imageSize() gives undefined for other data", () => {
  assert.equal(imageSize(base64([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])), undefined);
  assert.equal(imageSize("not base64!"), undefined);
});

Deno.test("imageSize() gives nothing for a zero size", () => {
  const png = new Uint8Array(32);
  png.set([0x89, 0x50, 0x4e, 0x47]);
  new DataView(png.buffer).setUint32(16, 640);
  new DataView(png.buffer).setUint32(20, 480);
  assert.deepEqual(imageSize(btoa(String.fromCharCode(...png))), { width: 640, height: 480 });
  new DataView(png.buffer).setUint32(16, 0);
  assert.equal(imageSize(btoa(String.fromCharCode(...png))), undefined);
  const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 10, 0, 20, 0]);
  assert.deepEqual(imageSize(btoa(String.fromCharCode(...gif))), { width: 10, height: 20 });
});
