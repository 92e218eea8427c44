/**
 * The structural check every generate body gets, pass-through included, as each dialect's
 * `checkShape` writes it with these helpers: the types of the fields the dialect defines at the
 * top level and of each message's envelope. Pass-through bodies do not go through the decoders
 * (so block types the proxy does not know still reach an upstream of the same dialect), but a
 * wrong type in a known field is still the proxy's own 400, named by its path, rather than
 * whatever the upstream makes of it. As lenient as the decoders: `content: null` beside tool
 * calls, string or part-list contents.
 */
import { invalidRequest } from "../errors.ts";

/** The JSON types a field may have; `a|b` for either. */
export type Kind =
  | "string"
  | "number"
  | "boolean"
  | "object"
  | "array"
  | "string|array"
  | "string|object";

/** `value`, or a 400 naming `at` when its JSON type is not `kind`. */
export function expectKind(value: unknown, kind: Kind, at: string): unknown {
  const type = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  if (!kind.split("|").includes(type)) {
    throw invalidRequest(`${at}: must be ${kind.replace("|", " or ")}, not ${type}`);
  }
  return value;
}

/**
 * The list the conversation is in (`messages`, `contents`), required, and the body's `stream`
 * and known top-level fields checked, in that order.
 */
export function checkTopLevel(
  json: Record<string, unknown>,
  list: string,
  fields: Readonly<Record<string, Kind>>,
): unknown[] {
  const items = json[list];
  if (items === undefined) throw invalidRequest(`"${list}" is required`);
  if (!Array.isArray(items)) throw invalidRequest(`"${list}" must be an array`);
  if (json.stream !== undefined && typeof json.stream !== "boolean") {
    throw invalidRequest('"stream" must be a boolean');
  }
  for (const field in fields) {
    const value = json[field];
    if (value !== undefined && value !== null) expectKind(value, fields[field], field);
  }
  return items;
}

/** A 400 when an output cap is set but is not a positive number; `name` is how it is called. */
export function checkOutputCap(value: unknown, name: string): void {
  if (value === undefined || value === null) return;
  if (typeof value !== "number" || !(value >= 1)) {
    throw invalidRequest(`"${name}" must be a positive number`);
  }
}

/**
 * Chat messages (`{role, content}`): a string role, and a content that is a string or a list of
 * typed blocks; `contentRequired` when the dialect has no message without one.
 */
export function checkMessages(items: unknown[], list: string, contentRequired: boolean): void {
  for (let i = 0; i < items.length; i++) {
    const at = `${list}[${i}]`;
    const m = expectKind(items[i], "object", at) as Record<string, unknown>;
    expectKind(m.role, "string", `${at}.role`);
    const content = m.content;
    if (content === undefined || content === null) {
      if (contentRequired) throw invalidRequest(`${at}.content is required`);
      continue;
    }
    expectKind(content, "string|array", `${at}.content`);
    if (!Array.isArray(content)) continue;
    for (let j = 0; j < content.length; j++) {
      const block = expectKind(content[j], "object", `${at}.content[${j}]`) as Record<
        string,
        unknown
      >;
      expectKind(block.type, "string", `${at}.content[${j}].type`);
    }
  }
}
