import assert from "node:assert/strict";
import { assertAnthropicStream, fixture, joinedToolInput, runCases } from "./_runner.ts";

Deno.test("conformance smoke: Claude Code's request on a DeepSeek-style stream", async (t) => {
  await runCases(t, [{
    name: "Claude Code request, reasoning + parallel tool calls streamed",
    caller: "anthropic",
    upstream: "openai",
    request: JSON.parse(fixture("requests/claude_code_request.json")),
    answer: { sse: fixture("streams/openai_deepseek_reasoning_tools.sse"), chunkSize: 97 },
    checkUpstream: (body) => {
      assert.equal(body.model, "gpt-real-1");
      assert.equal(body.stream, true);
      assert.deepEqual(body.stream_options, { include_usage: true });
    },
    check: ({ status, events }) => {
      assert.equal(status, 200);
      assertAnthropicStream(events!);
      const starts = events!.filter((e) => e.event === "content_block_start");
      assert.deepEqual(starts.map((e) => e.data.content_block.type), [
        "thinking",
        "text",
        "tool_use",
        "tool_use",
      ]);
      JSON.parse(joinedToolInput(events!, 2));
      JSON.parse(joinedToolInput(events!, 3));
    },
  }]);
});
