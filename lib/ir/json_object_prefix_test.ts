import assert from "node:assert/strict";
import { JsonObjectPrefix } from "./json_object_prefix.ts";

/** What a caller assembles when `text` streams in `pieces`, each sent as far as it is safe. */
function stream(pieces: string[]): { sent: string[]; closing: string; complete: boolean } {
  const prefix = new JsonObjectPrefix();
  const sent: string[] = [];
  let text = "";
  let at = 0;
  for (const piece of pieces) {
    text += piece;
    prefix.push(piece);
    if (prefix.safe > at) sent.push(text.slice(at, prefix.safe));
    at = prefix.safe;
  }
  return { sent, closing: prefix.closing(text), complete: prefix.complete };
}

function splits(text: string): string[][] {
  const out = [[text]];
  for (let a = 1; a < text.length; a++) {
    out.push([text.slice(0, a), text.slice(a)]);
    const b = Math.min(text.length, a + 3);
    out.push([text.slice(0, a), text.slice(a, b), text.slice(b)]);
  }
  return out;
}

Deno.test("JsonObjectPrefix passes whole objects on unchanged, however they are split", () => {
  const texts = [
    '{"path": "a\\"b\\\\c\\u00e9", "n": -12.5e+3, "ok": true, "no": null, "f": false}',
    '{"list": [1, [2, {"x": []}], {}], "empty": {}}',
    "{}",
    ' {"a":0} \n',
  ];
  for (const text of texts) {
    for (const pieces of splits(text)) {
      const { sent, closing, complete } = stream(pieces);
      assert.ok(complete, `${JSON.stringify(pieces)}`);
      assert.equal(closing, "");
      assert.deepEqual(JSON.parse(sent.join("")), JSON.parse(text));
    }
  }
});

Deno.test("JsonObjectPrefix closes arguments that are not JSON into an object keeping their text", () => {
  const texts = [
    "ls -la",
    "{'a': 1}",
    '{"a": 1, "b": [tru',
    '{"a": 1, "b": [trux]}',
    '{"city": "Par',
    '{"city"',
    '{"a": {"b": 1,',
    '{"a": [1,',
    '{"n": 1.2.3}',
    '{"s": "bad \\x escape"}',
    '{"a": 1} trailing',
    "[1, 2]",
    '{"a": 1,}',
  ];
  for (const text of texts) {
    for (const pieces of splits(text)) {
      const { sent, closing, complete } = stream(pieces);
      assert.ok(!complete, text);
      const whole = JSON.parse(sent.join("") + closing);
      assert.equal(typeof whole, "object", text);
      if (text === '{"a": 1} trailing') {
        assert.deepEqual(whole, { a: 1 }, "a whole object followed by junk is kept as it was");
      } else {
        assert.equal(whole._raw_arguments, text, `${JSON.stringify(pieces)}`);
      }
    }
  }
  assert.deepEqual(JSON.parse(stream(["ls -la"]).closing), { _raw_arguments: "ls -la" });
});

Deno.test("JsonObjectPrefix holds an unfinished number, literal or escape back until it ends", () => {
  assert.deepEqual(stream(['{"n": 1', '2, "t": tr', 'ue, "s": "a\\u00', 'e9"}']).sent, [
    '{"n": ',
    '12, "t": ',
    'true, "s": "a',
    '\\u00e9"}',
  ]);
});
