/**
 * Gemini both ways, end to end with the official SDKs: `@google/genai` through the real proxy
 * to mock OpenAI and Anthropic upstreams, and the Anthropic and OpenAI SDKs to a mock Gemini
 * upstream. Each runs a two-turn tool round trip; turn 2 goes through a freshly started proxy,
 * so nothing can ride on server-side state. The mock Gemini upstream behaves as Gemini 3 does:
 * it issues a thoughtSignature on turn 1 and rejects turn 2 when that signature is not back on
 * the function call part.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type Content, GoogleGenAI } from "@google/genai";
import { json, type Mock, type Received, sse, startMock, startProxy } from "./_harness.ts";

const SIGNATURE = "CiQB0e2Kb8Zr+Tq/3mWc5nJpYk1sVv2Xh0aQ9uLdR4wE6yTgH7o=";

function models(mock: Mock): string {
  return `
- model_id: gpt-e2e
  model_name: gpt-upstream-1
  api_base: ${mock.url}/v1
  format: openai
- model_id: claude-e2e
  model_name: claude-upstream-1
  api_base: ${mock.url}
  format: anthropic
- model_id: gemini-e2e
  model_name: gemini-3-pro-preview
  api_base: ${mock.url}/v1beta
  format: gemini
`;
}

/** Runs `turn1` against one proxy and `turn2` against a freshly started one (a restart). */
async function acrossRestart(
  handler: (req: Received) => Response,
  turn1: (url: string, mock: Mock) => Promise<void>,
  turn2: (url: string, mock: Mock) => Promise<void>,
): Promise<Mock> {
  const mock = startMock(handler);
  try {
    let proxy = startProxy(models(mock));
    try {
      await turn1(proxy.url, mock);
    } finally {
      await proxy.close();
    }
    proxy = startProxy(models(mock));
    try {
      await turn2(proxy.url, mock);
    } finally {
      await proxy.close();
    }
  } finally {
    await mock.close();
  }
  return mock;
}

// ---------------------------------------------------------------------------------------------
// Mock Gemini 3 upstream
// ---------------------------------------------------------------------------------------------

function geminiError(message: string): Response {
  return json({ error: { code: 400, message, status: "INVALID_ARGUMENT" } }, 400);
}

/** Turn 1: a signed thought and a signed call. Turn 2: checked as Gemini 3 does, then text. */
function gemini3(req: Received): Response {
  const contents = req.json.contents as any[];
  const answered = contents.some((c) => c.parts?.some((p: any) => p.functionResponse));
  let parts: any[];
  if (!answered) {
    parts = [
      { text: "The user wants the weather.", thought: true },
      {
        functionCall: { name: "get_weather", args: { city: "Oslo" } },
        thoughtSignature: SIGNATURE,
      },
    ];
  } else {
    for (const content of contents.filter((c) => c.role === "model")) {
      const first = content.parts.find((p: any) => p.functionCall);
      if (first && !first.thoughtSignature) {
        return geminiError(
          "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance.",
        );
      }
      const known = [SIGNATURE, "skip_thought_signature_validator"];
      if (first && !known.includes(first.thoughtSignature)) {
        return geminiError("Corrupted thought signature.");
      }
    }
    const response = contents.at(-1).parts.find((p: any) => p.functionResponse)?.functionResponse;
    if (response?.name !== "get_weather") return geminiError("functionResponse.name is wrong");
    parts = [{ text: `Oslo: ${JSON.stringify(response.response)}` }];
  }
  const answer = {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP", index: 0 }],
    usageMetadata: {
      promptTokenCount: 50,
      candidatesTokenCount: 10,
      thoughtsTokenCount: 5,
      totalTokenCount: 65,
    },
    modelVersion: "gemini-3-pro-preview",
  };
  return req.path.endsWith(":streamGenerateContent")
    ? sse(parts.map((part, i) =>
      `data: ${
        JSON.stringify(
          i === parts.length - 1
            ? {
              ...answer,
              candidates: [{ ...answer.candidates[0], content: { role: "model", parts: [part] } }],
            }
            : { candidates: [{ content: { role: "model", parts: [part] }, index: 0 }] },
        )
      }\r\n\r\n`
    ))
    : json(answer);
}

const weatherTool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object" as const,
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
};

