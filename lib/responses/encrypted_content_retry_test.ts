import assert from "node:assert/strict";
import { isInvalidEncryptedContent, withoutEncryptedContent } from "./encrypted_content_retry.ts";

Deno.test("isInvalidEncryptedContent() recognises the error by code or by message", () => {
  const error = (fields: Record<string, unknown>) => ({
    error: { type: "invalid_request_error", ...fields },
  });
  assert.ok(
    isInvalidEncryptedContent(400, error({ code: "invalid_encrypted_content", message: "x" })),
  );
  assert.ok(isInvalidEncryptedContent(
    400,
    error({ code: null, message: "The encrypted content for item rs_123 could not be verified." }),
  ));
  assert.ok(isInvalidEncryptedContent(
    400,
    error({ message: "Encrypted content item_id did not match the target item id." }),
  ));
  assert.ok(!isInvalidEncryptedContent(400, error({ code: "invalid_value", message: "bad tool" })));
  assert.ok(!isInvalidEncryptedContent(500, error({ code: "invalid_encrypted_content" })));
  assert.ok(!isInvalidEncryptedContent(400, "invalid_encrypted_content"));
});

Deno.test("withoutEncryptedContent() drops reasoning items from a copy, and only when there are some", () => {
  const input = Object.freeze([
    Object.freeze({ type: "message", role: "user", content: [] }),
    Object.freeze({ type: "reasoning", summary: [], encrypted_content: "gAAAA" }),
    Object.freeze({ type: "function_call", call_id: "c", name: "f", arguments: "{}" }),
    Object.freeze({ type: "reasoning", summary: [{ type: "summary_text", text: "t" }] }),
  ]);
  const body = Object.freeze({ model: "gpt-5-codex", input, store: false });
  assert.deepEqual(withoutEncryptedContent(body), {
    model: "gpt-5-codex",
    input: [input[0], input[2]],
    store: false,
  });
  assert.equal(body.input.length, 4);
  assert.equal(withoutEncryptedContent({ input: [input[0]] }), undefined);
  assert.equal(withoutEncryptedContent({ input: "text" }), undefined);
});
