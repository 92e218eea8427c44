import assert from "node:assert/strict";
import { idOf, isUsageWarning, stringOf, tokenCount } from "./lenient.ts";

Deno.test("idOf() reads string and numeric ids and drops the rest", () => {
  assert.equal(idOf("msg_1"), "msg_1");
  assert.equal(idOf(12345), "12345");
  for (const value of ["", null, undefined, {}, [], true, NaN]) {
    assert.equal(idOf(value), undefined);
  }
  assert.equal(stringOf(5), undefined);
  assert.equal(stringOf("x"), "x");
});

Deno.test("tokenCount() takes non-negative whole numbers and warns about anything else", () => {
  const warnings: string[] = [];
  const warn = (w: string) => warnings.push(w);
  assert.equal(tokenCount(12, "prompt_tokens", warn), 12);
  assert.equal(tokenCount(0, "prompt_tokens", warn), 0);
  assert.equal(tokenCount(undefined, "prompt_tokens", warn), undefined);
  assert.equal(tokenCount(null, "prompt_tokens", warn), undefined);
  assert.deepEqual(warnings, []);
  for (const value of [-5, 1e308, "12", 2.5, {}, 2 ** 53]) {
    assert.equal(tokenCount(value, "prompt_tokens", warn), undefined, String(value));
  }
  assert.equal(warnings.length, 6);
  assert.match(warnings[0], /"prompt_tokens": -5 is not a token count/);
  assert.ok(warnings.every(isUsageWarning));
});
