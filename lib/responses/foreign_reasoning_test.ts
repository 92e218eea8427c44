import assert from "node:assert/strict";
import { signatureToString } from "../ir/signature.ts";
import { encryptedContentOf, encryptedContentOfRedacted } from "./reasoning_proof.ts";
import { withoutForeignReasoning } from "./foreign_reasoning.ts";

const reasoning = (encrypted_content: string | null) => ({
  type: "reasoning",
  summary: [{ type: "summary_text", text: "Thinking." }],
  encrypted_content,
});

Deno.test("withoutForeignReasoning() drops the reasoning items other upstreams' proofs came in", () => {
  const own = reasoning("gAAAAABown");
  const input = [
    { role: "user", content: "Hi" },
    own,
    reasoning(encryptedContentOf({ origin: "anthropic", value: "EqQBsig" })),
    reasoning(encryptedContentOf({ origin: "gemini", value: "CiQBsig" })),
    reasoning(encryptedContentOf({ origin: "proxy", value: "" })),
    reasoning(encryptedContentOfRedacted("opaque")),
    reasoning(null),
    { type: "function_call", call_id: "c1", name: "f", arguments: "{}" },
  ];
  const kept = withoutForeignReasoning(input) as unknown[];
  assert.deepEqual(kept, [input[0], own, reasoning(null), input[7]]);
  // The proofs a Responses upstream made pass unchanged.
  assert.equal(signatureToString({ origin: "responses", value: "x" }, "responses"), "x");
});

Deno.test("withoutForeignReasoning() gives the same list back when there is nothing to drop", () => {
  const input = [{ role: "user", content: "Hi" }, reasoning("gAAAAABown")];
  assert.equal(withoutForeignReasoning(input), input);
  assert.equal(withoutForeignReasoning("Hi"), "Hi");
});
