import assert from "node:assert/strict";
import { stringifyBody } from "./json_body.ts";

Deno.test("stringifyBody() writes exactly what JSON.stringify writes", () => {
  const fixture = JSON.parse(
    Deno.readTextFileSync(
      new URL("../../tests/fixtures/requests/claude_code_request.json", import.meta.url),
    ),
  );
  const cases: Record<string, unknown>[] = [
    {},
    { a: undefined, b: () => 1, c: null },
    { s: 'é€\n"', n: 9007199254740991, nested: { x: [1, undefined, "y"] } },
    { date: new Date(0), 'we"ird': true },
    fixture,
  ];
  for (const body of cases) assert.equal(stringifyBody(body), JSON.stringify(body));
});
