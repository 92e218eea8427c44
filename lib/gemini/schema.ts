/**
 * Rewrites a JSON Schema (as Claude Code, MCP servers and OpenAI clients write them) into the
 * OpenAPI subset Gemini accepts in `functionDeclarations[].parameters`. Gemini rejects the
 * whole request over one unknown keyword, so this keeps only what it knows: references are
 * inlined, type arrays become `nullable`/`anyOf`, `const` becomes a one-value `enum`, exclusive
 * bounds become inclusive ones. The input is never mutated.
 */
import { isObject, type JsonObject } from "../json/fields.ts";
import { SchemaBudget } from "./schema_budget.ts";

interface CleanContext {
  root: JsonObject;
  /** The `$ref`s being expanded right now, to cut cycles. */
  expanding: string[];
  depth: number;
  budget: SchemaBudget;
  /**
   * Expansions of a bare `$ref` already made in this schema, by reference, depth and the refs
   * being expanded around it: each copy of a shared `$defs` entry is the same object, cleaned
   * (and described) once, however many times the schema refers to it.
   */
  expanded: Map<string, JsonObject>;
}

const MAX_DEPTH = 64;

/** Formats Gemini knows, by type; any other `format` is dropped. */
const KNOWN_FORMATS: Record<string, readonly string[]> = {
  string: ["enum", "date-time"],
  number: ["float", "double"],
  integer: ["int32", "int64"],
};

/** Keywords that only make sense for one type, for splitting type arrays into `anyOf`. */
const TYPE_KEYWORDS: Record<string, readonly string[]> = {
  string: ["enum", "format", "pattern", "minLength", "maxLength"],
  number: ["minimum", "maximum", "format"],
  integer: ["minimum", "maximum", "format"],
  array: ["items", "minItems", "maxItems"],
  object: ["properties", "required", "minProperties", "maxProperties"],
  boolean: [],
};

/**
 * A copy of `schema` in the subset of JSON Schema that Gemini's `parameters` accepts, cleaned
 * within the request's node budget (a 400 beyond it); its written size is the caller's to
 * charge (`SchemaBudget.write`). Parts of the copy may be shared objects: treat it as read-only.
 */
export function cleanSchema(schema: unknown, budget = new SchemaBudget()): JsonObject {
  const root = isObject(schema) ? schema : {};
  return cleanNode(root, { root, expanding: [], depth: 0, budget, expanded: new Map() });
}

function cleanNode(node: unknown, ctx: CleanContext): JsonObject {
  if (!isObject(node) || ctx.depth > MAX_DEPTH) return {};
  ctx.budget.node();
  if (typeof node.$ref === "string") return cleanRef(node, node.$ref, ctx);
  const inner = { ...ctx, depth: ctx.depth + 1 };
  const out: JsonObject = {};
  copyAnnotations(node, out);
  const types = typeList(node.type);
  if (types.includes("null") || node.nullable === true) out.nullable = true;
  const nonNull = types.filter((t) => t !== "null");
  const body = cleanKeywords(node, nonNull.length === 1 ? nonNull[0] : undefined, inner, out);
  const branches = node.anyOf ?? node.oneOf;
  if (Array.isArray(branches)) {
    if (nonNull.length === 1) out.type = nonNull[0];
    mergeAnyOf(out, body, branches.map((b) => cleanNode(b, inner)));
  } else if (nonNull.length > 1) {
    out.anyOf = nonNull.map((t) => pickForType(t, body));
  } else {
    if (nonNull.length === 1) out.type = nonNull[0];
    Object.assign(out, body);
  }
  if (Array.isArray(node.allOf)) {
    for (const branch of node.allOf) mergeAllOf(out, cleanNode(branch, inner));
  }
  if (out.enum !== undefined && out.type === undefined && out.anyOf === undefined) {
    out.type = "string";
  }
  // Gemini: "properties: only allowed for OBJECT type"; a typeless node with properties is one.
  if (out.properties !== undefined && out.type === undefined && out.anyOf === undefined) {
    out.type = "object";
  } else if (out.type !== undefined && out.type !== "object") {
    delete out.properties;
    delete out.required;
  }
  return out;
}

