/**
 * End to end with the official SDKs: `@anthropic-ai/sdk` through the real proxy to a
 * mock OpenAI-dialect upstream, and `openai` to a mock Anthropic upstream, streaming and not,
 * with two-turn tool round trips and thinking round trips. The SDKs' own stream helpers must
 * assemble the final message without error, and what the mock receives on the second turn is
 * checked field by field.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import {
  json,
  type Mock,
  type Proxy,
  type Received,
  sse,
  startMock,
  startProxy,
} from "./_harness.ts";

function models(mock: Mock): string {
  return `
- model_id: deepseek-chat
  model_name: deepseek-reasoner
  api_base: ${mock.url}/v1
  format: openai
  max_tokens: 8K
- model_id: claude-via-proxy
  model_name: claude-sonnet-4-5
  api_base: ${mock.url}
  format: anthropic
  max_tokens: 16K
`;
}

async function withServers(fn: (mock: Mock, proxy: Proxy) => Promise<void>): Promise<void> {
  const mock = startMock(() => json({}));
  const proxy = startProxy(models(mock));
  try {
    await fn(mock, proxy);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

function anthropicClient(proxy: Proxy): Anthropic {
  return new Anthropic({ apiKey: "sk-e2e-anthropic", baseURL: `${proxy.url}/anthropic` });
}

function openaiClient(proxy: Proxy): OpenAI {
  return new OpenAI({ apiKey: "sk-e2e-openai", baseURL: `${proxy.url}/openai/v1` });
}

// --- OpenAI-dialect upstream answers -------------------------------------------------------------

function chunkLine(
  delta: Record<string, unknown> | null,
  finish: string | null = null,
  extra = {},
) {
  return `data: ${
    JSON.stringify({
      id: "chatcmpl-e2e",
      object: "chat.completion.chunk",
      created: 1763990000,
      model: "deepseek-reasoner",
      choices: delta === null ? [] : [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    })
  }\n\n`;
}

/** A DeepSeek-style stream: reasoning, text, then a call whose arguments arrive in pieces. */
function deepseekToolStream(): string[] {
  const text = [
    chunkLine({ role: "assistant", content: null, reasoning_content: "" }),
    chunkLine({ reasoning_content: "The user wants Paris weather;" }),
    chunkLine({ reasoning_content: " call get_weather." }),
    chunkLine({ content: "Let me check." }),
    chunkLine({
      tool_calls: [{
        index: 0,
        id: "call_00_weather",
        type: "function",
        function: { name: "get_weather", arguments: "" },
      }],
    }),
    chunkLine({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
    chunkLine({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Par' } }] }),
    chunkLine({ tool_calls: [{ index: 0, function: { arguments: 'is"}' } }] }),
    chunkLine({}, "tool_calls"),
    chunkLine(null, null, {
      usage: {
        prompt_tokens: 120,
        completion_tokens: 40,
        total_tokens: 160,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    }),
    "data: [DONE]\n\n",
  ].join("");
  // split at arbitrary byte positions, as a network would
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 23) pieces.push(text.slice(i, i + 23));
  return pieces;
}

function chatCompletion(message: Record<string, unknown>, finish = "stop") {
  return {
    id: "chatcmpl-e2e-whole",
    object: "chat.completion",
    created: 1763990000,
    model: "deepseek-reasoner",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
    usage: { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 },
  };
}

const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" } },
    required: ["city"],
  },
};

Deno.test("Anthropic SDK → OpenAI upstream: streamed two-turn tool round trip", async () => {
  await withServers(async (mock, proxy) => {
    mock.handle((req) =>
      req.json.messages.some((m: any) => m.role === "tool")
        ? json(chatCompletion({ content: "It is 18°C in Paris." }))
        : sse(deepseekToolStream())
    );
    const client = anthropicClient(proxy);
    const question = { role: "user" as const, content: "Weather in Paris?" };

    const stream = client.messages.stream({
      model: "deepseek-chat",
      max_tokens: 20000,
      thinking: { type: "enabled", budget_tokens: 10000 },
      tools: [WEATHER_TOOL],
      messages: [question],
    });
    const first = await stream.finalMessage();
    assert.equal(first.model, "deepseek-chat");
    assert.equal(first.stop_reason, "tool_use");
    assert.deepEqual(first.content, [
      {
        type: "thinking",
        thinking: "The user wants Paris weather; call get_weather.",
        signature: "proxy:v1",
      },
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "call_00_weather", name: "get_weather", input: { city: "Paris" } },
    ]);
    assert.equal(first.usage.input_tokens, 20);
    assert.equal(first.usage.cache_read_input_tokens, 100);
    assert.equal(first.usage.output_tokens, 40);

    const upstream1 = mock.received[0].json;
    assert.equal(upstream1.model, "deepseek-reasoner");
    assert.equal(upstream1.max_tokens, 8000);
    assert.equal(upstream1.reasoning_effort, "high");
    assert.equal(upstream1.stream, true);

    const toolUse = first.content.find((b) => b.type === "tool_use")!;
    const second = await client.messages.create({
      model: "deepseek-chat",
      max_tokens: 20000,
      thinking: { type: "enabled", budget_tokens: 10000 },
      tools: [WEATHER_TOOL],
      messages: [
        question,
        { role: "assistant", content: first.content },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "18°C, clear" }],
        },
      ],
    });
    assert.deepEqual(second.content, [{ type: "text", text: "It is 18°C in Paris." }]);
    assert.equal(second.stop_reason, "end_turn");

    const upstream2 = mock.received[1].json;
    assert.equal(upstream2.stream, undefined);
    assert.deepEqual(upstream2.messages, [
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: "Let me check.",
        reasoning_content: "The user wants Paris weather; call get_weather.",
        tool_calls: [{
          id: "call_00_weather",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Paris"}' },
        }],
      },
      { role: "tool", tool_call_id: "call_00_weather", content: "18°C, clear" },
    ]);
  });
});

