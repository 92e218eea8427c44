/**
 * Reading fields of a caller's JSON body, shared by every dialect's decoder: each reader returns
 * the field or throws a 400 naming the field's path, so a malformed request is a clear client
 * error and never a crash. `null` counts as absent (SDKs send `null` for unset options).
 */
import { invalidRequest, type ProxyError } from "../errors.ts";

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** How a field is looked up: plainly, or (Gemini) also by its snake_case spelling. */
export type FieldReader = (obj: JsonObject, key: string) => unknown;

const plain: FieldReader = (obj, key) => obj[key];

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` as an object, or a 400 saying `path` must be one. */
export function expectObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw invalidRequest(`${path} must be an object`);
  return value;
}

/** A 400 about `key` of the object at `path` (top level when `path` is ""). */
export function fieldError(path: string, key: string, problem: string): ProxyError {
  return invalidRequest(path ? `${path}: "${key}" ${problem}` : `"${key}" ${problem}`);
}

/** Joins a parent path and a key: `messages[2].content`, `contents[1]`. */
export function joinPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** A required string field. */
export function requiredString(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (value === undefined || value === null) throw fieldError(path, key, "is required");
  if (typeof value !== "string") throw fieldError(path, key, "must be a string");
  return value;
}

/** An optional string field. */
export function optionalString(
  obj: JsonObject,
  key: string,
  path: string,
  read: FieldReader = plain,
): string | undefined {
  const value = read(obj, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw fieldError(path, key, "must be a string");
  return value;
}

/** An optional finite number field. */
export function optionalNumber(
  obj: JsonObject,
  key: string,
  path: string,
  read: FieldReader = plain,
): number | undefined {
  const value = read(obj, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw fieldError(path, key, "must be a number");
  }
  return value;
}

/** An optional boolean field. */
export function optionalBoolean(
  obj: JsonObject,
  key: string,
  path: string,
  read: FieldReader = plain,
): boolean | undefined {
  const value = read(obj, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw fieldError(path, key, "must be a boolean");
  return value;
}

/** An optional array field. */
export function optionalArray(
  obj: JsonObject,
  key: string,
  path: string,
  read: FieldReader = plain,
): unknown[] | undefined {
  const value = read(obj, key);
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw fieldError(path, key, "must be an array");
  return value;
}

/** An optional object field. */
export function optionalObject(
  obj: JsonObject,
  key: string,
  path: string,
  read: FieldReader = plain,
): JsonObject | undefined {
  const value = read(obj, key);
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw fieldError(path, key, "must be an object");
  return value;
}
