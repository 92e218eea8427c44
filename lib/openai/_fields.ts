/**
 * Reading fields of a caller's JSON body with 400s that name the field. `null` counts as absent
 * throughout: the OpenAI SDK and the AI SDK send `null` for unset options.
 */
import { invalidRequest, type ProxyError } from "../errors.ts";

export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` as an object, or a 400 naming `path`. */
export function expectObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw invalidRequest(`${path} must be an object`);
  return value;
}

/** A required string field. */
export function requireString(obj: JsonObject, key: string, path: string): string {
  const value = obj[key];
  if (typeof value !== "string") throw fieldError(path, key, "must be a string");
  return value;
}

/** An optional string field. */
export function optionalString(obj: JsonObject, key: string, path: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw fieldError(path, key, "must be a string");
  return value;
}

/** An optional finite number field. */
export function optionalNumber(obj: JsonObject, key: string, path: string): number | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw fieldError(path, key, "must be a number");
  }
  return value;
}

/** An optional boolean field. */
export function optionalBoolean(obj: JsonObject, key: string, path: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw fieldError(path, key, "must be a boolean");
  return value;
}

/** Joins a parent path and a key the way messages name fields: `messages[2].content`. */
export function at(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** A 400 about `key` of the object at `path` (top level when `path` is ""). */
export function fieldError(path: string, key: string, problem: string): ProxyError {
  return invalidRequest(path ? `${path}: "${key}" ${problem}` : `"${key}" ${problem}`);
}
