import assert from "node:assert/strict";
import type { JsonObject } from "../json/fields.ts";
import { cleanSchema } from "./schema.ts";
import { SchemaBudget } from "./schema_budget.ts";

Deno.test("cleanSchema() strips Claude Code's $schema, additionalProperties and defaults", () => {
  const input = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      command: { type: "string", description: "The command to run" },
      timeout: {
        type: "number",
        description: "Timeout in ms",
        exclusiveMinimum: 0,
        maximum: 600000,
      },
      run_in_background: { type: "boolean", default: false, examples: [true] },
    },
    required: ["command"],
    additionalProperties: false,
  };
  assert.deepEqual(cleanSchema(input), {
    type: "object",
    properties: {
      command: { type: "string", description: "The command to run" },
      timeout: { type: "number", description: "Timeout in ms", minimum: 0, maximum: 600000 },
      run_in_background: { type: "boolean" },
    },
    required: ["command"],
  });
});

Deno.test("cleanSchema() rewrites refs, consts, type arrays, formats and exclusive bounds", () => {
  const input = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "urn:tool",
    $comment: "generated",
    type: "object",
    $defs: {
      Todo: {
        type: "object",
        properties: {
          content: { type: "string", minLength: 1 },
          status: { type: "string", enum: ["pending", "in_progress", "completed"] },
        },
        required: ["content", "status", "id"],
        additionalProperties: false,
      },
    },
    properties: {
      todos: { type: "array", items: { $ref: "#/$defs/Todo" }, description: "The list" },
      url: { type: "string", format: "uri", description: "A URL" },
      when: { type: "string", format: "date-time" },
      mode: { anyOf: [{ const: "a", description: "A" }, { const: "b" }], description: "Mode" },
      limit: { type: "integer", exclusiveMinimum: 0, maximum: 9007199254740991 },
      note: { type: ["string", "null"], pattern: "^x" },
      value: { type: ["string", "number"], minLength: 2, minimum: 1 },
      headers: {
        type: "object",
        propertyNames: { pattern: "^[a-z]+$" },
        additionalProperties: { type: "string" },
      },
    },
    required: ["todos", "missing"],
  };
  assert.deepEqual(cleanSchema(input), {
    type: "object",
    properties: {
      todos: {
        type: "array",
        description: "The list",
        items: {
          type: "object",
          properties: {
            content: { type: "string", minLength: 1 },
            status: { type: "string", enum: ["pending", "in_progress", "completed"] },
          },
          required: ["content", "status"],
        },
      },
      url: { type: "string", description: "A URL" },
      when: { type: "string", format: "date-time" },
      mode: { description: "Mode", type: "string", enum: ["a", "b"] },
      limit: { type: "integer", minimum: 1, maximum: 9007199254740991 },
      note: { type: "string", nullable: true, pattern: "^x" },
      value: { anyOf: [{ type: "string", minLength: 2 }, { type: "number", minimum: 1 }] },
      headers: { type: "object" },
    },
    required: ["todos"],
  });
});

Deno.test("cleanSchema() does not mutate its input", () => {
  const input = {
    type: "object",
    $defs: { A: { type: "string", const: "x" } },
    properties: {
      a: { $ref: "#/$defs/A", description: "outer" },
      b: { type: ["integer", "null"] },
    },
    additionalProperties: false,
  };
  const before = structuredClone(input);
  cleanSchema(input);
  assert.deepEqual(input, before);
});

Deno.test("cleanSchema() cuts recursive references instead of looping", () => {
  const input = {
    $ref: "#/$defs/Node",
    $defs: {
      Node: {
        type: "object",
        description: "A tree node",
        properties: {
          name: { type: "string" },
          children: { type: "array", items: { $ref: "#/$defs/Node" } },
        },
      },
    },
  };
  assert.deepEqual(cleanSchema(input), {
    type: "object",
    description: "A tree node",
    properties: {
      name: { type: "string" },
      children: { type: "array", items: { type: "object", description: "A tree node" } },
    },
  });
});

Deno.test("cleanSchema() inlines draft-07 definitions and keeps a sibling description", () => {
  const input = {
    type: "object",
    definitions: { Color: { type: "string", enum: ["red", "green"], description: "inner" } },
    properties: { color: { $ref: "#/definitions/Color", description: "outer" } },
  };
  assert.deepEqual(cleanSchema(input), {
    type: "object",
    properties: { color: { type: "string", enum: ["red", "green"], description: "outer" } },
  });
});

Deno.test("cleanSchema() turns nullable unions and null enum members into nullable", () => {
  const input = {
    type: "object",
    properties: {
      a: { anyOf: [{ type: "string", maxLength: 5 }, { type: "null" }] },
      b: { oneOf: [{ type: "null" }, { type: "object", properties: { x: { type: "string" } } }] },
      c: { type: "string", enum: ["on", "off", null] },
    },
  };
  assert.deepEqual(cleanSchema(input), {
    type: "object",
    properties: {
      a: { type: "string", maxLength: 5, nullable: true },
      b: { type: "object", properties: { x: { type: "string" } }, nullable: true },
      c: { type: "string", enum: ["on", "off"], nullable: true },
    },
  });
});

