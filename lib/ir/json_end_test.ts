import assert from "node:assert/strict";
import { JsonEnd } from "./json_end.ts";

function completeAfter(pieces: string[]): boolean {
  const end = new JsonEnd();
  for (const piece of pieces) end.push(piece);
  return end.complete;
}

Deno.test("JsonEnd tells a closed object from an open one, piece by piece", () => {
  assert.equal(completeAfter(['{"a": [1, {"b": "}"}]', "}"]), true);
  assert.equal(completeAfter(['{"a": "x}', "}"]), false, "a } inside a string");
  assert.equal(completeAfter(['{"a": "\\"}"', "}"]), true, "an escaped quote");
  assert.equal(completeAfter(["  {", "}  \n"]), true);
  assert.equal(completeAfter(["{}{"]), false, "more after the object");
  assert.equal(completeAfter(["[1]"]), false, "not an object");
  assert.equal(completeAfter(["", "  "]), false);
});