Deno.test("Anthropic SDK → Gemini 3: signed tool round trip across a restart", async () => {
  for (const stream of [false, true]) {
    let first: Anthropic.Message | undefined;
    const mock = await acrossRestart(gemini3, async (url) => {
      const client = new Anthropic({ apiKey: "sk-e2e-a", baseURL: `${url}/anthropic` });
      const request = {
        model: "gemini-e2e",
        max_tokens: 2000,
        tools: [weatherTool],
        messages: [{ role: "user" as const, content: "Weather in Oslo?" }],
      };
      first = stream
        ? await client.messages.stream(request).finalMessage()
        : await client.messages.create(request);
      assert.equal(first.stop_reason, "tool_use");
      assert.deepEqual(first.content.map((b) => b.type), ["thinking", "tool_use"]);
    }, async (url) => {
      const client = new Anthropic({ apiKey: "sk-e2e-a", baseURL: `${url}/anthropic` });
      const use = first!.content.find((b) => b.type === "tool_use")!;
      const request = {
        model: "gemini-e2e",
        max_tokens: 2000,
        tools: [weatherTool],
        messages: [
          { role: "user" as const, content: "Weather in Oslo?" },
          { role: "assistant" as const, content: first!.content },
          {
            role: "user" as const,
            content: [{ type: "tool_result" as const, tool_use_id: use.id, content: "3C, rain" }],
          },
        ],
      };
      const second = stream
        ? await client.messages.stream(request).finalMessage()
        : await client.messages.create(request);
      assert.equal(second.stop_reason, "end_turn");
      assert.deepEqual(second.content, [{ type: "text", text: 'Oslo: {"output":"3C, rain"}' }]);
    });
    const sent = mock.received[1].json;
    assert.equal(
      sent.contents[1].parts.find((p: any) => p.functionCall).thoughtSignature,
      SIGNATURE,
    );
    assert.ok(!JSON.stringify(sent.tools).includes("additionalProperties"));
  }
});

