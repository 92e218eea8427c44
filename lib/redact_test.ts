import assert from "node:assert/strict";
import { credentialsOf, maskKeyShapes, redact } from "./redact.ts";

Deno.test("redact() replaces every occurrence of each secret by its last four characters", () => {
  assert.equal(
    redact("bad key sk-abcdef123456, again sk-abcdef123456", ["sk-abcdef123456"]),
    "bad key …3456, again …3456",
  );
  assert.equal(redact("nothing here", ["sk-abcdef123456"]), "nothing here");
  assert.equal(
    redact("plainSecretValue0001 of any shape", ["plainSecretValue0001"]),
    "…0001 of any shape",
  );
});

Deno.test("redact() leaves secrets shorter than eight characters and undefined ones alone", () => {
  assert.equal(redact("a key k in a sentence", ["k", undefined, ""]), "a key k in a sentence");
});

Deno.test("maskKeyShapes() cuts key-shaped strings the proxy cannot name", () => {
  assert.equal(
    maskKeyShapes("Incorrect API key provided: sk-proj-abcdefghijklmnop"),
    "Incorrect API key provided: …mnop",
  );
  assert.equal(maskKeyShapes("no keys in sk-short"), "no keys in sk-short");
});

Deno.test("credentialsOf() reads the auth header values of an upstream request", () => {
  const headers = new Headers({
    authorization: "Bearer sk-upstream-key-0001",
    "x-goog-api-key": "AIzaLongEnoughKey",
    "content-type": "application/json",
  });
  assert.deepEqual(credentialsOf(headers), ["sk-upstream-key-0001", "AIzaLongEnoughKey"]);
});