function cleanRef(node: JsonObject, ref: string, ctx: CleanContext): JsonObject {
  const { $ref: _, ...siblings } = node;
  const target = resolvePointer(ctx.root, ref);
  if (target === undefined) return cleanNode(siblings, ctx);
  if (ctx.expanding.includes(ref)) {
    // A recursive type: stop here with a bare object rather than loop forever.
    const out: JsonObject = { type: "object" };
    copyAnnotations(isObject(target) ? { ...target, ...siblings } : siblings, out);
    return out;
  }
  const bare = Object.keys(siblings).length === 0;
  const key = bare ? `${ref}\n${ctx.depth}\n${ctx.expanding.join("\n")}` : "";
  const done = bare ? ctx.expanded.get(key) : undefined;
  if (done) return done;
  const merged = isObject(target) ? { ...target, ...siblings } : siblings;
  const out = cleanNode(merged, { ...ctx, expanding: [...ctx.expanding, ref] });
  if (bare) ctx.expanded.set(key, out);
  return out;
}

/** Resolves a local JSON pointer such as `#/$defs/Item` or `#/definitions/Item`. */
function resolvePointer(root: JsonObject, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(1).split("/").slice(1)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function copyAnnotations(node: JsonObject, out: JsonObject): void {
  if (typeof node.title === "string") out.title = node.title;
  if (typeof node.description === "string") out.description = node.description;
}

function typeList(type: unknown): string[] {
  if (typeof type === "string") return [type.toLowerCase()];
  if (Array.isArray(type)) {
    return type.filter((t): t is string => typeof t === "string").map((t) => t.toLowerCase());
  }
  return [];
}

/** Every keyword other than type, anyOf and annotations, cleaned. */
function cleanKeywords(
  node: JsonObject,
  type: string | undefined,
  ctx: CleanContext,
  out: JsonObject,
): JsonObject {
  const body: JsonObject = {};
  cleanEnum(node, body, out);
  if (typeof node.format === "string") {
    const known = type ? KNOWN_FORMATS[type] ?? [] : Object.values(KNOWN_FORMATS).flat();
    if (known.includes(node.format)) body.format = node.format;
  }
  if (typeof node.pattern === "string") body.pattern = node.pattern;
  for (const key of ["minLength", "maxLength", "minItems", "maxItems"]) {
    if (typeof node[key] === "number") body[key] = node[key];
  }
  for (const key of ["minProperties", "maxProperties"]) {
    if (typeof node[key] === "number") body[key] = node[key];
  }
  cleanBounds(node, type, body);
  cleanObject(node, ctx, body);
  cleanItems(node, ctx, body);
  return body;
}

/** `enum` and `const`: Gemini takes string values only; `null` among them means nullable. */
function cleanEnum(node: JsonObject, body: JsonObject, out: JsonObject): void {
  let values: unknown[] | undefined;
  if (Array.isArray(node.enum)) values = node.enum;
  else if ("const" in node) values = [node.const];
  if (values === undefined) return;
  if (values.includes(null)) out.nullable = true;
  const rest = values.filter((v) => v !== null);
  if (rest.length === 0) return;
  if (rest.every((v) => typeof v === "string")) {
    body.enum = rest;
    return;
  }
  const listed = `Allowed values: ${rest.map((v) => JSON.stringify(v)).join(", ")}`;
  out.description = typeof out.description === "string" ? `${out.description}\n${listed}` : listed;
}

/** `minimum`/`maximum`, with exclusive bounds made inclusive (integers: the next integer). */
function cleanBounds(node: JsonObject, type: string | undefined, body: JsonObject): void {
  const step = type === "integer" ? 1 : 0;
  let min = typeof node.minimum === "number" ? node.minimum : undefined;
  let max = typeof node.maximum === "number" ? node.maximum : undefined;
  if (typeof node.exclusiveMinimum === "number") {
    const bound = node.exclusiveMinimum + step;
    min = min === undefined ? bound : Math.max(min, bound);
  }
  if (typeof node.exclusiveMaximum === "number") {
    const bound = node.exclusiveMaximum - step;
    max = max === undefined ? bound : Math.min(max, bound);
  }
  if (min !== undefined) body.minimum = min;
  if (max !== undefined) body.maximum = max;
}

function cleanObject(node: JsonObject, ctx: CleanContext, body: JsonObject): void {
  if (!isObject(node.properties)) return;
  const properties: JsonObject = {};
  for (const [name, schema] of Object.entries(node.properties)) {
    properties[name] = cleanNode(schema, ctx);
  }
  if (Object.keys(properties).length === 0) return;
  body.properties = properties;
  if (Array.isArray(node.required)) {
    const required = node.required.filter(
      (name, i, all): name is string =>
        typeof name === "string" && name in properties && all.indexOf(name) === i,
    );
    if (required.length > 0) body.required = required;
  }
}

function cleanItems(node: JsonObject, ctx: CleanContext, body: JsonObject): void {
  const items = node.items ?? node.prefixItems;
  if (isObject(items)) {
    body.items = cleanNode(items, ctx);
  } else if (Array.isArray(items) && items.length > 0) {
    const cleaned = items.map((item) => cleanNode(item, ctx));
    body.items = cleaned.length === 1 ? cleaned[0] : { anyOf: cleaned };
  }
}

/** The part of `body` that applies to `type`, as one `anyOf` branch. */
function pickForType(type: string, body: JsonObject): JsonObject {
  const branch: JsonObject = { type };
  for (const key of TYPE_KEYWORDS[type] ?? []) {
    if (body[key] !== undefined) branch[key] = body[key];
  }
  return branch;
}

function isNullBranch(branch: JsonObject): boolean {
  return branch.type === "null" || (branch.nullable === true && Object.keys(branch).length === 1);
}

/**
 * `anyOf`/`oneOf`: null branches become `nullable`, branches that are all string constants
 * become one `enum`, a single branch is merged in, and the rest stays an `anyOf`.
 */
function mergeAnyOf(out: JsonObject, body: JsonObject, branches: JsonObject[]): void {
  Object.assign(out, body);
  const rest = branches.filter((b) => !isNullBranch(b));
  if (rest.length < branches.length) out.nullable = true;
  // A branch that accepts anything makes the whole union accept anything.
  if (rest.length === 0 || rest.some((b) => Object.keys(b).length === 0)) return;
  if (rest.length > 1 && rest.every(isStringEnum)) {
    out.type = "string";
    out.enum = [...new Set(rest.flatMap((b) => b.enum as string[]))];
    return;
  }
  if (rest.length === 1) {
    for (const [key, value] of Object.entries(rest[0])) {
      if (out[key] === undefined) out[key] = value;
    }
    return;
  }
  out.anyOf = rest;
}

function isStringEnum(branch: JsonObject): boolean {
  const keys = Object.keys(branch).filter((k) => k !== "description" && k !== "title");
  return Array.isArray(branch.enum) && (branch.type === undefined || branch.type === "string") &&
    keys.every((k) => k === "enum" || k === "type");
}

/** `allOf`: properties and required lists are joined; other keywords fill gaps. */
function mergeAllOf(out: JsonObject, branch: JsonObject): void {
  for (const [key, value] of Object.entries(branch)) {
    if (key === "properties" && isObject(out.properties) && isObject(value)) {
      out.properties = { ...out.properties, ...value };
    } else if (key === "required" && Array.isArray(out.required) && Array.isArray(value)) {
      out.required = [...new Set([...out.required, ...value])];
    } else if (out[key] === undefined) {
      out[key] = value;
    }
  }
}
