import assert from "node:assert/strict";
import {
  MAX_CARRIED_THINKING_BYTES,
  signatureCarryingThinking,
  signatureFromString,
  signatureToString,
  thinkingCarriedBy,
} from "./signature.ts";
import type { Signature } from "./types.ts";

const SIGNATURES: Signature[] = [
  { origin: "anthropic", value: "EqQBCkYIBxgC" },
  { origin: "gemini", value: "CiQBsig" },
  { origin: "responses", value: "gAAAAABo8aK7" },
  { origin: "proxy", value: "" },
];

Deno.test("signatureToString() leaves the home dialect's value as it is and marks the others", () => {
  assert.deepEqual(SIGNATURES.map((s) => signatureToString(s)), [
    "EqQBCkYIBxgC",
    "gemini:CiQBsig",
    "responses:gAAAAABo8aK7",
    "proxy:v1",
  ]);
  assert.deepEqual(SIGNATURES.map((s) => signatureToString(s, "responses")), [
    "anthropic:EqQBCkYIBxgC",
    "gemini:CiQBsig",
    "gAAAAABo8aK7",
    "proxy:v1",
  ]);
});

Deno.test("signatureFromString() reads back every signature it wrote, for every home dialect", () => {
  for (const home of ["anthropic", "responses", "gemini"] as const) {
    for (const signature of SIGNATURES) {
      assert.deepEqual(signatureFromString(signatureToString(signature, home), home), signature);
    }
  }
});

Deno.test("signatureFromString() takes an unmarked value as the home dialect's own", () => {
  assert.deepEqual(signatureFromString("gAAAA=="), { origin: "anthropic", value: "gAAAA==" });
  assert.deepEqual(signatureFromString("EqQB", "responses"), {
    origin: "responses",
    value: "EqQB",
  });
});

Deno.test("signatureCarryingThinking() reads back as the proxy's and gives its text back whole", () => {
  const text = 'Plan: run `ls -la`, then read "a.ts".\nÉtape 2 — 考える 🤔 ✓';
  const value = signatureCarryingThinking(text);
  assert.match(value, /^proxy:t1:[A-Za-z0-9_-]+$/);
  assert.equal(thinkingCarriedBy(value), text);
  for (const home of ["anthropic", "responses", "gemini"] as const) {
    assert.deepEqual(signatureFromString(value, home), { origin: "proxy", value: "" });
  }
});

Deno.test("signatureCarryingThinking() carries at most 64 KiB of text, cut between characters", () => {
  assert.equal(MAX_CARRIED_THINKING_BYTES, 65_536);
  // 3 bytes, then 4-byte emoji: 65,536 = 1 + 4 × 16,383 + 3, so the last emoji cannot fit
  const long = "a" + "🤔".repeat(20_000);
  const value = signatureCarryingThinking(long);
  const carried = thinkingCarriedBy(value)!;
  assert.equal(carried, "a" + "🤔".repeat(16_383));
  assert.ok(long.startsWith(carried));
  assert.ok(value.length <= "proxy:t1:".length + Math.ceil(65_536 / 3) * 4);
  // exactly at the cap: kept whole
  const exact = "x".repeat(65_536);
  assert.equal(thinkingCarriedBy(signatureCarryingThinking(exact)), exact);
  assert.equal(thinkingCarriedBy(signatureCarryingThinking(exact + "y")), exact);
});

Deno.test("thinkingCarriedBy() finds no text in other signatures or in a mangled one", () => {
  for (const value of ["proxy:v1", "CiQBsig", "gemini:CiQB", "proxy:t1:", "proxy:t1:a*b", "x"]) {
    assert.equal(thinkingCarriedBy(value), undefined, value);
  }
});
