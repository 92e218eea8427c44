/**
 * Small checks for reading a caller's JSON body: each returns the field or throws a 400 that
 * names the field's path, so a malformed request is a clear client error and never a crash.
 */
import { invalidRequest } from "../errors.ts";

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` as an object, or a 400 saying `path` must be one. */
export function expectObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw invalidRequest(`${path} must be an object`);
  return value;
}

function fieldError(path: string, key: string, what: string): Error {
  return invalidRequest(path ? `${path}: "${key}" ${what}` : `"${key}" ${what}`);
}

/** A required string field. */
export function requiredString(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (value === undefined || value === null) throw fieldError(path, key, "is required");
  if (typeof value !== "string") throw fieldError(path, key, "must be a string");
  return value;
}

/** An optional string field; `null` counts as absent. */
export function optionalString(obj: JsonObject, key: string, path: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw fieldError(path, key, "must be a string");
  return value;
}

/** An optional finite number field; `null` counts as absent. */
export function optionalNumber(obj: JsonObject, key: string, path: string): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw fieldError(path, key, "must be a number");
  }
  return value;
}

/** An optional boolean field; `null` counts as absent. */
export function optionalBoolean(obj: JsonObject, key: string, path: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw fieldError(path, key, "must be a boolean");
  return value;
}

/** An optional array field; `null` counts as absent. */
export function optionalArray(obj: JsonObject, key: string, path: string): unknown[] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw fieldError(path, key, "must be an array");
  return value;
}

/** An optional object field; `null` counts as absent. */
export function optionalObject(
  obj: JsonObject,
  key: string,
  path: string,
): JsonObject | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw fieldError(path, key, "must be an object");
  return value;
}

/** Joins a parent path and a key: `join("messages[2]", "content")` is `messages[2].content`. */
export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
