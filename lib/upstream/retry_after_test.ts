import assert from "node:assert/strict";
import { retryAfterMs } from "./retry_after.ts";

const NOW = Date.parse("1994-11-06T08:49:00Z");

Deno.test("retryAfterMs() reads delay-seconds and the three HTTP-date forms", () => {
  assert.equal(retryAfterMs("0", NOW), 0);
  assert.equal(retryAfterMs("30", NOW), 30_000);
  assert.equal(retryAfterMs(" 7 ", NOW), 7_000);
  assert.equal(retryAfterMs("Sun, 06 Nov 1994 08:49:37 GMT", NOW), 37_000);
  assert.equal(retryAfterMs("Sunday, 06-Nov-94 08:49:37 GMT", NOW), 37_000);
  assert.equal(retryAfterMs("Sun Nov  6 08:49:37 1994", NOW), 37_000);
  assert.equal(retryAfterMs("Sun, 06 Nov 1994 08:48:00 GMT", NOW), 0, "a date passed is no wait");
});

Deno.test("retryAfterMs() refuses every other form", () => {
  for (const value of ["NaN", "-30", "0x10", "1e3", "1.5", "", "Infinity", "soon", "+5", "30s"]) {
    assert.equal(retryAfterMs(value, NOW), undefined, value);
  }
});
