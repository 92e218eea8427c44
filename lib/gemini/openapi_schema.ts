/**
 * Gemini callers may write schemas in Gemini's OpenAPI style (`"type": "OBJECT"`, as the
 * @google/genai `Type` enum and Gemini CLI's routing request do). Other upstreams want JSON
 * Schema, whose type names are lower-case; everything else is kept as written.
 */
import { isObject, type JsonObject } from "../json/fields.ts";

const SCHEMA_MAPS = ["properties", "$defs", "definitions", "patternProperties"];
const SCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"];
const SCHEMA_VALUES = ["items", "additionalProperties", "not", "propertyNames"];

/** A copy of `schema` with every `type` name lower-cased, at every depth. */
export function toJsonSchema(schema: JsonObject): JsonObject {
  const out: JsonObject = { ...schema };
  if (typeof schema.type === "string") out.type = schema.type.toLowerCase();
  else if (Array.isArray(schema.type)) {
    out.type = schema.type.map((t) => typeof t === "string" ? t.toLowerCase() : t);
  }
  for (const key of SCHEMA_MAPS) {
    const map = schema[key];
    if (!isObject(map)) continue;
    out[key] = Object.fromEntries(
      Object.entries(map).map((
        [name, value],
      ) => [name, isObject(value) ? toJsonSchema(value) : value]),
    );
  }
  for (const key of SCHEMA_LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) out[key] = list.map((v) => isObject(v) ? toJsonSchema(v) : v);
  }
  for (const key of SCHEMA_VALUES) {
    const value = schema[key];
    if (isObject(value)) out[key] = toJsonSchema(value);
    else if (Array.isArray(value)) out[key] = value.map((v) => isObject(v) ? toJsonSchema(v) : v);
  }
  return out;
}
