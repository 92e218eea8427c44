/**
 * Providers' wire fixtures (tests/fixtures/streams/) on the pairs they were written for. The
 * shared suite (pairs_test.ts) covers the same rules on built wire; these keep the layouts only a
 * real provider produces.
 */
import assert from "node:assert/strict";
import { ANTHROPIC_STREAM, DEEPSEEK, fixture } from "./_fixtures.ts";
import { ok, type Quirk, runQuirks, USER_HI } from "./_quirk.ts";
import { KITS } from "./wire/kits.ts";

const TOOLS = [{ name: "get_weather", input_schema: { type: "object" } }];

function deepseek(chunk: number): Quirk {
  return {
    name: `DeepSeek reasoning + two calls split mid-escape, ${chunk} byte(s) at a time`,
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, tools: TOOLS, messages: USER_HI },
    answer: { sse: fixture("streams/openai_deepseek_reasoning_tools.sse"), chunk },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks, DEEPSEEK);
      assert.equal(got.stop, "tool");
      // Usage came in the trailing chunk after finish_reason and still reached message_delta.
      assert.deepEqual(got.usage, {
        input: 422 + 17920,
        output: 612,
        cacheRead: 17920,
        cacheWrite: 0,
      });
    },
  };
}

function anthropicStream(chunk: number): Quirk {
  return {
    name: `Anthropic thinking + text + two calls, ${chunk} byte(s) at a time`,
    caller: "openai",
    upstream: "anthropic",
    body: {
      stream: true,
      stream_options: { include_usage: true },
      tools: [{ type: "function", function: { name: "Edit" } }],
      messages: USER_HI,
    },
    answer: { sse: fixture("streams/anthropic_thinking_tools.sse"), chunk },
    checkUpstream: (body) => {
      assert.equal(body.stream, true);
      assert.equal(body.stream_options, undefined);
    },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks, [
        { type: "thinking", text: ANTHROPIC_STREAM.thinking },
        { type: "text", text: ANTHROPIC_STREAM.text },
        ...ANTHROPIC_STREAM.calls,
      ]);
      assert.equal(got.stop, "tool");
      assert.deepEqual(got.usage, {
        input: 9 + 2412 + 51730,
        output: 731,
        cacheRead: 51730,
        reasoning: 0,
      });
    },
  };
}

