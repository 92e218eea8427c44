/**
 * End to end with the `openai` SDK's Responses client through the real proxy (over HTTP) to a
 * mock upstream of each dialect: `client.responses.create` and `client.responses.stream(...)`
 * with `finalResponse()`, a two-turn tool round trip in which the first answer's reasoning and
 * call are sent back as the SDK keeps them. The upstream must get its own proof of that
 * reasoning back (Anthropic's signature, Gemini's thought signature, DeepSeek-style text, the
 * Responses `encrypted_content`), and the call's result paired with its call.
 */
import assert from "node:assert/strict";
import OpenAI from "openai";
import { type Mock, type Proxy, startProxy } from "./_harness.ts";
import {
  ANTHROPIC_SIGNATURE,
  type Dialect,
  GEMINI_SIGNATURE,
  RESPONSES_PROOF,
  type Script,
  startScriptedUpstream,
  USAGE,
} from "./_scripted_upstream.ts";

const SCRIPT: Script = {
  tool: "get_weather",
  input: { city: "Paris", unit: "c" },
  thinking: "The user wants the weather in Paris; get_weather has it.",
  finalText: "It is 18°C in Paris.",
};

const TOOLS: OpenAI.Responses.Tool[] = [{
  type: "function",
  name: "get_weather",
  description: "Weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" }, unit: { type: "string" } },
    required: ["city"],
  },
  strict: false,
}];

const API_BASE: Record<Dialect, (mock: Mock) => string> = {
  openai: (mock) => `${mock.url}/v1`,
  anthropic: (mock) => mock.url,
  gemini: (mock) => `${mock.url}/v1beta`,
  responses: (mock) => `${mock.url}/v1`,
};

async function withServers(
  dialect: Dialect,
  fn: (client: OpenAI, mock: Mock, proxy: Proxy) => Promise<void>,
): Promise<void> {
  const mock = startScriptedUpstream(dialect, SCRIPT);
  const proxy = startProxy(`
- model_id: codex-model
  model_name: upstream-model
  api_base: ${API_BASE[dialect](mock)}
  format: ${dialect}
  max_tokens: 8K
`);
  const client = new OpenAI({
    apiKey: "sk-e2e-responses",
    baseURL: `${proxy.url}/openai/v1`,
    maxRetries: 0,
  });
  try {
    await fn(client, mock, proxy);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

type Ask = (
  client: OpenAI,
  input: OpenAI.Responses.ResponseInput,
) => Promise<OpenAI.Responses.Response>;

const BODY = {
  model: "codex-model",
  tools: TOOLS,
  reasoning: { effort: "high" as const },
  include: ["reasoning.encrypted_content" as const],
  store: false,
};

const ASK: Record<"create" | "stream", Ask> = {
  create: (client, input) => client.responses.create({ ...BODY, input }),
  stream: async (client, input) => {
    const stream = client.responses.stream({ ...BODY, input });
    const seen = new Set<string>();
    stream.on("event", (event) => seen.add(event.type));
    const response = await stream.finalResponse();
    for (const type of ["response.created", "response.output_item.done", "response.completed"]) {
      assert.ok(seen.has(type), `${type} in ${[...seen]}`);
    }
    return response;
  },
};

/** What the upstream got back on the second turn: its own proof of the first turn's reasoning. */
function assertReplayed(dialect: Dialect, body: any, callId: string): void {
  switch (dialect) {
    case "anthropic": {
      const [assistant, results] = body.messages.slice(-2);
      assert.deepEqual(assistant.content.map((b: any) => b.type), ["thinking", "tool_use"]);
      assert.equal(assistant.content[0].signature, ANTHROPIC_SIGNATURE);
      assert.equal(assistant.content[0].thinking, SCRIPT.thinking);
      assert.equal(assistant.content[1].id, callId);
      assert.equal(results.content[0].tool_use_id, callId);
      assert.deepEqual(results.content[0].content, [{ type: "text", text: "18°C, sunny" }]);
      return;
    }
    case "gemini": {
      const [model, results] = body.contents.slice(-2);
      const call = model.parts.find((p: any) => p.functionCall);
      assert.equal(call.thoughtSignature, GEMINI_SIGNATURE);
      assert.deepEqual(call.functionCall.args, SCRIPT.input);
      assert.equal(results.parts[0].functionResponse.name, "get_weather");
      return;
    }
    case "openai": {
      const [assistant, result] = body.messages.slice(-2);
      assert.equal(assistant.reasoning_content, SCRIPT.thinking);
      assert.equal(assistant.tool_calls[0].id, callId);
      assert.equal(result.role, "tool");
      assert.equal(result.tool_call_id, callId);
      return;
    }
    case "responses": {
      const items = body.input as any[];
      const reasoning = items.find((i) => i.type === "reasoning");
      assert.equal(reasoning.encrypted_content, RESPONSES_PROOF);
      const call = items.find((i) => i.type === "function_call");
      assert.equal(call.call_id, callId);
      assert.equal(items.at(-1).type, "function_call_output");
      assert.equal(items.at(-1).call_id, callId);
      assert.equal(body.store, false);
      return;
    }
  }
}

for (const dialect of ["openai", "anthropic", "gemini", "responses"] as const) {
  for (const mode of ["create", "stream"] as const) {
    Deno.test(`openai SDK client.responses.${mode}: a tool round trip with reasoning replayed, ${dialect} upstream`, async () => {
      await withServers(dialect, async (client, mock) => {
        const question: OpenAI.Responses.ResponseInput = [{
          role: "user",
          content: "What is the weather in Paris?",
        }];
        const first = await ASK[mode](client, question);
        assert.equal(first.status, "completed");
        assert.equal(first.model, "codex-model");
        assert.deepEqual(first.output.map((i) => i.type), ["reasoning", "function_call"]);
        const [reasoning, call] = first.output as [
          OpenAI.Responses.ResponseReasoningItem,
          OpenAI.Responses.ResponseFunctionToolCall,
        ];
        assert.equal(reasoning.summary.map((s) => s.text).join(""), SCRIPT.thinking);
        assert.ok(reasoning.encrypted_content, "the reasoning carries its proof");
        assert.equal(call.name, "get_weather");
        assert.deepEqual(JSON.parse(call.arguments), SCRIPT.input);
        assert.equal(first.usage?.input_tokens, USAGE.input);
        assert.equal(first.usage?.output_tokens, USAGE.output);
        assert.equal(first.usage?.total_tokens, USAGE.input + USAGE.output);

        const second = await ASK[mode](client, [
          ...question,
          ...first.output as OpenAI.Responses.ResponseInputItem[],
          { type: "function_call_output", call_id: call.call_id, output: "18°C, sunny" },
        ]);
        assert.equal(second.status, "completed");
        assert.equal(second.output_text, SCRIPT.finalText);
        assert.equal(mock.received.length, 2);
        assertReplayed(dialect, mock.received[1].json, call.call_id);
      });
    });
  }
}
