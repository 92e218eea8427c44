import assert from "node:assert/strict";
import { JsonArrayReader } from "./json_array_reader.ts";

Deno.test("JsonArrayReader passes on whole elements only, however the text is split", () => {
  const text = '[{"a":"x}]\\"{"}\n,\r\n{"b":[1,{"c":2}]}\n]';
  for (let cut = 0; cut <= text.length; cut++) {
    for (let cut2 = cut; cut2 <= text.length; cut2 += 3) {
      const reader = new JsonArrayReader();
      const pieces = [text.slice(0, cut), text.slice(cut, cut2), text.slice(cut2)].map((t) =>
        reader.push(t)
      );
      const ready = pieces.map((p) => p.ready).join("");
      const elements = pieces.flatMap((p) => p.elements);
      assert.deepEqual(elements, ['{"a":"x}]\\"{"}', '{"b":[1,{"c":2}]}'], `cut ${cut} ${cut2}`);
      assert.equal(ready + reader.tail, text);
      assert.ok(reader.closed);
    }
  }
});

Deno.test("JsonArrayReader holds back an element cut short and ignores text after the end", () => {
  const reader = new JsonArrayReader();
  const first = reader.push('[{"a":1},{"b":"cut');
  assert.equal(first.ready, '[{"a":1}');
  assert.deepEqual(first.elements, ['{"a":1}']);
  assert.ok(!reader.closed);
  assert.equal(reader.pendingLength, ',{"b":"cut'.length);
  const rest = reader.push(' short"}]{"after":true}');
  assert.equal(rest.ready, ',{"b":"cut short"}');
  assert.equal(reader.tail, "]");
  assert.deepEqual(reader.push('{"more":1}'), { ready: "", elements: [] });
});

Deno.test("JsonArrayReader marks text that is not an array of objects", () => {
  const reader = new JsonArrayReader();
  reader.push("<html>");
  assert.ok(reader.invalid);
  const other = new JsonArrayReader();
  other.push('["text"]');
  assert.ok(other.invalid);
});
