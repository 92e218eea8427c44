import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import { asOverflow, contextOverflowIn } from "./context_overflow.ts";

Deno.test("contextOverflowIn() reads each provider's overflow wording and its numbers", () => {
  const cases: Array<[string, unknown]> = [
    [
      '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}}',
      { tokens: 210000, limit: 200000 },
    ],
    [
      "This model's maximum context length is 131072 tokens. However, you requested 140000 tokens (139000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
      { tokens: 140000, limit: 131072 },
    ],
    [
      '{"error":{"message":"Your input exceeds the context window of this model.","type":"invalid_request_error","param":"input","code":"context_length_exceeded"}}',
      {},
    ],
    [
      '{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}',
      { tokens: 1200000, limit: 1048576 },
    ],
    [
      "Invalid request: Your request exceeded model token limit: 262144 (requested: 269030)",
      { tokens: 269030, limit: 262144 },
    ],
  ];
  for (const [text, expected] of cases) assert.deepEqual(contextOverflowIn(text), expected, text);
});

Deno.test("contextOverflowIn() leaves other errors alone", () => {
  assert.equal(contextOverflowIn('{"error":{"message":"Invalid API key"}}'), undefined);
  assert.equal(contextOverflowIn("max_tokens: 100000 > 64000, the maximum allowed"), undefined);
});

Deno.test("asOverflow() reads an overflow a failure words or codes; leaves others as they are", () => {
  const coded = new ProxyError("invalid_request", "Your input is too big");
  coded.code = "context_length_exceeded";
  const read = asOverflow(coded);
  assert.equal(read.message, "prompt is too long");
  assert.deepEqual([read.status, read.code, read.overflow], [400, "context_length_exceeded", {}]);
  const worded = asOverflow(
    new ProxyError(
      "invalid_request",
      "This model's maximum context length is 1000 tokens. " +
        "However, you requested 1200 tokens",
    ),
  );
  assert.equal(worded.message, "prompt is too long: 1200 tokens > 1000 maximum");
  for (
    const other of [
      new ProxyError("invalid_request", "Invalid tool schema"),
      new ProxyError("bad_gateway", "maximum context length of the proxy's buffer"),
    ]
  ) assert.equal(asOverflow(other), other);
});
