import assert from "node:assert/strict";
import { withoutBillingHeader } from "./billing_header.ts";
import type { TextPart } from "./types.ts";

const LINE = "x-anthropic-billing-header: cc_version=2.1.241.a3f; cc_entrypoint=cli; cch=5e0c2;";

Deno.test("withoutBillingHeader() drops Claude Code's billing block and keeps the rest as sent", () => {
  const identity: TextPart = {
    type: "text",
    text: "You are Claude Code.",
    cacheControl: { type: "ephemeral" },
  };
  assert.deepEqual(withoutBillingHeader([{ type: "text", text: LINE }, identity]), [identity]);
});

Deno.test("withoutBillingHeader() cuts the line out of a block that carries more text", () => {
  assert.deepEqual(
    withoutBillingHeader([{ type: "text", text: `${LINE}\nYou are Claude Code.` }]),
    [
      { type: "text", text: "You are Claude Code." },
    ],
  );
});

Deno.test("withoutBillingHeader() returns the same parts when there is no billing line", () => {
  const system: TextPart[] = [{ type: "text", text: "Mention x-anthropic-billing-header: here." }];
  assert.equal(withoutBillingHeader(system), system);
});
