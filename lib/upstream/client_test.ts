import assert from "node:assert/strict";
import { answerLimit, readUpstreamText } from "./client.ts";

Deno.test("answerLimit() is at least 64 MiB and twice max_request_bytes", () => {
  assert.equal(answerLimit(1024), 64 * 1024 * 1024);
  assert.equal(answerLimit(100 * 1024 * 1024), 200 * 1024 * 1024);
});

Deno.test("readUpstreamText() stops at the limit with a 502", async () => {
  assert.equal(await readUpstreamText(new Response("héllo"), 10), "héllo");
  await assert.rejects(readUpstreamText(new Response("x".repeat(11)), 10), { status: 502 });
});
