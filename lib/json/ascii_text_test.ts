import assert from "node:assert/strict";
import { asciiJsonText, NotUtf8Error } from "./ascii_text.ts";

const FIXTURE_TEXT = Deno.readTextFileSync(
  new URL("../../tests/fixtures/requests/claude_code_request.json", import.meta.url),
);
const utf8 = (text: string) => new TextEncoder().encode(text);

Deno.test("asciiJsonText() parses to the same value as the UTF-8 text, from ASCII only", () => {
  const text = asciiJsonText(utf8(FIXTURE_TEXT));
  assert.doesNotMatch(text, /[^\p{ASCII}]/u);
  assert.deepEqual(JSON.parse(text), JSON.parse(FIXTURE_TEXT));
  assert.equal(asciiJsonText(utf8('{"a":"é€😀"}')), '{"a":"\\u00e9\\u20ac\\ud83d\\ude00"}');
  // A byte-order mark is dropped, as TextDecoder drops it.
  assert.deepEqual(JSON.parse(asciiJsonText(utf8('\ufeff{"a":1}'))), { a: 1 });
  // Outside a string a non-ASCII character stays a syntax error, and so does one escaped by a
  // backslash (an invalid escape), while an escaped backslash before one is kept.
  assert.throws(() => JSON.parse(asciiJsonText(utf8('{"a":1}\u00a0'))), SyntaxError);
  for (const bad of ['{"a":"\\é"}', '{"a":"\\\\\\😀"}']) {
    assert.throws(() => JSON.parse(asciiJsonText(utf8(bad))), SyntaxError, bad);
  }
  assert.deepEqual(JSON.parse(asciiJsonText(utf8('{"a":"\\\\é"}'))), { a: "\\é" });
});

Deno.test("asciiJsonText() refuses exactly what a fatal TextDecoder refuses", () => {
  const fatal = new TextDecoder("utf-8", { fatal: true });
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const safe = "abc xyz{}[]:,0123456789";
  for (let round = 0; round < 3000; round++) {
    const bytes: number[] = [];
    const length = Math.floor(random() * 24);
    for (let i = 0; i < length; i++) {
      const pick = random();
      if (pick < 0.4) bytes.push(safe.charCodeAt(Math.floor(random() * safe.length)));
      else if (pick < 0.8) {
        const ranges = [[0x80, 0x7ff], [0x800, 0xffff], [0x10000, 0x10ffff]];
        const [lo, hi] = ranges[Math.floor(random() * ranges.length)];
        const point = lo + Math.floor(random() * (hi - lo + 1));
        if (point >= 0xd800 && point <= 0xdfff) continue;
        bytes.push(...utf8(String.fromCodePoint(point)));
      } else bytes.push(0x80 + Math.floor(random() * 0x80)); // often ill-formed
    }
    // Shifted by 0–3 bytes so every alignment of the four-byte scan is exercised.
    const shift = round % 4;
    const buffer = new Uint8Array(bytes.length + shift);
    buffer.set(bytes, shift);
    const input = buffer.subarray(shift);
    let expected: string | undefined;
    try {
      expected = fatal.decode(input);
    } catch {
      expected = undefined;
    }
    if (expected === undefined) {
      assert.throws(() => asciiJsonText(input), NotUtf8Error, `bytes ${bytes}`);
    } else {
      const text = asciiJsonText(input);
      assert.doesNotMatch(text, /[^\p{ASCII}]/u);
      assert.equal(JSON.parse(`"${text}"`), expected, `bytes ${bytes}`);
    }
  }
});
