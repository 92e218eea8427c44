/**
 * What the JSON Schemas of one request may cost when cleaned for Gemini: nodes to clean and
 * bytes to write once their `$ref`s are inlined.
 */
import { invalidRequest } from "../errors.ts";
import type { JsonObject } from "../json/fields.ts";

/** Nodes cleaned per request: each costs time, so hostile schemas stop here. */
const MAX_NODES = 50_000;
/**
 * Bytes the cleaned schemas of one request may take when written: an expansion shared by
 * reference is written out in full at each place, so a `$defs` chain that doubles at each level
 * would write gigabytes from a few kilobytes.
 */
const MAX_BYTES = 8 * 1024 * 1024;

/**
 * What the schemas of one request may still cost: nodes to clean and bytes to write. One budget
 * is shared by every tool of a request.
 */
export class SchemaBudget {
  nodes = MAX_NODES;
  bytes = MAX_BYTES;

  /** Takes one node; a 400 once the request has used them all. */
  node(): void {
    if (--this.nodes < 0) {
      throw invalidRequest(`The tools' input schemas expand to more than ${MAX_NODES} nodes`);
    }
  }

  /** Takes the written size of a cleaned schema; a 400 once the request is over its bytes. */
  write(schema: JsonObject): void {
    this.bytes -= writtenSize(schema);
    if (this.bytes < 0) {
      throw invalidRequest(
        `The tools' input schemas expand to more than ${MAX_BYTES} bytes once references are inlined`,
      );
    }
  }
}

/** Written sizes of cleaned schemas, so a schema shared between requests is measured once. */
const SIZES = new WeakMap<object, number>();

/**
 * The length of `value` written as JSON, counting a shared part at each place it appears but
 * measuring it once.
 */
function writtenSize(value: unknown): number {
  if (typeof value === "string") return JSON.stringify(value).length;
  if (typeof value !== "object" || value === null) return String(value).length;
  const known = SIZES.get(value);
  if (known !== undefined) return known;
  let size = 2;
  if (Array.isArray(value)) {
    for (const item of value) size += writtenSize(item) + 1;
  } else {
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) size += JSON.stringify(key).length + 1 + writtenSize(item) + 1;
    }
  }
  SIZES.set(value, size);
  return size;
}
