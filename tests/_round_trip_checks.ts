/**
 * Checks on a real client's round trip that hold for every client: how the run ended, where
 * else the client tried to go, the turns the upstream saw, and bodies an upstream would accept.
 */
import assert from "node:assert/strict";
import type { Received } from "./_harness.ts";
import { describeRun, type RoundTrip } from "./_round_trip.ts";
import { type Dialect, toolResultOf, turnOf } from "./_scripted_upstream.ts";

/** The run ended by itself with exit 0 and the client tried no address off this machine. */
export function assertCleanRun(trip: RoundTrip): void {
  assert.equal(trip.run.timedOut, false, describeRun(trip.run));
  assert.equal(trip.run.code, 0, describeRun(trip.run));
  assert.deepEqual(trip.offMachine, [], "the client tried to reach these off this machine");
}

/** The upstream requests of each turn, checking there is one tool call turn and one final. */
export function turns(trip: RoundTrip, dialect: Dialect) {
  const of = (turn: string) =>
    trip.upstream.filter((req) => turnOf(dialect, req, trip.script.tool) === turn);
  const call = of("call");
  const final = of("final");
  assert.equal(call.length, 1, `one request asks for the tool call: ${summary(trip.upstream)}`);
  assert.equal(final.length, 1, `one request carries its result: ${summary(trip.upstream)}`);
  return { call: call[0].json, final: final[0].json, other: of("other") };
}

/** The requests in one line, for assertion messages. */
export function summary(requests: Received[]): string {
  return requests.map((req) => `${req.method} ${req.path}`).join(", ");
}

/** The tool result the upstream received holds what it must (what the command printed). */
export function assertToolResult(trip: RoundTrip, dialect: Dialect, final: any): void {
  const result = toolResultOf(dialect, final) ?? "";
  assert.ok(result.includes(trip.expectedResult), `tool result ${JSON.stringify(result)}`);
}

/** Paths of empty text blocks or parts anywhere in a body (no upstream accepts them). */
export function emptyTexts(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => emptyTexts(item, `${path}[${i}]`));
  if (!value || typeof value !== "object") return [];
  const object = value as Record<string, unknown>;
  const here = "text" in object && object.text === "" ? [path] : [];
  return [...here, ...Object.entries(object).flatMap(([k, v]) => emptyTexts(v, `${path}.${k}`))];
}

/** JSON-schema keywords Gemini refuses in function declarations, with where they are. */
export function keywordsGeminiRefuses(schema: unknown, path = "$"): string[] {
  if (Array.isArray(schema)) {
    return schema.flatMap((s, i) => keywordsGeminiRefuses(s, `${path}[${i}]`));
  }
  if (!schema || typeof schema !== "object") return [];
  const refused = [
    "$schema",
    "$ref",
    "$defs",
    "additionalProperties",
    "propertyNames",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "const",
  ];
  return Object.entries(schema).flatMap(([key, value]) => {
    if (refused.includes(key)) return [`${path}.${key}`];
    if (key === "properties" && value && typeof value === "object") {
      return Object.entries(value).flatMap(([name, sub]) =>
        keywordsGeminiRefuses(sub, `${path}.properties.${name}`)
      );
    }
    return keywordsGeminiRefuses(value, `${path}.${key}`);
  });
}
