import assert from "node:assert/strict";
import { signatureFromString, signatureToString } from "./signature.ts";
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

Deno.test("signatureFromString() reads back every signature it wrote, for either home dialect", () => {
  for (const home of ["anthropic", "responses"] as const) {
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
