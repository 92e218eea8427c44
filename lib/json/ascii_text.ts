/**
 * JSON request bytes read as ASCII text, the way V8 parses fastest.
 *
 * V8 keeps a string in one byte per character unless one character needs two, and then the
 * whole string takes two. A Claude Code request has about 190 such characters (arrows, ticks,
 * box drawing) in 116 KB, so decoding it gives a two-byte string: JSON.parse reads it 40% slower.
 * So every non-ASCII UTF-8 sequence is rewritten as its `\uXXXX` escape before decoding. Outside
 * strings such bytes are a JSON syntax error either way, and inside strings the escape is the
 * same character, so `JSON.parse` gives the same value from a one-byte text. The bytes are
 * validated as UTF-8 on the way (what a fatal TextDecoder would refuse is refused).
 */

/** The body is not UTF-8. */
export class NotUtf8Error extends Error {}

const HEX = "0123456789abcdef";
const DECODER = new TextDecoder();
/** Buffers reused across calls hold at most this many bytes; larger bodies get their own. */
const SCRATCH_LIMIT = 3 << 20;
let escapeScratch = new Uint8Array(0);

/** Decodes JSON bytes to text in which every non-ASCII character is a `\uXXXX` escape. */
export function asciiJsonText(bytes: Uint8Array): string {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3; // BOM
  const scan = highBytes(bytes);
  let i = scan(start);
  if (i < 0) return DECODER.decode(start === 0 ? bytes : bytes.subarray(start));

  // Pass 1 reads the sequences (few in practice); pass 2 copies the runs between them.
  const starts: number[] = [];
  const widths: number[] = [];
  const points: number[] = [];
  let size = bytes.length - start;
  while (i >= 0) {
    const width = sequenceWidth(bytes, i);
    if (width === 0) throw new NotUtf8Error("The request body is not valid UTF-8");
    // `\é` is an invalid escape; as `\\u00e9` it would read as a valid one. Such a body is not
    // JSON anyway: decoded as it is, it fails to parse as it should.
    if (escapedByBackslash(bytes, i)) return strictDecode(bytes);
    const point = codePoint(bytes, i, width);
    starts.push(i);
    widths.push(width);
    points.push(point);
    size += (point >= 0x10000 ? 12 : 6) - width;
    i = scan(i + width);
  }
  // Decoded before anything else runs, so one buffer serves every request of a usual size.
  if (size > escapeScratch.length && size <= SCRATCH_LIMIT) escapeScratch = new Uint8Array(size);
  const out = size <= escapeScratch.length ? escapeScratch.subarray(0, size) : new Uint8Array(size);
  let from = start;
  let at = 0;
  for (let k = 0; k < starts.length; k++) {
    out.set(bytes.subarray(from, starts[k]), at);
    at += starts[k] - from;
    const point = points[k];
    if (point >= 0x10000) {
      at = writeEscape(out, at, 0xd800 + ((point - 0x10000) >> 10));
      at = writeEscape(out, at, 0xdc00 + ((point - 0x10000) & 0x3ff));
    } else {
      at = writeEscape(out, at, point);
    }
    from = starts[k] + widths[k];
  }
  out.set(bytes.subarray(from), at);
  return DECODER.decode(out);
}

/** Whether an odd number of backslashes comes right before index `i`. */
function escapedByBackslash(bytes: Uint8Array, i: number): boolean {
  let count = 0;
  while (i - count - 1 >= 0 && bytes[i - count - 1] === 0x5c) count++;
  return count % 2 === 1;
}

function strictDecode(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new NotUtf8Error("The request body is not valid UTF-8");
  }
}

/**
 * The length of the well-formed UTF-8 sequence at `i`, or 0 (what the WHATWG decoder's fatal
 * mode refuses: stray continuation bytes, overlong forms, surrogates, beyond U+10FFFF, cut short).
 */
function sequenceWidth(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  const c1 = bytes[i + 1];
  const cont = (x: number | undefined) => x !== undefined && (x & 0xc0) === 0x80;
  if (b >= 0xc2 && b <= 0xdf) return cont(c1) ? 2 : 0;
  if (b >= 0xe0 && b <= 0xef) {
    if (!cont(c1) || !cont(bytes[i + 2])) return 0;
    if (b === 0xe0 && c1 < 0xa0) return 0;
    if (b === 0xed && c1 >= 0xa0) return 0;
    return 3;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    if (!cont(c1) || !cont(bytes[i + 2]) || !cont(bytes[i + 3])) return 0;
    if (b === 0xf0 && c1 < 0x90) return 0;
    if (b === 0xf4 && c1 >= 0x90) return 0;
    return 4;
  }
  return 0;
}

function codePoint(bytes: Uint8Array, i: number, width: number): number {
  const b = bytes[i];
  if (width === 2) return ((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
  if (width === 3) return ((b & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
  return ((b & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) |
    (bytes[i + 3] & 0x3f);
}

function writeEscape(out: Uint8Array, at: number, unit: number): number {
  out[at] = 0x5c; // \
  out[at + 1] = 0x75; // u
  out[at + 2] = HEX.charCodeAt(unit >> 12);
  out[at + 3] = HEX.charCodeAt((unit >> 8) & 15);
  out[at + 4] = HEX.charCodeAt((unit >> 4) & 15);
  out[at + 5] = HEX.charCodeAt(unit & 15);
  return at + 6;
}

/** A finder of the next byte >= 0x80 from an index, reading four bytes at a time. */
function highBytes(bytes: Uint8Array): (from: number) => number {
  const aligned = (4 - (bytes.byteOffset & 3)) & 3;
  const head = Math.min(bytes.length, aligned);
  const words = bytes.length - aligned >= 4
    ? new Uint32Array(bytes.buffer, bytes.byteOffset + aligned, (bytes.length - aligned) >> 2)
    : new Uint32Array(0);
  const tail = head + words.length * 4;
  return (from) => {
    let i = from;
    // One byte at a time before the first whole word, up to a word boundary, and in the tail.
    while (i < bytes.length && (i < head || i >= tail || ((i - head) & 3) !== 0)) {
      if (bytes[i] >= 0x80) return i;
      i++;
    }
    if (i >= bytes.length) return -1;
    let w = (i - head) >> 2;
    while (w < words.length && (words[w] & 0x80808080) === 0) w++;
    for (i = head + w * 4; i < bytes.length; i++) if (bytes[i] >= 0x80) return i;
    return -1;
  };
}