Deno.test("Anthropic SDK → OpenAI upstream: thinking round trip, whole then streamed", async () => {
  await withServers(async (mock, proxy) => {
    let turn = 0;
    mock.handle(() => {
      turn++;
      if (turn === 1) {
        return json(
          chatCompletion({ content: "Yes, 91 is 7 × 13.", reasoning_content: "91/7=13." }),
        );
      }
      return sse([
        chunkLine({ role: "assistant", content: "" }),
        chunkLine({ reasoning: "Then 93 = 3 × 31." }),
        chunkLine({ content: "93 is 3 × 31." }),
        chunkLine({}, "stop"),
        chunkLine(null, null, { usage: { prompt_tokens: 30, completion_tokens: 9 } }),
        "data: [DONE]\n\n",
      ]);
    });
    const client = anthropicClient(proxy);
    const first = await client.messages.create({
      model: "deepseek-chat",
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [{ role: "user", content: "Is 91 composite?" }],
    });
    assert.equal(first.content[0].type, "thinking");
    assert.deepEqual(first.content[0], {
      type: "thinking",
      thinking: "91/7=13.",
      signature: "proxy:v1",
    });
    assert.equal(mock.received[0].json.reasoning_effort, "medium");
    assert.equal(mock.received[0].json.max_tokens, 4000);

    const events: string[] = [];
    const stream = client.messages.stream({
      model: "deepseek-chat",
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 2048 },
      messages: [
        { role: "user", content: "Is 91 composite?" },
        { role: "assistant", content: first.content },
        { role: "user", content: "And 93?" },
      ],
    });
    stream.on("streamEvent", (event) => events.push(event.type));
    const second = await stream.finalMessage();
    assert.deepEqual(second.content.map((b) => b.type), ["thinking", "text"]);
    assert.equal((second.content[0] as Anthropic.ThinkingBlock).thinking, "Then 93 = 3 × 31.");
    assert.equal((second.content[0] as Anthropic.ThinkingBlock).signature, "proxy:v1");
    assert.equal((second.content[1] as Anthropic.TextBlock).text, "93 is 3 × 31.");
    assert.equal(second.usage.output_tokens, 9);
    assert.equal(events[0], "message_start");
    assert.equal(events.at(-1), "message_stop");

    assert.deepEqual(mock.received[1].json.messages[1], {
      role: "assistant",
      content: "Yes, 91 is 7 × 13.",
      reasoning_content: "91/7=13.",
    });
  });
});

Deno.test("Anthropic SDK → OpenAI upstream: an upstream 429 is the SDK's RateLimitError", async () => {
  await withServers(async (mock, proxy) => {
    mock.handle(() =>
      json({ error: { message: "Too many requests" } }, 429, { "retry-after": "0" })
    );
    const client = new Anthropic({
      apiKey: "sk-e2e",
      baseURL: `${proxy.url}/anthropic`,
      maxRetries: 0,
    });
    await assert.rejects(
      client.messages.create({
        model: "deepseek-chat",
        max_tokens: 10,
        messages: [{ role: "user", content: "Hi" }],
      }),
      (error: unknown) => {
        assert.ok(error instanceof Anthropic.RateLimitError);
        assert.equal((error as any).error.error.type, "rate_limit_error");
        assert.equal((error as any).error.error.message, "Too many requests");
        return true;
      },
    );
  });
});