const providerStreams: Quirk[] = [
  deepseek(1),
  deepseek(7),
  deepseek(97),
  {
    name: "interleaved calls (DashScope layout) become one block each, in order",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, tools: TOOLS, messages: USER_HI },
    answer: { sse: fixture("streams/openai_interleaved_tools.sse"), chunk: 13 },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks, [
        { type: "text", text: "Let me look at the decoder and rerun the failing test." },
        {
          type: "tool_call",
          id: "call_8f2a4c1e9b7d4e0fa3c6d5b1",
          name: "Read",
          args: {
            file_path: "/home/mara/src/tasklane/src/stream/decode_openai.ts",
            offset: 30,
            limit: 40,
          },
        },
        {
          type: "tool_call",
          id: "call_2e9d7b3a6c1f4d8e90a4b7c2",
          name: "Bash",
          args: {
            command: 'npx vitest run src/stream/accumulate.test.ts -t "both calls"',
            timeout: 120000,
          },
        },
      ]);
      assert.deepEqual(got.usage, {
        input: 717 + 12160,
        output: 96,
        cacheRead: 12160,
        cacheWrite: 0,
      });
    },
  },
  {
    name: "a gateway that omits index (CRLF lines): calls told apart by id",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, tools: TOOLS, messages: USER_HI },
    answer: { sse: fixture("streams/openai_no_index_tools.sse"), chunk: 5 },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks, [
        {
          type: "tool_call",
          id: "call_weather_1",
          name: "get_weather",
          args: { location: "Zürich", unit: "celsius" },
        },
        {
          type: "tool_call",
          id: "call_time_2",
          name: "get_local_time",
          args: { timezone: "Europe/Zurich" },
        },
      ]);
      const pieces = got.events!.filter((e) => e.data?.delta?.type === "input_json_delta");
      assert.ok(pieces.some((e) => e.data.delta.partial_json), "arguments as input_json_delta");
      assert.deepEqual(got.usage, { input: 311, output: 58, cacheRead: 0, cacheWrite: 0 });
    },
  },
  {
    name: "usage with reasoning tokens after finish_reason reaches message_delta (text stream)",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: { sse: fixture("streams/openai_text_only.sse"), chunk: 31 },
    check: (got) => {
      ok(got);
      assert.equal(got.blocks.length, 1);
      assert.match(
        got.blocks[0].type === "text" ? got.blocks[0].text : "",
        /^Gemini sends `usageMetadata` on every chunk/,
      );
      assert.deepEqual(got.usage, {
        input: 160 + 1024,
        output: 46,
        cacheRead: 1024,
        cacheWrite: 0,
      });
    },
  },
  anthropicStream(1),
  anthropicStream(7),
  anthropicStream(97),
  ...(["anthropic", "openai"] as const).map((caller): Quirk => ({
    name: "Gemini 3 stream: thoughts, text, two calls and usage in the caller's stream",
    caller,
    upstream: "gemini",
    body: {
      ...(caller === "anthropic"
        ? { max_tokens: 1000 }
        : { stream_options: { include_usage: true } }),
      stream: true,
      messages: USER_HI,
    },
    answer: { sse: fixture("streams/gemini_thinking_tools.sse"), chunk: 100 },
    checkUpstream: (_body, received) => assert.equal(received.search, "?alt=sse"),
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks.map((b) => b.type), [
        "thinking",
        "text",
        "tool_call",
        "tool_call",
      ]);
      const [thinking, text, , glob] = got.blocks;
      assert.match(
        thinking.type === "thinking" ? thinking.text : "",
        /^\*\*Tracing[\s\S]*\*\*Planning/,
      );
      assert.equal(
        text.type === "text" && text.text,
        "I'll read the decoder loop and look for an existing Gemini fixture to base the test on.",
      );
      assert.deepEqual(glob.type === "tool_call" && glob.args, {
        pattern: "src/stream/fixtures/gemini_*.sse",
      });
      assert.equal(got.stop, "tool");
      assert.equal(got.usage?.input, 9811);
      assert.equal(got.usage?.output, 96 + 412);
      assert.equal(got.usage?.cacheRead, 8190);
    },
  })),
  ...(["anthropic", "openai"] as const).map((caller): Quirk => ({
    name: "Gemini 2.5 plain text stream, usage on every chunk",
    caller,
    upstream: "gemini",
    body: {
      ...(caller === "anthropic" ? { max_tokens: 1000 } : {}),
      stream: true,
      messages: USER_HI,
    },
    answer: { sse: fixture("streams/gemini_text.sse"), chunk: 50 },
    check: (got) => {
      ok(got);
      const text = got.blocks.map((b) => b.type === "text" ? b.text : "").join("");
      assert.match(text, /^Gemini puts `usageMetadata`[\s\S]* ends\.$/);
    },
  })),
  ...(["openai_deepseek_reasoning_tools.sse", "anthropic_thinking_tools.sse"] as const).map((
    sse,
  ): Quirk => ({
    name: `${sse} streamed to a Gemini caller: thoughts, text, then the calls`,
    caller: "gemini",
    upstream: sse.startsWith("openai") ? "openai" : "anthropic",
    mode: "stream",
    body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }] },
    answer: { sse: fixture(`streams/${sse}`), chunk: 61 },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks.map((b) => b.type), [
        "thinking",
        "text",
        "tool_call",
        "tool_call",
      ]);
      // Anthropic's signatures mean nothing to a Gemini caller; DeepSeek's reasoning rides on
      // the first call, which Gemini CLI sends back without the thought parts
      const [thinking] = got.blocks;
      const carried = sse.startsWith("openai") && thinking.type === "thinking"
        ? KITS.gemini.caller.carriedThinking!(thinking.text)
        : undefined;
      assert.deepEqual(
        got.blocks.map((b) => "signature" in b ? b.signature : undefined),
        [undefined, undefined, carried, undefined],
      );
      assert.equal(got.stop, "tool");
      assert.ok(got.usage!.input! > 0 && got.usage!.output! > 0);
    },
  })),
];

const brokenStreams: Quirk[] = [
  ...(["stream", "stream as a JSON array"] as const).flatMap((mode) =>
    (["openai_truncated.sse", "anthropic_error_midstream.sse"] as const).map((sse): Quirk => ({
      name: `${sse} to a Gemini caller (${mode}): an error item ends it`,
      caller: "gemini",
      upstream: sse.startsWith("openai") ? "openai" : "anthropic",
      mode,
      body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }] },
      answer: { sse: fixture(`streams/${sse}`) },
      check: (got) => {
        ok(got);
        assert.ok(got.error?.message && got.error.kind, got.text);
        assert.equal(got.finished, false);
      },
    }))
  ),
  {
    name: "a stream cut inside a tool call's arguments: an api_error event, no finish",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, stream: true, messages: USER_HI },
    answer: { sse: fixture("streams/openai_truncated.sse"), chunk: 50 },
    check: (got) => {
      ok(got);
      assert.equal(got.error?.kind, "api_error");
      assert.equal(got.finished, false);
      assert.ok(!got.events!.some((e) => e.event === "message_delta"));
    },
  },
  {
    name: "an error event mid-stream: the text so far, then a server_error line, no [DONE]",
    caller: "openai",
    upstream: "anthropic",
    body: { stream: true, messages: USER_HI },
    answer: { sse: fixture("streams/anthropic_error_midstream.sse"), chunk: 40 },
    check: (got) => {
      ok(got);
      assert.deepEqual(got.blocks, [{
        type: "text",
        text: "The decoder now keeps every entry of `tool_calls`. Running",
      }]);
      assert.deepEqual(got.error, { message: "Overloaded", kind: "server_error" });
      assert.equal(got.finished, false);
    },
  },
];

Deno.test("fixtures: providers' streams on the pairs they were written for", async (t) => {
  await runQuirks(t, [...providerStreams, ...brokenStreams]);
});

// ---- clients' requests ----
