import assert from "node:assert/strict";
import { jsonBytes } from "./json_bytes.ts";

const FIXTURE_TEXT = Deno.readTextFileSync(
  new URL("../../tests/fixtures/requests/claude_code_request.json", import.meta.url),
);
const utf8 = (text: string) => new TextEncoder().encode(text);

Deno.test("jsonBytes() writes exactly the UTF-8 of JSON.stringify", () => {
  const cases: Record<string, unknown>[] = [
    {},
    { a: undefined, b: () => 1, c: null },
    { s: 'é€\n"', n: 9007199254740991, nested: { x: [1, undefined, "y"] } },
    { list: [undefined, () => 1, "ok", { t: "→ ✓ 😀" }], one: ["é"], none: [] },
    { lone: "\ud800 and \udfff", pair: "\ud83d\ude00", date: new Date(0), 'we"ird': true },
    JSON.parse(FIXTURE_TEXT),
    // Beyond the reused buffer: a body of its own.
    { messages: Array.from({ length: 40 }, (_, i) => ({ text: `${i} ✓ `.repeat(9000) })) },
  ];
  for (const body of cases) assert.deepEqual(jsonBytes(body), utf8(JSON.stringify(body)));
});

Deno.test("jsonBytes() gives each call its own bytes", () => {
  const first = jsonBytes({ a: "first ✓" });
  const second = jsonBytes({ a: "second" });
  assert.equal(new TextDecoder().decode(first), '{"a":"first ✓"}');
  assert.equal(new TextDecoder().decode(second), '{"a":"second"}');
});
