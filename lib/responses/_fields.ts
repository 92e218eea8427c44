/** The shared field readers (lib/json_fields.ts), under the names this folder uses. */
export {
  expectObject,
  fieldError,
  isObject,
  joinPath as at,
  type JsonObject,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  requiredString as requireString,
} from "../json/fields.ts";
