/**
 * A JSON body written as UTF-8 bytes, the way V8 encodes fastest.
 *
 * Turning a two-byte string (one that holds a character beyond Latin-1) into UTF-8 costs ~1 ns
 * per character where a one-byte string is a copy. So the body is serialised in parts (each
 * top-level member, and each element of a top-level array, such as one message or one tool),
 * joined into runs of about 8 K characters, and each run is UTF-8 encoded into one buffer: only
 * the runs that hold a two-byte character pay for it. A value shared between requests (a tool of
 * a remembered list, lib/json/remembered_tools.ts) is copied from its cached UTF-8.
 *
 * The bytes written are exactly `new TextEncoder().encode(JSON.stringify(body))` for JSON data (a
 * `toJSON` method, which parsed bodies never have, is called without its key).
 */
import { isShared, sharedBytes, sharingActive } from "./remembered_tools.ts";

/** Buffers reused across calls hold at most this many bytes; larger bodies get their own. */
const SCRATCH_LIMIT = 3 << 20;
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
    const depth = sharing && leadsToShared(value, SHARED_DEPTH) ? SHARED_DEPTH : 0;
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
 * Whether the first element of a list, or the first object member of an object, leads to a
 * shared value within `depth` levels: where encoders put the tools of a remembered list (a
 * `tools` array, or Gemini's `tools[0].functionDeclarations`). Only those members are written
 * part by part; a shared value elsewhere is written as JSON.stringify writes it (the same bytes,
 * only slower). Costs a few steps per member, allocating nothing.
 */
function leadsToShared(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (isShared(value)) return true;
  if (depth === 0) return false;
  if (Array.isArray(value)) return value.length > 0 && leadsToShared(value[0], depth - 1);
  for (const key in value) {
    const member = (value as Record<string, unknown>)[key];
    if (typeof member === "object" && member !== null) return leadsToShared(member, depth - 1);
  }
  return false;
}

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