// --- Anthropic upstream answers ------------------------------------------------------------------

function anthropicEvents(events: Array<Record<string, unknown>>): string {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
}

/** An Anthropic stream: thinking, text, then two parallel tool calls in pieces. */
function anthropicToolStream(): string[] {
  const text = anthropicEvents([
    {
      type: "message_start",
      message: {
        id: "msg_e2e1",
        type: "message",
        role: "assistant",
        model: "claude-sonnet-4-5",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 30, cache_read_input_tokens: 200, output_tokens: 1 },
      },
    },
    {
      type: "content_block_start",
      index: 0,
      content_block: { type: "thinking", thinking: "", signature: "" },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "thinking_delta", thinking: "Two lookups." },
    },
    {
      type: "content_block_delta",
      index: 0,
      delta: { type: "signature_delta", signature: "EqQBsigE2E" },
    },
    { type: "content_block_stop", index: 0 },
    { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
    {
      type: "content_block_delta",
      index: 1,
      delta: { type: "text_delta", text: "Checking both." },
    },
    { type: "content_block_stop", index: 1 },
    {
      type: "content_block_start",
      index: 2,
      content_block: { type: "tool_use", id: "toolu_01Paris", name: "get_weather", input: {} },
    },
    {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: "" },
    },
    {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: '{"city": "Pa' },
    },
    {
      type: "content_block_delta",
      index: 2,
      delta: { type: "input_json_delta", partial_json: 'ris"}' },
    },
    { type: "content_block_stop", index: 2 },
    {
      type: "content_block_start",
      index: 3,
      content_block: { type: "tool_use", id: "toolu_02Rome", name: "get_weather", input: {} },
    },
    {
      type: "content_block_delta",
      index: 3,
      delta: { type: "input_json_delta", partial_json: '{"city": "Rome"}' },
    },
    { type: "content_block_stop", index: 3 },
    {
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: { output_tokens: 77 },
    },
    { type: "message_stop" },
  ]);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 29) pieces.push(text.slice(i, i + 29));
  return pieces;
}

const OPENAI_WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

function anthropicMessage(content: unknown[], stop = "end_turn") {
  return {
    id: "msg_e2e_whole",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: 40, output_tokens: 12 },
  };
}

Deno.test("OpenAI SDK → Anthropic upstream: streamed two-turn tool round trip", async () => {
  await withServers(async (mock, proxy) => {
    mock.handle((req: Received) =>
      req.json.messages.length > 1
        ? json(anthropicMessage([{ type: "text", text: "Paris 18°C, Rome 24°C." }]))
        : sse(anthropicToolStream())
    );
    const client = openaiClient(proxy);
    const question = { role: "user" as const, content: "Weather in Paris and Rome?" };

    const stream = client.chat.completions.stream({
      model: "claude-via-proxy",
      messages: [question],
      tools: [OPENAI_WEATHER_TOOL],
      stream_options: { include_usage: true },
    });
    const argumentDeltas: string[] = [];
    stream.on("tool_calls.function.arguments.delta", (e) => argumentDeltas.push(e.arguments_delta));
    const first = await stream.finalChatCompletion();
    const message = first.choices[0].message;
    assert.equal(first.model, "claude-via-proxy");
    assert.equal(first.choices[0].finish_reason, "tool_calls");
    assert.equal(message.content, "Checking both.");
    assert.equal((message as any).reasoning_content, "Two lookups.");
    assert.deepEqual(
      message.tool_calls!.map((c: any) => [c.id, c.type, c.function.name, c.function.arguments]),
      [
        ["toolu_01Paris", "function", "get_weather", '{"city": "Paris"}'],
        ["toolu_02Rome", "function", "get_weather", '{"city": "Rome"}'],
      ],
    );
    assert.ok(argumentDeltas.length >= 2);
    assert.equal(first.usage?.prompt_tokens, 230);
    assert.equal(first.usage?.prompt_tokens_details?.cached_tokens, 200);
    assert.equal(first.usage?.completion_tokens, 77);

    const second = await client.chat.completions.create({
      model: "claude-via-proxy",
      tools: [OPENAI_WEATHER_TOOL],
      messages: [
        question,
        message as OpenAI.ChatCompletionMessageParam,
        { role: "tool", tool_call_id: "toolu_01Paris", content: "18°C" },
        { role: "tool", tool_call_id: "toolu_02Rome", content: "24°C" },
      ],
    });
    assert.equal(second.choices[0].message.content, "Paris 18°C, Rome 24°C.");
    assert.equal(second.choices[0].finish_reason, "stop");

    const upstream2 = mock.received[1].json;
    assert.equal(upstream2.model, "claude-sonnet-4-5");
    assert.equal(upstream2.max_tokens, 16000);
    assert.deepEqual(upstream2.messages, [
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking both." },
          { type: "tool_use", id: "toolu_01Paris", name: "get_weather", input: { city: "Paris" } },
          { type: "tool_use", id: "toolu_02Rome", name: "get_weather", input: { city: "Rome" } },
        ],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "toolu_01Paris",
            content: [{ type: "text", text: "18°C" }],
          },
          {
            type: "tool_result",
            tool_use_id: "toolu_02Rome",
            content: [{ type: "text", text: "24°C" }],
          },
        ],
      },
    ]);
    assert.equal(JSON.stringify(upstream2).includes("Two lookups."), false);
  });
});

