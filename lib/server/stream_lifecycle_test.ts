import assert from "node:assert/strict";
import { contextOverflow, ProxyError } from "../errors.ts";
import { redactError } from "./stream_lifecycle.ts";

const KEY = "sk-caller-secret-123456";

Deno.test("redactError() hides the key and keeps what the caller's client acts on", () => {
  const failed = new ProxyError(
    "invalid_request",
    `Your input exceeds the context window (${KEY})`,
  );
  failed.code = "context_length_exceeded";
  failed.retryAfter = "3";
  const redacted = redactError(failed, [KEY]);
  assert.ok(!redacted.message.includes(KEY), redacted.message);
  assert.ok(redacted.message.endsWith("(…3456)"), redacted.message);
  assert.deepEqual(
    [redacted.kind, redacted.status, redacted.code, redacted.retryAfter],
    ["invalid_request", 400, "context_length_exceeded", "3"],
  );

  const overflow = contextOverflow({ tokens: 2000, limit: 1000 });
  const worded = new ProxyError(overflow.kind, `${overflow.message} for ${KEY}`);
  worded.overflow = overflow.overflow;
  assert.deepEqual(redactError(worded, [KEY]).overflow, { tokens: 2000, limit: 1000 });
});

Deno.test("redactError() returns an error that holds no key as it is", () => {
  const error = new ProxyError("rate_limit", "Slow down");
  assert.equal(redactError(error, [KEY]), error);
});