Deno.test("OpenAI SDK → Gemini 3: signed tool round trip across a restart (ids only)", async () => {
  for (const stream of [false, true]) {
    let calls: Array<{ id: string; name: string; arguments: string }> = [];
    let reasoning = "";
    const tools = [{
      type: "function" as const,
      function: {
        name: weatherTool.name,
        description: weatherTool.description,
        parameters: weatherTool.input_schema,
      },
    }];
    const mock = await acrossRestart(gemini3, async (url) => {
      const client = new OpenAI({ apiKey: "sk-e2e-o", baseURL: `${url}/openai/v1` });
      const messages = [{ role: "user" as const, content: "Weather in Oslo?" }];
      if (!stream) {
        const answer = await client.chat.completions.create({
          model: "gemini-e2e",
          tools,
          messages,
        });
        assert.equal(answer.choices[0].finish_reason, "tool_calls");
        const message = answer.choices[0].message as any;
        reasoning = message.reasoning_content;
        calls = message.tool_calls.map((c: any) => ({ id: c.id, ...c.function }));
        assert.deepEqual(message.tool_calls[0].extra_content, {
          google: { thought_signature: SIGNATURE },
        });
      } else {
        const chunks = await client.chat.completions.create({
          model: "gemini-e2e",
          tools,
          messages,
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const chunk of chunks) {
          const delta = chunk.choices[0]?.delta as any;
          reasoning += delta?.reasoning_content ?? "";
          for (const piece of delta?.tool_calls ?? []) {
            calls[piece.index] ??= { id: "", name: "", arguments: "" };
            calls[piece.index].id ||= piece.id ?? "";
            calls[piece.index].name += piece.function?.name ?? "";
            calls[piece.index].arguments += piece.function?.arguments ?? "";
          }
        }
      }
      assert.equal(reasoning, "The user wants the weather.");
      assert.equal(calls.length, 1);
      assert.deepEqual(JSON.parse(calls[0].arguments), { city: "Oslo" });
    }, async (url) => {
      const client = new OpenAI({ apiKey: "sk-e2e-o", baseURL: `${url}/openai/v1` });
      // As opencode replays it: the id verbatim, no extra_content.
      const answer = await client.chat.completions.create({
        model: "gemini-e2e",
        tools,
        messages: [
          { role: "user", content: "Weather in Oslo?" },
          {
            role: "assistant",
            content: "",
            tool_calls: calls.map((c) => ({
              id: c.id,
              type: "function" as const,
              function: { name: c.name, arguments: c.arguments },
            })),
          },
          { role: "tool", tool_call_id: calls[0].id, content: "3C, rain" },
        ],
      });
      assert.equal(answer.choices[0].message.content, 'Oslo: {"output":"3C, rain"}');
    });
    const sent = mock.received[1].json;
    assert.equal(
      sent.contents[1].parts.find((p: any) => p.functionCall).thoughtSignature,
      SIGNATURE,
    );
  }
});

Deno.test("the mock Gemini 3 rejects a lost signature; the proxy sends the placeholder", async () => {
  const turn2 = (callPart: Record<string, unknown>) => ({
    contents: [
      { role: "user", parts: [{ text: "Weather in Oslo?" }] },
      { role: "model", parts: [callPart] },
      {
        role: "user",
        parts: [{ functionResponse: { name: "get_weather", response: { output: "3C" } } }],
      },
    ],
  });
  const call = { functionCall: { name: "get_weather", args: { city: "Oslo" } } };
  const mock = await acrossRestart(gemini3, async () => {}, async (url, mock) => {
    // Straight to the mock, as a client that lost the signature would send it.
    const direct = await fetch(`${mock.url}/v1beta/models/gemini-3-pro-preview:generateContent`, {
      method: "POST",
      body: JSON.stringify(turn2(call)),
    });
    assert.equal(direct.status, 400);
    assert.match((await direct.json()).error.message, /missing a thought_signature/);
    // Through the proxy, history that never had a signature gets the documented placeholder.
    const client = new Anthropic({
      apiKey: "sk-e2e-a",
      baseURL: `${url}/anthropic`,
      maxRetries: 0,
    });
    const answer = await client.messages.create({
      model: "gemini-e2e",
      max_tokens: 100,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "Weather in Oslo?" },
        {
          role: "assistant",
          content: [{
            type: "tool_use",
            id: "toolu_x",
            name: "get_weather",
            input: { city: "Oslo" },
          }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_x", content: "3C" }] },
      ],
    });
    assert.equal(answer.stop_reason, "end_turn");
  });
  const sent = mock.received.at(-1)!.json.contents[1].parts[0];
  assert.equal(sent.thoughtSignature, "skip_thought_signature_validator");
});

// ---------------------------------------------------------------------------------------------
// @google/genai on OpenAI and Anthropic upstreams
// ---------------------------------------------------------------------------------------------

/** An OpenAI upstream: a call on turn 1; on turn 2 the result must answer that call's id. */
function openaiUpstream(req: Received): Response {
  const messages = req.json.messages as any[];
  const tool = messages.find((m) => m.role === "tool");
  const stream = req.json.stream === true;
  if (!tool) {
    const call = {
      id: "call_up_1",
      type: "function",
      function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
    };
    if (!stream) {
      return json({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "gpt-upstream-1",
        choices: [{
          index: 0,
          message: { role: "assistant", content: null, tool_calls: [call] },
          finish_reason: "tool_calls",
        }],
        usage: { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 },
      });
    }
    const chunk = (delta: any, finish: string | null = null, usage?: any) =>
      `data: ${
        JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion.chunk",
          created: 1,
          model: "gpt-upstream-1",
          choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }],
          ...(usage ? { usage } : {}),
        })
      }\n\n`;
    return sse([
      chunk({ role: "assistant", content: null }),
      chunk({
        tool_calls: [{ index: 0, ...call, function: { name: "get_weather", arguments: "" } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] }),
      chunk({}, "tool_calls"),
      chunk({}, null, { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 }),
      "data: [DONE]\n\n",
    ]);
  }
  const assistant = messages.find((m) => m.tool_calls);
  if (tool.tool_call_id !== assistant.tool_calls[0].id || tool.tool_call_id !== "call_up_1") {
    return json({
      error: { message: "tool_call_id does not match", type: "invalid_request_error" },
    }, 400);
  }
  const text = `Oslo: ${tool.content}`;
  if (!stream) {
    return json({
      id: "chatcmpl-2",
      object: "chat.completion",
      created: 1,
      model: "gpt-upstream-1",
      choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
      usage: { prompt_tokens: 30, completion_tokens: 5, total_tokens: 35 },
    });
  }
  return sse([
    `data: ${
      JSON.stringify({
        id: "c",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [{ index: 0, delta: { role: "assistant", content: text }, finish_reason: null }],
      })
    }\n\n`,
    `data: ${
      JSON.stringify({
        id: "c",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
      })
    }\n\n`,
    "data: [DONE]\n\n",
  ]);
}

/** An Anthropic upstream: a tool_use on turn 1; on turn 2 the tool_result must answer it. */
function anthropicUpstream(req: Received): Response {
  const messages = req.json.messages as any[];
  const last = messages.at(-1);
  const result = Array.isArray(last.content)
    ? last.content.find((b: any) => b.type === "tool_result")
    : undefined;
  let content: any[];
  let stop: string;
  if (!result) {
    content = [{
      type: "tool_use",
      id: "toolu_up_1",
      name: "get_weather",
      input: { city: "Oslo" },
    }];
    stop = "tool_use";
  } else {
    const use = messages.at(-2).content.find((b: any) => b.type === "tool_use");
    if (result.tool_use_id !== use?.id || use.id !== "toolu_up_1") {
      return json({
        type: "error",
        error: { type: "invalid_request_error", message: "tool_use_id does not match" },
      }, 400);
    }
    const text = typeof result.content === "string"
      ? result.content
      : result.content.map((b: any) => b.text).join("");
    content = [{ type: "text", text: `Oslo: ${text}` }];
    stop = "end_turn";
  }
  const message = {
    id: "msg_up",
    type: "message",
    role: "assistant",
    model: "claude-upstream-1",
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: 20, output_tokens: 5 },
  };
  if (req.json.stream !== true) return json(message);
  const event = (data: any) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;
  const block = content[0];
  const start = block.type === "tool_use" ? { ...block, input: {} } : { type: "text", text: "" };
  const delta = block.type === "tool_use"
    ? { type: "input_json_delta", partial_json: JSON.stringify(block.input) }
    : { type: "text_delta", text: block.text };
  return sse([
    event({ type: "message_start", message: { ...message, content: [], stop_reason: null } }),
    event({ type: "content_block_start", index: 0, content_block: start }),
    event({ type: "content_block_delta", index: 0, delta }),
    event({ type: "content_block_stop", index: 0 }),
    event({ type: "message_delta", delta: { stop_reason: stop }, usage: { output_tokens: 5 } }),
    event({ type: "message_stop" }),
  ]);
}

const declaration = {
  name: "get_weather",
  description: "Current weather for a city",
  parametersJsonSchema: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
  },
};