Deno.test("cleanSchema() keeps a real union as anyOf and moves numeric enums to the description", () => {
  const input = {
    type: "object",
    properties: {
      target: {
        anyOf: [
          { type: "string", format: "email" },
          { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
        ],
      },
      level: { type: "integer", enum: [1, 2, 3], description: "Level" },
      flag: { const: true },
    },
  };
  assert.deepEqual(cleanSchema(input), {
    type: "object",
    properties: {
      target: {
        anyOf: [
          { type: "string" },
          { type: "array", items: { type: "string" }, minItems: 1, maxItems: 3 },
        ],
      },
      level: { type: "integer", description: "Level\nAllowed values: 1, 2, 3" },
      flag: { description: "Allowed values: true" },
    },
  });
});

Deno.test("cleanSchema() merges allOf branches and drops keywords Gemini rejects", () => {
  const input = {
    allOf: [
      { type: "object", properties: { a: { type: "string" } }, required: ["a"] },
      { properties: { b: { type: "number", multipleOf: 2 } }, required: ["b"] },
    ],
    unevaluatedProperties: false,
    if: { properties: { a: { const: "x" } } },
    then: { required: ["b"] },
    not: { required: ["c"] },
    patternProperties: { "^x": { type: "string" } },
  };
  assert.deepEqual(cleanSchema(input), {
    type: "object",
    properties: { a: { type: "string" }, b: { type: "number" } },
    required: ["a", "b"],
  });
});

Deno.test("cleanSchema() drops a union that has an anything-goes branch", () => {
  const input = {
    type: "object",
    properties: { p: { type: "string" }, q: { type: "string" } },
    anyOf: [{ required: ["p"] }, { required: ["q"] }],
  };
  assert.deepEqual(cleanSchema(input), {
    type: "object",
    properties: { p: { type: "string" }, q: { type: "string" } },
  });
});

Deno.test("cleanSchema() reads tuple items and unknown references leniently", () => {
  const input = {
    type: "object",
    properties: {
      pair: { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }] },
      remote: { $ref: "https://example.com/schema.json", description: "remote" },
    },
  };
  assert.deepEqual(cleanSchema(input), {
    type: "object",
    properties: {
      pair: { type: "array", items: { anyOf: [{ type: "string" }, { type: "integer" }] } },
      remote: { description: "remote" },
    },
  });
});

/** `$defs` where each entry refers to the one before twice: 2^levels copies of the leaf. */
function doublingChain(levels: number, leaf: unknown): Record<string, unknown> {
  const defs: Record<string, unknown> = { d0: leaf };
  for (let i = 1; i <= levels; i++) {
    defs[`d${i}`] = {
      type: "object",
      properties: { a: { $ref: `#/$defs/d${i - 1}` }, b: { $ref: `#/$defs/d${i - 1}` } },
    };
  }
  return { $defs: defs, $ref: `#/$defs/d${levels}` };
}

Deno.test("cleanSchema() expands each shared $defs entry once; writing it out is charged in full", () => {
  const budget = new SchemaBudget();
  const nodesBefore = budget.nodes;
  const cleaned = cleanSchema(doublingChain(30, { type: "string" }), budget);
  assert.ok(nodesBefore - budget.nodes < 200, "cleaned once per level, not 2^30 times");
  const level = cleaned.properties as Record<string, unknown>;
  assert.equal(level.a, level.b, "both references are the same expansion");
  assert.throws(() => budget.write(cleaned), { status: 400, message: /expand to more than/ });
});

Deno.test("cleanSchema() describes a non-string enum once, however often its definition is used", () => {
  // 13 levels and a 2,000-value numeric enum: 8,192 copies of a 9 KB description once inlined.
  const leaf = { type: "integer", enum: Array.from({ length: 2000 }, (_, i) => i) };
  const budget = new SchemaBudget();
  const cleaned = cleanSchema(doublingChain(13, leaf), budget);
  let node = cleaned;
  for (let i = 0; i < 13; i++) node = (node.properties as Record<string, JsonObject>).a;
  assert.match(String(node.description), /^Allowed values: 0, 1, 2/);
  assert.throws(() => budget.write(cleaned), { status: 400 });
});

Deno.test("SchemaBudget: one budget spans every tool of a request", () => {
  const budget = new SchemaBudget();
  const wide = { type: "object", properties: {} as Record<string, unknown> };
  for (let i = 0; i < 30_000; i++) wide.properties[`p${i}`] = { type: "string" };
  cleanSchema(wide, budget);
  assert.throws(() => cleanSchema(wide, budget), { status: 400, message: /nodes/ });
});

Deno.test("cleanSchema() keeps properties on objects only, and types a node that has them", () => {
  assert.deepEqual(
    cleanSchema({
      properties: {
        data: { type: "string", properties: { a: { type: "string" } }, required: ["a"] },
        point: { properties: { x: { type: "number" } }, required: ["x"] },
      },
    }),
    {
      type: "object",
      properties: {
        data: { type: "string" },
        point: { type: "object", properties: { x: { type: "number" } }, required: ["x"] },
      },
    },
  );
});
