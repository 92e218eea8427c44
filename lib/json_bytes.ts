/**
 * JSON bodies as bytes, read and written the way V8 handles fastest.
 *
 * V8 keeps a string in one byte per character unless one character needs two, and then the
 * whole string takes two. A Claude Code request has about 190 such characters (arrows, ticks,
 * box drawing) in 116 KB, so decoding it gives a two-byte string: JSON.parse reads it 40% slower,
 * and turning a two-byte string back into UTF-8 costs ~1 ns per character where a one-byte one
 * is a copy.
 *
 * - Reading: every non-ASCII UTF-8 sequence is rewritten as its `\uXXXX` escape before decoding.
 *   Outside strings such bytes are a JSON syntax error either way, and inside strings the escape
 *   is the same character, so `JSON.parse` gives the same value from a one-byte text. The bytes
 *   are validated as UTF-8 on the way (what a fatal TextDecoder would refuse is refused).
 * - Writing: the body is serialised in parts (each top-level member, and each element of a
 *   top-level array, such as one message or one tool), joined into runs of about 8 K characters,
 *   and each run is UTF-8 encoded into one buffer: only the runs that hold a two-byte character
 *   pay for it. A value shared between requests (a remembered tools list, lib/shared_json.ts) is
 *   copied from its cached UTF-8.
 *
 * The bytes written are exactly `new TextEncoder().encode(JSON.stringify(body))` for JSON data (a
 * `toJSON` method, which parsed bodies never have, is called without its key).
 */

import { isShared, sharedBytes, sharingActive } from "./shared_json.ts";

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

const ENCODER = new TextEncoder();
/** Reused for bodies up to 1 MiB of text (3 MiB encoded at most). */
let scratch = new Uint8Array(1 << 16);

/** `JSON.stringify(body)` as UTF-8 bytes, encoded part by part (see the module comment). */
export function jsonBytes(body: Record<string, unknown>): Uint8Array {
  const out = new Parts();
  const sharing = sharingActive();
  let sep = "{";
  for (const key in body) {
    if (!Object.hasOwn(body, key)) continue;
    const value = body[key];
    // Shared values are tools (lib/shared_json.ts): only there are they looked for.
    const depth = sharing && key === "tools" ? SHARED_DEPTH : 0;
    if (Array.isArray(value) && value.length > 1 && !isShared(value)) {
      out.text(`${sep}${JSON.stringify(key)}:[`);
      for (let i = 0; i < value.length; i++) {
        if (!writeValue(out, value[i], depth, i > 0 ? "," : "")) out.text(i > 0 ? ",null" : "null");
      }
      out.text("]");
      sep = ",";
    } else if (writeValue(out, value, depth, `${sep}${JSON.stringify(key)}:`)) {
      sep = ",";
    }
  }
  out.text(sep === "{" ? "{}" : "}");
  out.flush();
  let bound = 0;
  for (const part of out.list) bound += typeof part === "string" ? part.length * 3 : part.length;
  let buffer = scratch;
  if (bound > buffer.length) {
    buffer = new Uint8Array(bound);
    if (bound <= SCRATCH_LIMIT) scratch = buffer;
  }
  let at = 0;
  for (const part of out.list) {
    if (typeof part === "string") at += ENCODER.encodeInto(part, buffer.subarray(at)).written;
    else {
      buffer.set(part, at);
      at += part.length;
    }
  }
  // A copy, valid however long the caller keeps it. fetch copies a byte body again when called
  // (the Fetch standard's "extract a body"), so a view of the scratch would do while every caller
  // sends the bytes before its next await, and would send another request's bytes the day one
  // does not; the extra copy costs ~10 µs per 100 KB.
  return buffer.slice(0, at);
}

/**
 * The output as text runs and cached UTF-8. Text is joined into runs of about RUN characters:
 * each run costs one encode call, and a run holding a two-byte character (which makes the whole
 * run two-byte, slower to encode) stays short.
 */
class Parts {
  list: Array<string | Uint8Array> = [];
  #run = "";

  text(piece: string): void {
    this.#run += piece;
    if (this.#run.length >= RUN) this.flush();
  }

  bytes(bytes: Uint8Array): void {
    this.flush();
    this.list.push(bytes);
  }

  flush(): void {
    if (this.#run === "") return;
    this.list.push(this.#run);
    this.#run = "";
  }
}

const RUN = 8 * 1024;

/** How deep below a member or an array element a shared value is looked for. */
const SHARED_DEPTH = 4;

/**
 * Writes `prefix` and the JSON of `value`; false, writing nothing, when JSON.stringify would
 * leave the value out (undefined, a function). A shared value is written from its cached UTF-8,
 * a plain object or array holding one within `depth` levels member by member around it, and
 * anything else as JSON.stringify's text.
 */
function writeValue(out: Parts, value: unknown, depth: number, prefix: string): boolean {
  if (isShared(value)) {
    out.text(prefix);
    out.bytes(sharedBytes(value as object));
    return true;
  }
  if (depth > 0 && isPlain(value) && holdsShared(value, depth)) {
    if (Array.isArray(value)) {
      out.text(prefix + "[");
      for (let i = 0; i < value.length; i++) {
        if (!writeValue(out, value[i], depth - 1, i > 0 ? "," : "")) {
          out.text(i > 0 ? ",null" : "null");
        }
      }
      out.text("]");
      return true;
    }
    out.text(prefix + "{");
    let sep = "";
    for (const key of Object.keys(value)) {
      const member = (value as Record<string, unknown>)[key];
      if (writeValue(out, member, depth - 1, `${sep}${JSON.stringify(key)}:`)) sep = ",";
    }
    out.text("}");
    return true;
  }
  const text = JSON.stringify(value);
  if (text === undefined) return false;
  out.text(prefix + text);
  return true;
}

/** An array, or an object JSON.stringify writes member by member (no toJSON, plain prototype). */
function isPlain(value: unknown): value is object {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

function holdsShared(value: object, depth: number): boolean {
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    if (typeof child !== "object" || child === null) continue;
    if (isShared(child)) return true;
    if (depth > 1 && holdsShared(child, depth - 1)) return true;
  }
  return false;
}
