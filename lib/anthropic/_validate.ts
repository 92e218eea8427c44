/** The shared field readers (lib/json_fields.ts), under the names this folder uses. */
export {
  expectObject,
  isObject,
  joinPath as join,
  type JsonObject,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  requiredString,
} from "../json/fields.ts";
