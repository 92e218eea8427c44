/**
 * A Gemini caller on a DeepSeek-style upstream, driven as Gemini CLI drives it: the upstream's
 * `reasoning_content` reaches the caller as thought parts, Gemini CLI drops those from the
 * history it sends back but keeps each call part's `thoughtSignature`, and the tool turn must
 * still reach the upstream with that reasoning, which a DeepSeek-style upstream demands in
 * thinking mode. Turn 2 goes through a freshly started proxy, so nothing can ride on
 * server-side state.
 */
import assert from "node:assert/strict";
import {
  json,
  type Mock,
  parseSse,
  type Received,
  sse,
  startMock,
  startProxy,
} from "./_harness.ts";

const REASONING = "The user wants the files listed.\nI'll run `ls` — 一覧 first.";
const CALL_ID = "call_ds_1";
const FINAL = "Two files: a.ts and b.ts.";
const SKIP = "skip_thought_signature_validator";

function models(mock: Mock): string {
  return `
- model_id: deepseek
  model_name: deepseek-reasoner
  api_base: ${mock.url}/v1
  format: openai
  thinking_style: deepseek
- model_id: claude
  model_name: claude-upstream-1
  api_base: ${mock.url}
  format: anthropic
- model_id: gemini-compat
  model_name: gemini-3-pro-preview
  api_base: ${mock.url}/v1
  format: openai
- model_id: gemini-native
  model_name: gemini-3-pro-preview
  api_base: ${mock.url}/v1beta
  format: gemini
`;
}

/** The upstream, by path: DeepSeek-like Chat Completions, Anthropic Messages, or Gemini. */
function upstream(req: Received): Response {
  if (req.path.endsWith("/chat/completions")) return deepseek(req);
  if (req.path.endsWith("/messages")) {
    return json({
      id: "msg_up",
      type: "message",
      role: "assistant",
      model: "claude-upstream-1",
      content: [{ type: "text", text: FINAL }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 20, output_tokens: 5 },
    });
  }
  return json({
    candidates: [{ content: { role: "model", parts: [{ text: FINAL }] }, finishReason: "STOP" }],
    usageMetadata: { promptTokenCount: 20, candidatesTokenCount: 5, totalTokenCount: 25 },
  });
}

/**
 * DeepSeek in thinking mode: reasoning and a call first; a tool turn whose assistant message
 * lost its `reasoning_content` is refused, as DeepSeek refuses it; with it, the final answer.
 */
function deepseek(req: Received): Response {
  const messages: any[] = req.json.messages;
  const lost = messages.findIndex((m) =>
    m.role === "assistant" && m.tool_calls?.length > 0 && !m.reasoning_content
  );
  if (lost >= 0) {
    return json({
      error: {
        message:
          `Missing \`reasoning_content\` field in the assistant message at message index ${lost}`,
        type: "invalid_request_error",
      },
    }, 400);
  }
  const call = messages.at(-1).role !== "tool";
  const message = call
    ? {
      role: "assistant",
      content: null,
      reasoning_content: REASONING,
      tool_calls: [{
        id: CALL_ID,
        type: "function",
        function: { name: "run_shell_command", arguments: '{"command":"ls"}' },
      }],
    }
    : { role: "assistant", content: FINAL };
  const finish = call ? "tool_calls" : "stop";
  const usage = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };
  if (req.json.stream !== true) {
    return json({
      id: "chatcmpl-ds",
      object: "chat.completion",
      created: 1,
      model: "deepseek-reasoner",
      choices: [{ index: 0, message, finish_reason: finish }],
      usage,
    });
  }
  const chunk = (delta: unknown, finishReason: string | null = null) =>
    `data: ${
      JSON.stringify({
        id: "chatcmpl-ds",
        object: "chat.completion.chunk",
        created: 1,
        model: "deepseek-reasoner",
        choices: [{ index: 0, delta, finish_reason: finishReason }],
        ...(finishReason ? { usage } : {}),
      })
    }\n\n`;
  const half = Math.floor(REASONING.length / 2);
  const pieces = call
    ? [
      chunk({ role: "assistant", reasoning_content: REASONING.slice(0, half) }),
      chunk({ reasoning_content: REASONING.slice(half) }),
      chunk({ tool_calls: [{ index: 0, ...message.tool_calls![0] }] }),
    ]
    : [chunk({ role: "assistant", content: FINAL })];
  return sse([...pieces, chunk({}, finish), "data: [DONE]\n\n"]);
}

const TOOLS = [{
  functionDeclarations: [{
    name: "run_shell_command",
    description: "Runs a shell command",
    parametersJsonSchema: {
      type: "object",
      properties: { command: { type: "string" } },
      required: ["command"],
    },
  }],
}];
const ASK = { role: "user", parts: [{ text: "List the files here" }] };

