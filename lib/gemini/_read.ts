/**
 * Reading a caller's JSON: Gemini's REST API takes every field in camelCase or snake_case
 * (`systemInstruction` or `system_instruction`), and a wrong type in a known field is a 400
 * naming the field.
 */
import { invalidRequest } from "../errors.ts";

export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value of `key` (camelCase), falling back to its snake_case spelling. */
export function field(obj: JsonObject, key: string): unknown {
  const value = obj[key];
  if (value !== undefined) return value;
  return obj[key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase())];
}

function fail(path: string, key: string, what: string): never {
  throw invalidRequest(`${path ? path + ": " : ""}"${key}" must be ${what}`);
}

/** A string field or undefined (null counts as absent). */
export function optString(obj: JsonObject, key: string, path: string): string | undefined {
  const value = field(obj, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") fail(path, key, "a string");
  return value;
}

/** A finite number field or undefined. */
export function optNumber(obj: JsonObject, key: string, path: string): number | undefined {
  const value = field(obj, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) fail(path, key, "a number");
  return value;
}

/** A boolean field or undefined. */
export function optBoolean(obj: JsonObject, key: string, path: string): boolean | undefined {
  const value = field(obj, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") fail(path, key, "a boolean");
  return value;
}

/** An object field or undefined. */
export function optObject(obj: JsonObject, key: string, path: string): JsonObject | undefined {
  const value = field(obj, key);
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) fail(path, key, "an object");
  return value;
}

/** An array field or undefined. */
export function optArray(obj: JsonObject, key: string, path: string): unknown[] | undefined {
  const value = field(obj, key);
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) fail(path, key, "an array");
  return value;
}

/** An array of strings or undefined. */
export function optStringArray(
  obj: JsonObject,
  key: string,
  path: string,
): string[] | undefined {
  const value = optArray(obj, key, path);
  if (value === undefined) return undefined;
  if (!value.every((v) => typeof v === "string")) fail(path, key, "an array of strings");
  return value as string[];
}

/** Joins a path and a key: `join("contents[1]", "parts")` is `contents[1].parts`. */
export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
