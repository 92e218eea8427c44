/**
 * Reading a caller's JSON: Gemini's REST API takes every field in camelCase or snake_case
 * (`systemInstruction` or `system_instruction`), and a wrong type in a known field is a 400
 * naming the field.
 */
import {
  fieldError,
  type JsonObject,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
} from "../json/fields.ts";

/** The value of `key` (camelCase), falling back to its snake_case spelling. */
export function field(obj: JsonObject, key: string): unknown {
  const value = obj[key];
  if (value !== undefined) return value;
  return obj[snakeCase(key)];
}

/** Snake-case spellings of the keys asked for: each part asks for several absent ones. */
const SNAKE = new Map<string, string>();

function snakeCase(key: string): string {
  let snake = SNAKE.get(key);
  if (snake === undefined) {
    snake = key.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
    if (SNAKE.size < 1000) SNAKE.set(key, snake);
  }
  return snake;
}

/** A string field or undefined (null counts as absent). */
export function optString(obj: JsonObject, key: string, path: string): string | undefined {
  return optionalString(obj, key, path, field);
}

/** A finite number field or undefined. */
export function optNumber(obj: JsonObject, key: string, path: string): number | undefined {
  return optionalNumber(obj, key, path, field);
}

/** A boolean field or undefined. */
export function optBoolean(obj: JsonObject, key: string, path: string): boolean | undefined {
  return optionalBoolean(obj, key, path, field);
}

/** An object field or undefined. */
export function optObject(obj: JsonObject, key: string, path: string): JsonObject | undefined {
  return optionalObject(obj, key, path, field);
}

/** An array field or undefined. */
export function optArray(obj: JsonObject, key: string, path: string): unknown[] | undefined {
  return optionalArray(obj, key, path, field);
}

/** An array of strings or undefined. */
export function optStringArray(
  obj: JsonObject,
  key: string,
  path: string,
): string[] | undefined {
  const value = optArray(obj, key, path);
  if (value === undefined) return undefined;
  if (!value.every((v) => typeof v === "string")) {
    throw fieldError(path, key, "must be an array of strings");
  }
  return value as string[];
}