/** One Gemini request through the proxy: the status and every part of the answer. */
async function generate(
  url: string,
  model: string,
  contents: unknown[],
  stream: boolean,
): Promise<{ status: number; parts: any[]; text: string }> {
  const method = stream ? "streamGenerateContent?alt=sse" : "generateContent";
  const response = await fetch(`${url}/gemini/v1beta/models/${model}:${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": "AIza-e2e" },
    body: JSON.stringify({
      contents,
      tools: TOOLS,
      generationConfig: { thinkingConfig: { includeThoughts: true, thinkingLevel: "HIGH" } },
    }),
  });
  const text = await response.text();
  const chunks = stream ? parseSse(text).map((event) => event.data) : [JSON.parse(text)];
  const parts = chunks.flatMap((chunk) => chunk?.candidates?.[0]?.content?.parts ?? []);
  return { status: response.status, parts, text };
}

/**
 * Turn 1 on DeepSeek through one proxy, turn 2 on `model` through a freshly started one, as
 * Gemini CLI sends it (its thought parts dropped) unless `keepThoughts`; the upstream's
 * requests and the caller's second answer come back.
 */
async function twoTurns(
  stream: boolean,
  model: string,
  keepThoughts = false,
): Promise<{ turn1: any[]; second: Received; answer: { status: number; text: string } }> {
  const mock = startMock(upstream);
  try {
    let proxy = startProxy(models(mock));
    let turn1: any[];
    try {
      const first = await generate(proxy.url, "deepseek", [ASK], stream);
      assert.equal(first.status, 200, first.text);
      turn1 = first.parts;
    } finally {
      await proxy.close();
    }
    const replayed = keepThoughts ? turn1 : turn1.filter((part) => part.thought !== true);
    const call = turn1.find((part) => part.functionCall).functionCall;
    const result = {
      role: "user",
      parts: [{
        functionResponse: { id: call.id, name: call.name, response: { output: "a.ts b.ts" } },
      }],
    };
    proxy = startProxy(models(mock));
    try {
      const second = await generate(proxy.url, model, [
        ASK,
        { role: "model", parts: replayed },
        result,
      ], stream);
      assert.equal(mock.received.length, 2);
      return { turn1, second: mock.received[1], answer: second };
    } finally {
      await proxy.close();
    }
  } finally {
    await mock.close();
  }
}

for (const stream of [false, true]) {
  const how = stream ? "streamed" : "whole";
  Deno.test(`Gemini CLI → DeepSeek-style upstream (${how}): the tool turn gets its reasoning back`, async () => {
    const { turn1, second, answer } = await twoTurns(stream, "deepseek");
    const thoughts = turn1.filter((part) => part.thought === true).map((part) => part.text).join(
      "",
    );
    assert.equal(thoughts, REASONING, "the caller sees the reasoning as thought parts");
    const callPart = turn1.find((part) => part.functionCall);
    assert.equal(callPart.functionCall.id, CALL_ID);
    assert.match(callPart.thoughtSignature, /^proxy:t1:[A-Za-z0-9_-]+$/);

    assert.equal(answer.status, 200, answer.text);
    assert.ok(answer.text.includes(FINAL));
    const assistant = second.json.messages.find((m: any) => m.role === "assistant");
    assert.equal(assistant.reasoning_content, REASONING);
    assert.equal(assistant.tool_calls[0].id, CALL_ID);
    assert.equal(second.json.messages.at(-1).tool_call_id, CALL_ID);
    assert.ok(!second.body.includes("proxy:"), "the proxy's signature is not sent upstream");
  });
}

Deno.test("a Gemini client that replays its thought parts gets the reasoning sent back once", async () => {
  const { second, answer } = await twoTurns(false, "deepseek", true);
  assert.equal(answer.status, 200, answer.text);
  const assistant = second.json.messages.find((m: any) => m.role === "assistant");
  assert.equal(assistant.reasoning_content, REASONING);
});

Deno.test("the carried reasoning never reaches an Anthropic upstream, nor Gemini's OpenAI endpoint as a signature", async () => {
  for (const stream of [false, true]) {
    const anthropic = await twoTurns(stream, "claude");
    assert.equal(anthropic.answer.status, 200, anthropic.answer.text);
    const blocks = anthropic.second.json.messages.flatMap((m: any) =>
      Array.isArray(m.content) ? m.content : []
    );
    assert.deepEqual(blocks.filter((b: any) => b.type === "thinking"), []);
    assert.ok(blocks.some((b: any) => b.type === "tool_use" && b.id === CALL_ID));
    assert.ok(!anthropic.second.body.includes("proxy:"));

    const compat = await twoTurns(stream, "gemini-compat");
    assert.equal(compat.answer.status, 200, compat.answer.text);
    const assistant = compat.second.json.messages.find((m: any) => m.role === "assistant");
    assert.equal(assistant.tool_calls[0].extra_content, undefined);
    assert.ok(!compat.second.body.includes("proxy:"));
  }
});

// A Gemini caller on a Gemini model is a pass-through, which sends the caller's history as it
// is, but for a call signature the proxy made: Gemini would refuse it.
Deno.test("a Gemini caller switching to a Gemini model sends Gemini no proxy signature", async () => {
  const { second, answer } = await twoTurns(true, "gemini-native");
  assert.equal(answer.status, 200, answer.text);
  assert.ok(!second.body.includes("proxy:"));
  const model = second.json.contents.find((c: any) => c.role === "model");
  assert.equal(model.parts.find((p: any) => p.functionCall).thoughtSignature, SKIP);
});
