import assert from "node:assert/strict";
import { findStringMember } from "./member.ts";

function valueAt(text: string, path: string[], from = 0): string | undefined {
  const at = findStringMember(text, path, from);
  return at && text.slice(at[0], at[1]);
}

Deno.test("findStringMember() finds the member at its path, skipping earlier members whole", () => {
  const text = JSON.stringify({
    id: "x",
    content: [{ type: "text", text: '"model": "in text"' }, { input: { model: "in tool" } }],
    nested: { model: "deeper" },
    model: "the-one",
    after: { model: "later" },
  });
  assert.equal(valueAt(text, ["model"]), '"the-one"');
  assert.equal(valueAt(text, ["nested", "model"]), '"deeper"');
  assert.equal(
    valueAt(`data: {"message":{"id":1,"model":"m\\"x"}}`, ["message", "model"], 5),
    '"m\\"x"',
  );
});

Deno.test("findStringMember() gives nothing for an absent path, a value that is no string, or text that is no object", () => {
  assert.equal(valueAt('{"a":{"model":"x"}}', ["model"]), undefined);
  assert.equal(valueAt('{"model":null}', ["model"]), undefined);
  assert.equal(valueAt('["model"]', ["model"]), undefined);
  assert.equal(valueAt('{"model":"cut', ["model"]), undefined);
  assert.equal(valueAt("not json", ["model"]), undefined);
  assert.equal(valueAt('{"mo\\u0064el":"escaped key"}', ["model"]), '"escaped key"');
});