for (
  const [upstream, model, handler] of [
    ["OpenAI", "gpt-e2e", openaiUpstream],
    ["Anthropic", "claude-e2e", anthropicUpstream],
  ] as const
) {
  Deno.test(`@google/genai → ${upstream} upstream: function calling, whole and streamed`, async () => {
    for (const stream of [false, true]) {
      const history: Content[] = [{ role: "user", parts: [{ text: "Weather in Oslo?" }] }];
      const config = { tools: [{ functionDeclarations: [declaration] }] };
      const generate = async (url: string) => {
        const ai = new GoogleGenAI({
          apiKey: "AIza-e2e",
          httpOptions: { baseUrl: `${url}/gemini` },
        });
        if (!stream) {
          const answer = await ai.models.generateContent({ model, contents: history, config });
          return { content: answer.candidates![0].content!, answer };
        }
        const parts: any[] = [];
        let last: any;
        for await (
          const chunk of await ai.models.generateContentStream({ model, contents: history, config })
        ) {
          parts.push(...(chunk.candidates?.[0]?.content?.parts ?? []));
          last = chunk;
        }
        return { content: { role: "model", parts } as Content, answer: last };
      };
      let callId = "";
      await acrossRestart(handler, async (url) => {
        const { content, answer } = await generate(url);
        const calls = content.parts!.filter((p) => p.functionCall);
        assert.equal(calls.length, 1);
        assert.equal(calls[0].functionCall!.name, "get_weather");
        assert.deepEqual(calls[0].functionCall!.args, { city: "Oslo" });
        assert.ok(calls[0].functionCall!.id);
        assert.equal(answer.candidates[0].finishReason, "STOP");
        assert.ok(answer.usageMetadata.promptTokenCount > 0);
        callId = calls[0].functionCall!.id!;
        history.push(content, {
          role: "user",
          parts: [{
            functionResponse: { id: callId, name: "get_weather", response: { output: "3C, rain" } },
          }],
        });
      }, async (url) => {
        const { content } = await generate(url);
        const text = content.parts!.map((p) => p.text ?? "").join("");
        assert.equal(text, "Oslo: 3C, rain");
      });
    }
  });
}