Deno.test("OpenAI SDK → Anthropic upstream: whole tool turn, then a streamed answer", async () => {
  await withServers(async (mock, proxy) => {
    mock.handle((req: Received) =>
      req.json.messages.length > 1
        ? sse([
          anthropicEvents([
            {
              type: "message_start",
              message: anthropicMessage([], "end_turn"),
            },
            { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
            {
              type: "content_block_delta",
              index: 0,
              delta: { type: "text_delta", text: "Sunny, " },
            },
            { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "18°C." } },
            { type: "content_block_stop", index: 0 },
            {
              type: "message_delta",
              delta: { stop_reason: "end_turn" },
              usage: { output_tokens: 6 },
            },
            { type: "message_stop" },
          ]),
        ])
        : json(anthropicMessage([
          { type: "thinking", thinking: "Need weather.", signature: "EqQBwhole" },
          { type: "tool_use", id: "toolu_W", name: "get_weather", input: { city: "Paris" } },
        ], "tool_use"))
    );
    const client = openaiClient(proxy);
    const first = await client.chat.completions.create({
      model: "claude-via-proxy",
      reasoning_effort: "medium",
      tools: [OPENAI_WEATHER_TOOL],
      tool_choice: "auto",
      messages: [{ role: "user", content: "Weather in Paris?" }],
    });
    assert.deepEqual(mock.received[0].json.thinking, { type: "enabled", budget_tokens: 8192 });
    assert.deepEqual(mock.received[0].json.tool_choice, { type: "auto" });
    const message = first.choices[0].message;
    assert.equal(message.content, null);
    assert.equal((message as any).reasoning_content, "Need weather.");
    assert.deepEqual(message.tool_calls, [{
      id: "toolu_W",
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Paris"}' },
    }]);

    const stream = client.chat.completions.stream({
      model: "claude-via-proxy",
      reasoning_effort: "medium",
      tools: [OPENAI_WEATHER_TOOL],
      messages: [
        { role: "user", content: "Weather in Paris?" },
        message as OpenAI.ChatCompletionMessageParam,
        { role: "tool", tool_call_id: "toolu_W", content: "sunny, 18°C" },
      ],
    });
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0].message.content, "Sunny, 18°C.");
    assert.equal(final.choices[0].finish_reason, "stop");

    const upstream2 = mock.received[1].json;
    assert.deepEqual(upstream2.messages.slice(1), [
      {
        role: "assistant",
        content: [{
          type: "tool_use",
          id: "toolu_W",
          name: "get_weather",
          input: { city: "Paris" },
        }],
      },
      {
        role: "user",
        content: [{
          type: "tool_result",
          tool_use_id: "toolu_W",
          content: [{ type: "text", text: "sunny, 18°C" }],
        }],
      },
    ]);
    // the OpenAI caller's history holds no Anthropic signature, so thinking cannot go with it
    assert.equal(upstream2.thinking, undefined);
  });
});

Deno.test("OpenAI SDK → Anthropic upstream: a mid-stream error reaches the SDK as an error", async () => {
  await withServers(async (mock, proxy) => {
    mock.handle(() =>
      sse([
        anthropicEvents([
          { type: "message_start", message: anthropicMessage([], "end_turn") },
          { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Half" } },
          { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
        ]),
      ])
    );
    const client = openaiClient(proxy);
    const stream = client.chat.completions.stream({
      model: "claude-via-proxy",
      messages: [{ role: "user", content: "Hi" }],
    });
    await assert.rejects(stream.finalChatCompletion(), /Overloaded/);
  });
});
