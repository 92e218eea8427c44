/**
 * Conformance: every pair that involves Gemini (Gemini callers on OpenAI and Anthropic
 * upstreams, Anthropic and OpenAI callers on a Gemini upstream), plus the three pass-throughs,
 * through the real proxy over HTTP to a mock upstream. One step per case; what a pair cannot
 * honour is listed with `skip` and its reason. The Anthropic ⇄ OpenAI pairs live in
 * anthropic_openai_test.ts.
 */
import assert from "node:assert/strict";
import type { Dialect } from "../../lib/ir/types.ts";
import { json, type Received, startMock, startProxy } from "../_harness.ts";
import {
  assertAnthropicStream,
  type CallerResult,
  type Case,
  fixture,
  fixtureJson,
  joinedToolInput,
  MODEL,
  runCases,
  UPSTREAM_MODEL,
} from "./_runner.ts";

// ---------------------------------------------------------------------------------------------
// Wire builders and readers
// ---------------------------------------------------------------------------------------------

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const PDF = "JVBERi0xLjQKJcTl8uXrp/Og0MTGCjEgMCBvYmoKPDwvVHlwZSAvQ2F0YWxvZz4+CmVuZG9iago=";
const SIG_CALL = "Q2FsbFNpZ25hdHVyZS9wbHVzK2FuZD0vc2xhc2g9PQ==";
const SIG_THOUGHT = "VGhvdWdodFNpZ25hdHVyZQ==";
const SKIP = "skip_thought_signature_validator";
const LONG_ID = "list_background_processes_1732451234567_0";
const LONGER_ID = "mcp__plugin_github_github__list_pull_request_reviews_1732451234567_1";

type Json = any;

const user = (...parts: Json[]) => ({ role: "user", parts });
const model = (...parts: Json[]) => ({ role: "model", parts });
const call = (name: string, args: Json, id?: string, thoughtSignature?: string) => ({
  functionCall: { name, args, ...(id ? { id } : {}) },
  ...(thoughtSignature ? { thoughtSignature } : {}),
});
const reply = (name: string, output: unknown, id?: string) => ({
  functionResponse: { name, response: { output }, ...(id ? { id } : {}) },
});

/** A whole Gemini answer. */
function gAnswer(parts: Json[], finishReason = "STOP", usage?: Json): Json {
  return {
    candidates: [{ content: { role: "model", parts }, finishReason, index: 0 }],
    usageMetadata: usage ?? { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 },
    modelVersion: "gemini-3-pro-preview",
    responseId: "resp_up_1",
  };
}

/** Gemini `alt=sse` text from chunks. */
function gSse(chunks: Json[]): string {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`).join("");
}

/** A whole Chat Completions answer. */
function oAnswer(message: Json, finish = "stop", usage?: Json): Json {
  return {
    id: "chatcmpl-up-1",
    object: "chat.completion",
    created: 1732451234,
    model: "gpt-real-1",
    choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
    usage: usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/** A whole Anthropic message. */
function aAnswer(content: Json[], stop = "end_turn", usage?: Json): Json {
  return {
    id: "msg_up_1",
    type: "message",
    role: "assistant",
    model: "claude-real-1",
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: usage ?? { input_tokens: 10, output_tokens: 5 },
  };
}

/** The answer an upstream of `dialect` gives for plain text. */
function textAnswer(dialect: Dialect, text: string): Json {
  switch (dialect) {
    case "openai":
      return oAnswer({ content: text });
    case "anthropic":
      return aAnswer([{ type: "text", text }]);
    case "gemini":
      return gAnswer([{ text }]);
  }
}

/** Text of OpenAI content (string or parts) or Anthropic content (string or blocks). */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.filter((p) => typeof p?.text === "string").map((p) => p.text).join("\n");
}

/** Every part a Gemini caller received, whole or streamed, in order. */
function geminiParts(r: CallerResult): Json[] {
  const chunks = r.events ? r.events.map((e) => e.data) : [r.json];
  return chunks.flatMap((c) => c?.candidates?.[0]?.content?.parts ?? []);
}

/** The last chunk (or the answer) that carries `key` on the candidate or at the top. */
function geminiLast(r: CallerResult, key: "finishReason" | "usageMetadata"): Json {
  const chunks = r.events ? r.events.map((e) => e.data) : [r.json];
  const found = chunks.filter((c) =>
    key === "finishReason" ? c?.candidates?.[0]?.finishReason : c?.usageMetadata
  );
  const last = found.at(-1);
  return key === "finishReason" ? last?.candidates[0].finishReason : last?.usageMetadata;
}

/** SPEC §5: exactly `data: <one-line JSON>` and a blank line per chunk, nothing else. */
function assertGeminiSse(text: string): void {
  assert.ok(text.length > 0, "an empty stream");
  const frames = text.split("\n\n");
  assert.equal(frames.pop(), "", "the stream must end with a blank line");
  for (const frame of frames) {
    assert.match(frame, /^data: \S[^\n\r]*$/, `not a lone data line: ${JSON.stringify(frame)}`);
    JSON.parse(frame.slice(6));
  }
}

/** Every schema keyword used anywhere in a cleaned schema (property names excluded). */
function schemaKeywords(node: Json, out = new Set<string>()): Set<string> {
  if (!node || typeof node !== "object") return out;
  for (const [key, value] of Object.entries(node)) {
    out.add(key);
    if (key === "properties") {
      for (const child of Object.values(value as Json)) schemaKeywords(child, out);
    } else if (key === "items") schemaKeywords(value, out);
    else if (key === "anyOf") { for (const child of value as Json[]) schemaKeywords(child, out); }
  }
  return out;
}

const basic = { contents: [user({ text: "Hi" })] };

// ---------------------------------------------------------------------------------------------
// Gemini callers on OpenAI and Anthropic upstreams
// ---------------------------------------------------------------------------------------------

/** The messages an upstream received, with the system prompt in front for both dialects. */
function upMessages(up: Dialect, body: Json): Json[] {
  if (up === "openai") return body.messages;
  const system = body.system === undefined ? [] : [{ role: "system", content: body.system }];
  return [...system, ...body.messages];
}

/** The tool calls of an upstream assistant message: [{id, name, args}]. */
function upCalls(up: Dialect, message: Json): Array<{ id: string; name: string; args: Json }> {
  if (up === "openai") {
    return (message.tool_calls ?? []).map((c: Json) => ({
      id: c.id,
      name: c.function.name,
      args: JSON.parse(c.function.arguments),
    }));
  }
  return message.content.filter((b: Json) => b.type === "tool_use").map((b: Json) => ({
    id: b.id,
    name: b.name,
    args: b.input,
  }));
}

/** The tool results following an assistant message: [{id, text}] in order. */
function upResults(
  up: Dialect,
  messages: Json[],
  from: number,
): Array<{ id: string; text: string }> {
  if (up === "openai") {
    const out = [];
    for (let i = from; i < messages.length && messages[i].role === "tool"; i++) {
      out.push({ id: messages[i].tool_call_id, text: textOf(messages[i].content) });
    }
    return out;
  }
  return messages[from].content.filter((b: Json) => b.type === "tool_result").map((b: Json) => ({
    id: b.tool_use_id,
    text: textOf(b.content),
  }));
}

function toolCallAnswer(up: "openai" | "anthropic"): Json {
  return up === "openai"
    ? oAnswer({
      content: null,
      tool_calls: [
        {
          id: "call_w1",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Oslo"}' },
        },
        { id: "call_w2", type: "function", function: { name: "get_time", arguments: "{}" } },
      ],
    }, "tool_calls")
    : aAnswer([
      { type: "tool_use", id: "toolu_w1", name: "get_weather", input: { city: "Oslo" } },
      { type: "tool_use", id: "toolu_w2", name: "get_time", input: {} },
    ], "tool_use");
}

const weatherTools = [{
  functionDeclarations: [
    {
      name: "get_weather",
      description: "Weather for a city",
      parameters: {
        type: "OBJECT",
        properties: { city: { type: "STRING" }, unit: { type: "STRING", enum: ["C", "F"] } },
        required: ["city"],
      },
    },
    { name: "get_time" },
  ],
}];

function geminiCallerCases(up: "openai" | "anthropic"): Case[] {
  const base = { caller: "gemini" as const, upstream: up };
  const text = { answer: { json: textAnswer(up, "Sunny.") } };
  return [
    ...geminiCallerMessageCases(up, base, text),
    ...geminiCallerToolCases(up, base, text),
    ...geminiCallerThinkingCases(up, base, text),
    ...geminiCallerEndingCases(up, base),
    ...geminiCallerStreamCases(up, base),
    ...geminiCallerErrorCases(up, base),
    ...geminiCallerExtraCases(up, base),
  ];
}

type Base = { caller: Dialect; upstream: Dialect };

function geminiCallerMessageCases(up: "openai" | "anthropic", base: Base, text: Json): Case[] {
  return [{
    ...base,
    ...text,
    name: "systemInstruction (role user) and user/model text turns",
    request: {
      systemInstruction: { role: "user", parts: [{ text: "Be brief." }, { text: "Use metric." }] },
      contents: [user({ text: "Hi" }), model({ text: "Hello!" }), user({ text: "Weather?" })],
    },
    checkUpstream: (body) => {
      const messages = upMessages(up, body);
      assert.deepEqual(messages.map((m) => m.role), ["system", "user", "assistant", "user"]);
      assert.match(textOf(messages[0].content), /Be brief\.[\s\S]*Use metric\./);
      assert.deepEqual(messages.slice(1).map((m) => textOf(m.content)), [
        "Hi",
        "Hello!",
        "Weather?",
      ]);
      assert.equal(body.model, UPSTREAM_MODEL[up]);
    },
    check: (r) => {
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.candidates[0].content, {
        role: "model",
        parts: [{ text: "Sunny." }],
      });
      assert.equal(r.json.candidates[0].finishReason, "STOP");
    },
  }, {
    ...base,
    ...text,
    name: "inlineData and fileData images, inline PDF",
    request: {
      contents: [user(
        { text: "Compare these." },
        { inlineData: { mimeType: "image/png", data: PNG } },
        { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.jpg" } },
        { inlineData: { mimeType: "application/pdf", data: PDF } },
      )],
    },
    checkUpstream: (body) => {
      const content = upMessages(up, body).at(-1).content;
      if (up === "openai") {
        assert.deepEqual(content.slice(0, 3), [
          { type: "text", text: "Compare these." },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
        ]);
        assert.equal(content[3].type, "file");
        assert.equal(content[3].file.file_data, `data:application/pdf;base64,${PDF}`);
      } else {
        assert.deepEqual(content, [
          { type: "text", text: "Compare these." },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
          {
            type: "document",
            source: { type: "base64", media_type: "application/pdf", data: PDF },
          },
        ]);
      }
    },
    check: (r) => assert.equal(r.status, 200),
  }, {
    ...base,
    ...text,
    name: "generationConfig: maxOutputTokens capped, temperature, topP, stopSequences",
    request: {
      ...basic,
      generationConfig: {
        maxOutputTokens: 99999,
        temperature: 0.4,
        topP: 0.9,
        stopSequences: ["END"],
      },
    },
    checkUpstream: (body) => {
      assert.equal(body.max_tokens, 16000);
      assert.equal(body.temperature, 0.4);
      // Anthropic refuses temperature and top_p together: top_p gives way (with a warning).
      if (up === "openai") assert.equal(body.top_p, 0.9);
      else assert.equal(body.top_p, undefined);
      assert.deepEqual(up === "openai" ? body.stop : body.stop_sequences, ["END"]);
    },
    check: (r) => assert.equal(r.status, 200),
  }];
}

function geminiCallerToolCases(up: "openai" | "anthropic", base: Base, text: Json): Case[] {
  const choice = (name: string, config: Json, openai: Json, anthropic: Json): Case => ({
    ...base,
    ...text,
    name: `toolConfig ${name}`,
    request: { ...basic, tools: weatherTools, toolConfig: { functionCallingConfig: config } },
    checkUpstream: (body) =>
      assert.deepEqual(body.tool_choice, up === "openai" ? openai : anthropic),
    check: (r) => assert.equal(r.status, 200),
  });
  const cli = fixtureJson("requests/gemini_cli_request.json");
  return [
    {
      ...base,
      ...text,
      name: "Gemini CLI tools (parametersJsonSchema) declared upstream",
      request: cli,
      checkUpstream: (body) => {
        const tools = up === "openai"
          ? body.tools.map((t: Json) => ({ name: t.function.name, schema: t.function.parameters }))
          : body.tools.map((t: Json) => ({ name: t.name, schema: t.input_schema }));
        const declared = cli.tools[0].functionDeclarations;
        assert.deepEqual(tools.map((t: Json) => t.name), declared.map((d: Json) => d.name));
        const readFile = tools.find((t: Json) => t.name === "read_file");
        const original = declared.find((d: Json) => d.name === "read_file").parametersJsonSchema;
        assert.deepEqual(readFile.schema.required, original.required);
        assert.deepEqual(Object.keys(readFile.schema.properties), Object.keys(original.properties));
      },
      check: (r) => assert.equal(r.status, 200),
    },
    {
      ...base,
      ...text,
      name: "OpenAPI upper-case types in parameters become JSON Schema types",
      request: { ...basic, tools: weatherTools },
      checkUpstream: (body) => {
        const schema = up === "openai"
          ? body.tools[0].function.parameters
          : body.tools[0].input_schema;
        assert.equal(schema.type, "object");
        assert.equal(schema.properties.city.type, "string");
        assert.deepEqual(schema.properties.unit.enum, ["C", "F"]);
        assert.deepEqual(schema.required, ["city"]);
      },
      check: (r) => assert.equal(r.status, 200),
    },
    choice("AUTO", { mode: "AUTO" }, "auto", { type: "auto" }),
    choice("NONE", { mode: "NONE" }, "none", { type: "none" }),
    choice("ANY", { mode: "ANY" }, "required", { type: "any" }),
    choice(
      "ANY with one allowed function",
      { mode: "ANY", allowedFunctionNames: ["get_weather"] },
      { type: "function", function: { name: "get_weather" } },
      { type: "tool", name: "get_weather" },
    ),
    {
      ...base,
      ...text,
      name: "calls without ids get stable ids; responses without ids find theirs by name and order",
      request: {
        tools: weatherTools,
        contents: [
          user({ text: "Weather in Oslo and Rome?" }),
          model(call("get_weather", { city: "Oslo" }), call("get_weather", { city: "Rome" })),
          user(reply("get_weather", "Oslo: 3C"), reply("get_weather", "Rome: 18C")),
        ],
      },
      checkUpstream: (body) => {
        const messages = upMessages(up, body);
        const at = messages.findIndex((m) => m.role === "assistant");
        const calls = upCalls(up, messages[at]);
        assert.deepEqual(calls.map((c) => c.args.city), ["Oslo", "Rome"]);
        assert.ok(calls[0].id && calls[1].id && calls[0].id !== calls[1].id);
        const results = upResults(up, messages, at + 1);
        assert.deepEqual(results, [
          { id: calls[0].id, text: "Oslo: 3C" },
          { id: calls[1].id, text: "Rome: 18C" },
        ]);
      },
      check: (r) => assert.equal(r.status, 200),
    },
    {
      ...base,
      ...text,
      name: "Gemini CLI history: two calls in one turn, both results in order, ids kept",
      request: cli,
      checkUpstream: (body) => {
        const messages = upMessages(up, body);
        const at = messages.findLastIndex((m) => m.role === "assistant");
        const calls = upCalls(up, messages[at]);
        assert.deepEqual(calls.map((c) => [c.id, c.name]), [
          ["list_directory_1732451234567_0", "list_directory"],
          ["read_file_1732451234567_1", "read_file"],
        ]);
        const results = upResults(up, messages, at + 1);
        assert.deepEqual(results.map((r) => r.id), calls.map((c) => c.id));
        assert.match(results[0].text, /Directory listing/);
        assert.match(results[1].text, /DEEPSEEK_BASE_URL/);
      },
      check: (r) => assert.equal(r.status, 200),
    },
    {
      ...base,
      ...text,
      name: "results come before other user content of the same turn",
      request: {
        contents: [
          user({ text: "Time?" }),
          model(call("get_time", {}, "t1")),
          user({ text: "Also, be quick." }, reply("get_time", "12:00", "t1")),
        ],
      },
      checkUpstream: (body) => {
        const messages = upMessages(up, body);
        if (up === "openai") {
          assert.deepEqual(messages.slice(-2).map((m: Json) => m.role), ["tool", "user"]);
          assert.equal(textOf(messages.at(-1).content), "Also, be quick.");
        } else {
          assert.deepEqual(messages.at(-1).content.map((b: Json) => b.type), [
            "tool_result",
            "text",
          ]);
        }
      },
      check: (r) => assert.equal(r.status, 200),
    },
    {
      ...base,
      ...text,
      name: "an image in a function response reaches the upstream",
      request: {
        contents: [
          user({ text: "Screenshot?" }),
          model(call("screenshot", {}, "s1")),
          user({
            functionResponse: {
              id: "s1",
              name: "screenshot",
              response: { output: "captured" },
              parts: [{ inlineData: { mimeType: "image/png", data: PNG } }],
            },
          }),
        ],
      },
      checkUpstream: (body) => {
        const messages = upMessages(up, body);
        if (up === "openai") {
          const tool = messages.findIndex((m: Json) => m.role === "tool");
          assert.equal(messages[tool].tool_call_id, "s1");
          assert.equal(messages[tool + 1].role, "user");
          assert.deepEqual(
            messages[tool + 1].content.find((p: Json) => p.type === "image_url"),
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
          );
        } else {
          const result = messages.at(-1).content[0];
          assert.equal(result.type, "tool_result");
          assert.deepEqual(result.content.find((b: Json) => b.type === "image"), {
            type: "image",
            source: { type: "base64", media_type: "image/png", data: PNG },
          });
        }
      },
      check: (r) => assert.equal(r.status, 200),
    },
    {
      ...base,
      ...text,
      name: "long Gemini CLI call ids fitted consistently (calls and results match)",
      request: {
        contents: [
          user({ text: "List and review." }),
          model(call("list_background_processes", {}, LONG_ID), call("review", {}, LONGER_ID)),
          user(
            reply("list_background_processes", "none", LONG_ID),
            reply("review", "ok", LONGER_ID),
          ),
        ],
      },
      checkUpstream: (body) => {
        const messages = upMessages(up, body);
        const at = messages.findIndex((m) => m.role === "assistant");
        const ids = upCalls(up, messages[at]).map((c) => c.id);
        assert.deepEqual(upResults(up, messages, at + 1).map((r) => r.id), ids);
        const max = up === "openai" ? 40 : 64;
        for (const id of ids) assert.ok(id.length <= max, `id ${id} is over ${max} characters`);
        assert.notEqual(ids[0], ids[1]);
        if (up === "anthropic") assert.equal(ids[0], LONG_ID);
      },
      check: (r) => assert.equal(r.status, 200),
    },
    {
      ...base,
      name: "upstream calls reach the caller as functionCall parts with ids; STOP",
      request: { ...basic, tools: weatherTools },
      answer: { json: toolCallAnswer(up) },
      check: (r) => {
        assert.equal(r.status, 200);
        const parts = geminiParts(r);
        assert.deepEqual(parts.map((p) => p.functionCall.name), ["get_weather", "get_time"]);
        assert.deepEqual(parts[0].functionCall.args, { city: "Oslo" });
        assert.deepEqual(parts[1].functionCall.args, {});
        assert.ok(parts[0].functionCall.id && parts[1].functionCall.id);
        assert.equal(geminiLast(r, "finishReason"), "STOP");
      },
    },
    {
      ...base,
      ...text,
      name: `a thoughtSignature in the caller's history never reaches ${up}${
        up === "openai" ? " (BUG: lib/openai sends extra_content)" : ""
      }`,
      request: cli,
      checkUpstream: (_body, req) => {
        const signature = cli.contents[3].parts[0].thoughtSignature;
        assert.ok(!req.body.includes(signature), "the Gemini signature was sent upstream");
        assert.ok(!req.body.includes(signature.slice(0, 40)));
        assert.ok(!req.body.includes("__gsig_"));
      },
      check: (r) => assert.equal(r.status, 200),
    },
  ];
}

function geminiCallerThinkingCases(up: "openai" | "anthropic", base: Base, text: Json): Case[] {
  const config = (name: string, thinkingConfig: Json, expect: (body: Json) => void): Case => ({
    ...base,
    ...text,
    name: `thinkingConfig ${name}`,
    request: { ...basic, generationConfig: { thinkingConfig } },
    checkUpstream: expect,
    check: (r) => assert.equal(r.status, 200),
  });
  const openai = up === "openai";
  return [
    config("thinkingLevel HIGH", { includeThoughts: true, thinkingLevel: "HIGH" }, (body) => {
      if (openai) assert.equal(body.reasoning_effort, "high");
      else {
        assert.equal(body.thinking.type, "enabled");
        assert.ok(
          body.thinking.budget_tokens >= 8193 && body.thinking.budget_tokens < body.max_tokens,
        );
      }
    }),
    config("thinkingLevel LOW", { thinkingLevel: "LOW" }, (body) => {
      if (openai) assert.equal(body.reasoning_effort, "low");
      else assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 1024 });
    }),
    config("thinkingBudget 4096", { includeThoughts: true, thinkingBudget: 4096 }, (body) => {
      if (openai) assert.equal(body.reasoning_effort, "medium");
      else assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 4096 });
    }),
    config("thinkingBudget 0 (off)", { thinkingBudget: 0 }, (body) => {
      assert.equal(body.reasoning_effort, undefined);
      if (!openai) assert.ok(body.thinking === undefined || body.thinking.type === "disabled");
    }),
    config("includeThoughts alone (dynamic)", { includeThoughts: true }, (body) => {
      if (openai) assert.equal(body.reasoning_effort, undefined);
      else assert.equal(body.thinking.type, "adaptive");
    }),
    {
      ...base,
      name: "upstream thinking reaches the caller as thought parts, never as answer text",
      request: { ...basic, generationConfig: { thinkingConfig: { includeThoughts: true } } },
      answer: {
        json: openai ? oAnswer({ reasoning_content: "Cold front.", content: "Sunny." }) : aAnswer([
          { type: "thinking", thinking: "Cold front.", signature: "EqAnthropicSig" },
          { type: "text", text: "Sunny." },
        ]),
      },
      check: (r) => {
        assert.deepEqual(geminiParts(r), [{ text: "Cold front.", thought: true }, {
          text: "Sunny.",
        }]);
        assert.ok(!r.text.includes("EqAnthropicSig"), "an Anthropic signature reached Gemini");
      },
    },
  ];
}

function geminiCallerEndingCases(up: "openai" | "anthropic", base: Base): Case[] {
  const ending = (
    name: string,
    upstream: [string, string],
    finishReason: string,
  ): Case => ({
    ...base,
    name: `${up === "openai" ? upstream[0] : upstream[1]} → finishReason ${finishReason} (${name})`,
    request: basic,
    answer: {
      json: up === "openai"
        ? oAnswer({ content: "Partial" }, upstream[0])
        : aAnswer([{ type: "text", text: "Partial" }], upstream[1]),
    },
    check: (r) => assert.equal(r.json.candidates[0].finishReason, finishReason),
  });
  return [
    ending("whole", ["stop", "end_turn"], "STOP"),
    ending("whole", ["length", "max_tokens"], "MAX_TOKENS"),
    ending("whole", ["content_filter", "refusal"], "SAFETY"),
    {
      ...base,
      name: "usage with cached and reasoning tokens → usageMetadata",
      request: basic,
      answer: {
        json: up === "openai"
          ? oAnswer({ content: "Hi" }, "stop", {
            prompt_tokens: 100,
            completion_tokens: 30,
            total_tokens: 130,
            prompt_tokens_details: { cached_tokens: 40 },
            completion_tokens_details: { reasoning_tokens: 10 },
          })
          : aAnswer([{ type: "text", text: "Hi" }], "end_turn", {
            input_tokens: 60,
            cache_read_input_tokens: 40,
            cache_creation_input_tokens: 0,
            output_tokens: 30,
          }),
      },
      check: (r) => {
        assert.deepEqual(r.json.usageMetadata, {
          promptTokenCount: 100,
          cachedContentTokenCount: 40,
          candidatesTokenCount: up === "openai" ? 20 : 30,
          ...(up === "openai" ? { thoughtsTokenCount: 10 } : {}),
          totalTokenCount: 130,
        });
      },
    },
  ];
}

function geminiCallerStreamCases(up: "openai" | "anthropic", base: Base): Case[] {
  const sse = up === "openai"
    ? fixture("streams/openai_deepseek_reasoning_tools.sse")
    : fixture("streams/anthropic_thinking_tools.sse");
  const checkParts = (r: CallerResult) => {
    const parts = geminiParts(r);
    const kinds = parts.map((p) => p.functionCall ? "call" : p.thought ? "thought" : "text");
    // Kinds in order, runs collapsed: thoughts, then text, then the calls.
    const runs = kinds.filter((k, i) => k === "call" || k !== kinds[i - 1]);
    assert.deepEqual(runs, ["thought", "text", "call", "call"]);
    for (const p of parts.filter((p) => p.functionCall)) {
      assert.equal(typeof p.functionCall.args, "object");
      assert.ok(p.functionCall.id);
    }
    assert.equal(geminiLast(r, "finishReason"), "STOP");
    const usage = geminiLast(r, "usageMetadata");
    assert.ok(usage.promptTokenCount > 0 && usage.candidatesTokenCount > 0);
    assert.ok(!r.text.includes("thoughtSignature"), "a signature Gemini did not make");
  };
  return [{
    ...base,
    name: "streamed thinking, text and two calls as alt=sse chunks",
    stream: true,
    request: { ...basic, tools: weatherTools },
    answer: { sse, chunkSize: 61 },
    checkUpstream: (body) => assert.equal(body.stream, true),
    check: (r) => {
      assert.equal(r.status, 200);
      assert.match(r.headers.get("content-type")!, /text\/event-stream/);
      assertGeminiSse(r.text);
      checkParts(r);
    },
  }, {
    ...base,
    name: "streamed as the JSON-array form (no alt=sse)",
    stream: true,
    geminiArray: true,
    request: { ...basic, tools: weatherTools },
    answer: { sse, chunkSize: 61 },
    check: (r) => {
      assert.equal(r.status, 200);
      assert.match(r.headers.get("content-type")!, /application\/json/);
      assert.ok(Array.isArray(JSON.parse(r.text)));
      checkParts(r);
    },
  }, {
    ...base,
    name: "a stream cut off upstream ends with a Gemini error chunk",
    stream: true,
    request: basic,
    answer: {
      sse: up === "openai"
        ? fixture("streams/openai_truncated.sse")
        : fixture("streams/anthropic_error_midstream.sse"),
    },
    check: (r) => {
      assertGeminiSse(r.text);
      const last = r.events!.at(-1)!.data;
      assert.equal(typeof last.error.code, "number");
      assert.equal(typeof last.error.message, "string");
      assert.equal(typeof last.error.status, "string");
      assert.equal(geminiLast(r, "finishReason"), undefined, "must not look like a normal end");
    },
  }];
}

function geminiCallerExtraCases(up: "openai" | "anthropic", base: Base): Case[] {
  return [{
    ...base,
    name: "can_stream: false upstream, streamed to the caller as alt=sse",
    stream: true,
    model: { can_stream: false },
    request: { ...basic, tools: weatherTools },
    answer: { json: toolCallAnswer(up) },
    checkUpstream: (body) => assert.ok(body.stream !== true),
    check: (r) => {
      assert.equal(r.status, 200);
      assertGeminiSse(r.text);
      assert.deepEqual(geminiParts(r).map((p) => p.functionCall?.name), [
        "get_weather",
        "get_time",
      ]);
      assert.equal(geminiLast(r, "finishReason"), "STOP");
    },
  }, {
    ...base,
    name: "a stream cut off upstream still ends a valid JSON array",
    stream: true,
    geminiArray: true,
    request: basic,
    answer: {
      sse: up === "openai"
        ? fixture("streams/openai_truncated.sse")
        : fixture("streams/anthropic_error_midstream.sse"),
    },
    check: (r) => {
      const items = JSON.parse(r.text);
      assert.ok(Array.isArray(items));
      assert.equal(typeof items.at(-1).error.message, "string");
    },
  }, {
    ...base,
    name: "a functionResponse with response.error is an error result",
    request: {
      contents: [
        user({ text: "Time?" }),
        model(call("get_time", {}, "t1")),
        user({ functionResponse: { id: "t1", name: "get_time", response: { error: "no clock" } } }),
      ],
    },
    answer: { json: textAnswer(up, "Sorry.") },
    checkUpstream: (body) => {
      const messages = upMessages(up, body);
      if (up === "openai") {
        assert.match(textOf(messages.at(-1).content), /no clock/);
      } else {
        const result = messages.at(-1).content[0];
        assert.equal(result.is_error, true);
        assert.match(textOf(result.content), /no clock/);
      }
    },
    check: (r) => assert.equal(r.status, 200),
  }];
}

function geminiCallerErrorCases(up: "openai" | "anthropic", base: Base): Case[] {
  const upstreamError = (type: string, message: string): Json =>
    up === "openai"
      ? { error: { message, type, param: null, code: null } }
      : { type: "error", error: { type, message } };
  return [{
    ...base,
    name: "upstream 429 → RESOURCE_EXHAUSTED with Retry-After kept",
    request: basic,
    answer: {
      status: 429,
      headers: { "retry-after": "7" },
      json: upstreamError("rate_limit_error", "Slow down please"),
    },
    check: (r) => {
      assert.equal(r.status, 429);
      assert.equal(r.headers.get("retry-after"), "7");
      assert.deepEqual(r.json, {
        error: { code: 429, message: "Slow down please", status: "RESOURCE_EXHAUSTED" },
      });
    },
  }, {
    ...base,
    name: "upstream 400 → INVALID_ARGUMENT carrying the message",
    request: basic,
    answer: { status: 400, json: upstreamError("invalid_request_error", "bad field x") },
    check: (r) => {
      assert.equal(r.status, 400);
      assert.deepEqual(r.json, {
        error: { code: 400, message: "bad field x", status: "INVALID_ARGUMENT" },
      });
    },
  }, {
    ...base,
    name: "upstream 401 → UNAUTHENTICATED",
    request: basic,
    answer: { status: 401, json: upstreamError("authentication_error", "bad key") },
    check: (r) => {
      assert.equal(r.status, 401);
      assert.equal(r.json.error.status, "UNAUTHENTICATED");
    },
  }, {
    ...base,
    name: up === "openai" ? "upstream 503 → UNAVAILABLE" : "upstream 529 overloaded → UNAVAILABLE",
    request: basic,
    answer: {
      status: up === "openai" ? 503 : 529,
      json: upstreamError(up === "openai" ? "server_error" : "overloaded_error", "busy"),
    },
    check: (r) => {
      assert.equal(r.status, up === "openai" ? 503 : 529);
      assert.equal(r.json.error.status, "UNAVAILABLE");
      assert.equal(r.json.error.message, "busy");
    },
  }, {
    ...base,
    name: "a malformed caller body is a 400 INVALID_ARGUMENT naming the field",
    request: { contents: [{ role: "user", parts: [{ text: 5 }] }] },
    answer: { json: {} },
    check: (r) => {
      assert.equal(r.status, 400);
      assert.equal(r.json.error.status, "INVALID_ARGUMENT");
      assert.match(r.json.error.message, /contents\[0\]\.parts\[0\]/);
    },
  }, {
    ...base,
    name: "candidateCount above 1 is a 400",
    request: { ...basic, generationConfig: { candidateCount: 2 } },
    answer: { json: {} },
    check: (r) => {
      assert.equal(r.status, 400);
      assert.equal(r.json.error.status, "INVALID_ARGUMENT");
    },
  }];
}

Deno.test("conformance gemini → openai", async (t) => {
  await runCases(t, geminiCallerCases("openai"));
});

Deno.test("conformance gemini → anthropic", async (t) => {
  await runCases(t, geminiCallerCases("anthropic"));
});

// ---------------------------------------------------------------------------------------------
// Anthropic and OpenAI callers on a Gemini upstream
// ---------------------------------------------------------------------------------------------

/** Gemini 3 refuses a history whose first call of a model turn carries no thoughtSignature. */
function gemini3(answer: Json): (req: Received) => { status?: number; json?: Json; sse?: string } {
  return (req) => {
    for (const content of req.json?.contents ?? []) {
      if (content.role !== "model") continue;
      const first = (content.parts ?? []).find((p: Json) => p.functionCall);
      if (first && !first.thoughtSignature) {
        return {
          status: 400,
          json: {
            error: {
              code: 400,
              message:
                "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly.",
              status: "INVALID_ARGUMENT",
            },
          },
        };
      }
    }
    return typeof answer === "string" ? { sse: answer } : { json: answer };
  };
}

/** An Anthropic or OpenAI request with the given (Anthropic-shaped) turns. */
function callerBody(caller: Dialect, extra: Json = {}): Json {
  return caller === "anthropic"
    ? { max_tokens: 1000, messages: [{ role: "user", content: "Hi" }], ...extra }
    : { messages: [{ role: "user", content: "Hi" }], ...extra };
}

/** A Gemini upstream's answer with a signed thought, text, a signed call and an unsigned one. */
const signedAnswer = gAnswer(
  [
    { text: "Need the file.", thought: true, thoughtSignature: SIG_THOUGHT },
    { text: "Reading it." },
    call("read_file", { path: "a.ts" }, undefined, SIG_CALL),
    call("glob", { pattern: "*.ts" }),
  ],
  "STOP",
  {
    promptTokenCount: 100,
    cachedContentTokenCount: 40,
    candidatesTokenCount: 20,
    thoughtsTokenCount: 10,
    totalTokenCount: 130,
  },
);

const fileTools = {
  anthropic: [
    {
      name: "read_file",
      input_schema: { type: "object", properties: { path: { type: "string" } } },
    },
    { name: "glob", input_schema: { type: "object", properties: { pattern: { type: "string" } } } },
  ],
  openai: [
    {
      type: "function",
      function: {
        name: "read_file",
        parameters: { type: "object", properties: { path: { type: "string" } } },
      },
    },
    {
      type: "function",
      function: {
        name: "glob",
        parameters: { type: "object", properties: { pattern: { type: "string" } } },
      },
    },
  ],
};

/** The Anthropic blocks a stream carried, rebuilt as a client does. */
function anthropicBlocks(events: Array<{ event?: string; data: Json }>): Json[] {
  const blocks: Json[] = [];
  const args: string[] = [];
  for (const { data } of events) {
    if (data.type === "content_block_start") {
      blocks[data.index] = structuredClone(data.content_block);
      args[data.index] = "";
    } else if (data.type === "content_block_delta") {
      const b = blocks[data.index];
      const d = data.delta;
      if (d.type === "text_delta") b.text += d.text;
      if (d.type === "thinking_delta") b.thinking += d.thinking;
      if (d.type === "signature_delta") b.signature += d.signature;
      if (d.type === "input_json_delta") args[data.index] += d.partial_json;
    } else if (data.type === "content_block_stop" && blocks[data.index].type === "tool_use") {
      blocks[data.index].input = JSON.parse(args[data.index] || "{}");
    }
  }
  return blocks;
}

/** The assistant message an OpenAI stream carried, rebuilt as a client does. */
function openaiMessage(events: Array<{ data: Json }>): Json {
  const message: Json = { role: "assistant", content: "", reasoning_content: "", tool_calls: [] };
  for (const { data } of events) {
    const delta = data?.choices?.[0]?.delta;
    if (!delta) continue;
    if (delta.content) message.content += delta.content;
    if (delta.reasoning_content) message.reasoning_content += delta.reasoning_content;
    for (const piece of delta.tool_calls ?? []) {
      const call = message.tool_calls[piece.index] ??= {
        id: "",
        type: "function",
        function: { name: "", arguments: "" },
      };
      if (piece.id) call.id = piece.id;
      if (piece.function?.name) call.function.name += piece.function.name;
      if (piece.function?.arguments) call.function.arguments += piece.function.arguments;
      if (piece.extra_content) call.extra_content = piece.extra_content;
    }
  }
  return message;
}

/** Anthropic tool results answering every tool_use block. */
function anthropicResults(blocks: Json[]): Json {
  return {
    role: "user",
    content: blocks.filter((b) => b.type === "tool_use").map((b) => ({
      type: "tool_result",
      tool_use_id: b.id,
      content: `result of ${b.name}`,
    })),
  };
}

/** Checks the model turn Gemini received back: signatures on the parts that carried them. */
function assertReplayed(body: Json, thoughtSig: string, callSig: string): void {
  const turn = body.contents.find((c: Json) => c.role === "model");
  const calls = turn.parts.filter((p: Json) => p.functionCall);
  assert.equal(calls[0].thoughtSignature, callSig, "the call's signature did not come back");
  assert.equal(calls[1].thoughtSignature, undefined);
  const thought = turn.parts.find((p: Json) => p.thought);
  if (thought) assert.equal(thought.thoughtSignature, thoughtSig);
  const responses = body.contents.at(-1).parts.filter((p: Json) => p.functionResponse);
  assert.deepEqual(responses.map((p: Json) => p.functionResponse.name), ["read_file", "glob"]);
  assert.deepEqual(
    responses.map((p: Json) => p.functionResponse.id),
    calls.map((p: Json) => p.functionCall.id),
  );
  assert.ok(!JSON.stringify(body).includes("__gsig_"), "a signed caller id went upstream");
}

function signatureRoundTrips(caller: "anthropic" | "openai"): Case[] {
  const base = { caller, upstream: "gemini" as const };
  const tools = { tools: fileTools[caller] };
  const streamFixture = fixture("streams/gemini_thinking_tools.sse");
  const fixtureSigs = [...streamFixture.matchAll(/"thoughtSignature": "([^"]+)"/g)].map((m) =>
    m[1]
  );
  let whole: Json;
  let streamed: Json;
  const turn2 = (turn1: () => Json): Json =>
    caller === "anthropic"
      ? {
        max_tokens: 1000,
        ...tools,
        messages: [
          { role: "user", content: "Fix it" },
          { role: "assistant", content: turn1() },
          anthropicResults(turn1()),
        ],
      }
      : {
        ...tools,
        messages: [
          { role: "user", content: "Fix it" },
          // opencode drops extra_content from the calls it replays: only the id carries it.
          {
            ...turn1(),
            tool_calls: turn1().tool_calls.map(({ extra_content: _, ...c }: Json) => c),
          },
          ...turn1().tool_calls.map((c: Json) => ({
            role: "tool",
            tool_call_id: c.id,
            content: `result of ${c.function.name}`,
          })),
        ],
      };
  return [{
    ...base,
    name: "turn 1 (whole): the thoughtSignature reaches the caller on the call id",
    request: callerBody(caller, tools),
    answer: { json: signedAnswer },
    check: (r) => {
      assert.equal(r.status, 200);
      if (caller === "anthropic") {
        whole = r.json.content;
        assert.deepEqual(whole.map((b: Json) => b.type), [
          "thinking",
          "text",
          "tool_use",
          "tool_use",
        ]);
        assert.equal(whole[0].signature, `gemini:${SIG_THOUGHT}`);
        assert.match(whole[2].id, /__gsig_/);
        assert.doesNotMatch(whole[3].id, /__gsig_/);
      } else {
        whole = r.json.choices[0].message;
        assert.equal(whole.reasoning_content, "Need the file.");
        assert.match(whole.tool_calls[0].id, /__gsig_/);
        assert.deepEqual(whole.tool_calls[0].extra_content, {
          google: { thought_signature: SIG_CALL },
        });
        assert.doesNotMatch(whole.tool_calls[1].id, /__gsig_/);
        assert.equal(whole.tool_calls[1].extra_content, undefined);
      }
    },
  }, {
    ...base,
    name: "turn 2 (whole, fresh proxy): the signature is back on the same functionCall part",
    get request() {
      return turn2(() => whole);
    },
    answer: gemini3(gAnswer([{ text: "Done." }])),
    checkUpstream: (body) => assertReplayed(body, SIG_THOUGHT, SIG_CALL),
    check: (r) => assert.equal(r.status, 200, r.text),
  }, {
    ...base,
    name: "turn 1 (streamed): signatures on the thinking block and the first call id",
    request: callerBody(caller, { ...tools, stream: true }),
    answer: { sse: streamFixture, chunkSize: 333 },
    check: (r) => {
      assert.equal(r.status, 200);
      if (caller === "anthropic") {
        assertAnthropicStream(r.events!);
        streamed = anthropicBlocks(r.events!);
        assert.deepEqual(streamed.map((b: Json) => b.type), [
          "thinking",
          "text",
          "tool_use",
          "tool_use",
        ]);
        assert.equal(streamed[0].signature, `gemini:${fixtureSigs[0]}`);
        assert.match(streamed[2].id, /__gsig_/);
        assert.doesNotMatch(streamed[3].id, /__gsig_/);
      } else {
        streamed = openaiMessage(r.events!);
        assert.match(streamed.reasoning_content, /Planning the fix/);
        assert.equal(streamed.tool_calls.length, 2);
        assert.match(streamed.tool_calls[0].id, /__gsig_/);
        assert.doesNotMatch(streamed.tool_calls[1].id, /__gsig_/);
      }
    },
  }, {
    ...base,
    name: "turn 2 (streamed, fresh proxy): the signature is back; Gemini 3 accepts it",
    get request() {
      return { ...turn2(() => streamed), stream: true };
    },
    answer: gemini3(gSse([gAnswer([{ text: "Done." }])])),
    checkUpstream: (body) => assertReplayed(body, fixtureSigs[0], fixtureSigs[1]),
    check: (r) => {
      assert.equal(r.status, 200, r.text);
      assert.ok(!r.text.includes("missing a thought_signature"));
    },
  }];
}

function callerOnGeminiCases(caller: "anthropic" | "openai"): Case[] {
  return [
    ...callerOnGeminiMessageCases(caller),
    ...callerOnGeminiToolCases(caller),
    ...callerOnGeminiThinkingCases(caller),
    ...signatureRoundTrips(caller),
    ...callerOnGeminiEndingCases(caller),
    ...callerOnGeminiStreamCases(caller),
    ...callerOnGeminiErrorCases(caller),
  ];
}

const okGemini = { answer: { json: gAnswer([{ text: "Sunny." }]) } };

function callerOnGeminiMessageCases(caller: "anthropic" | "openai"): Case[] {
  const base = { caller, upstream: "gemini" as const, ...okGemini };
  const anthropic = caller === "anthropic";
  return [{
    ...base,
    name: anthropic
      ? "Claude Code: system blocks and the mid-conversation system message → systemInstruction"
      : "leading and mid-conversation system messages → systemInstruction, in order",
    request: anthropic ? fixtureJson("requests/claude_code_request.json") : {
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
        { role: "system", content: "Now answer in French." },
        { role: "user", content: "Weather?" },
      ],
    },
    checkUpstream: (body, req) => {
      assert.match(req.path, /\/v1beta\/models\/gemini-3-pro-preview:(stream)?[gG]enerateContent$/);
      assert.equal(req.headers.get("x-goog-api-key"), "sk-conformance-0000");
      const system = body.systemInstruction.parts.map((p: Json) => p.text);
      if (anthropic) {
        // Claude Code's billing line (system[0]) goes only to Anthropic upstreams.
        assert.equal(system.length, 3);
        assert.match(system[0], /^You are Claude Code/);
        assert.match(system[2], /^# MCP Server Instructions/);
        assert.ok(!JSON.stringify(body).includes("cch="), "no billing nonce upstream");
      } else {
        assert.deepEqual(system, ["You are terse.", "Now answer in French."]);
      }
      const roles = body.contents.map((c: Json) => c.role);
      assert.ok(
        roles.every((r: string, i: number) => r === (i % 2 ? "model" : "user")),
        `${roles}`,
      );
      if (!anthropic) {
        assert.deepEqual(body.contents.map((c: Json) => c.parts), [
          [{ text: "Hi" }],
          [{ text: "Hello" }],
          [{ text: "Weather?" }],
        ]);
      }
    },
    check: (r) => assert.equal(r.status, 200),
  }, {
    ...base,
    name: "base64 and URL images, a PDF → inlineData / fileData",
    request: callerBody(caller, {
      messages: [{
        role: "user",
        content: anthropic
          ? [
            { type: "text", text: "Compare." },
            { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
            {
              type: "document",
              source: { type: "base64", media_type: "application/pdf", data: PDF },
            },
          ]
          : [
            { type: "text", text: "Compare." },
            { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
            {
              type: "file",
              file: { filename: "a.pdf", file_data: `data:application/pdf;base64,${PDF}` },
            },
          ],
      }],
    }),
    checkUpstream: (body) => {
      assert.deepEqual(body.contents, [user(
        { text: "Compare." },
        { inlineData: { mimeType: "image/png", data: PNG } },
        { fileData: { mimeType: "image/jpeg", fileUri: "https://example.com/cat.jpg" } },
        { inlineData: { mimeType: "application/pdf", data: PDF } },
      )]);
    },
    check: (r) => assert.equal(r.status, 200),
  }, {
    ...base,
    name: "max tokens capped, temperature, top_p, stop → generationConfig",
    request: callerBody(caller, {
      max_tokens: 99999,
      temperature: 0.3,
      top_p: 0.8,
      ...(anthropic ? { stop_sequences: ["END"] } : { stop: ["END"] }),
    }),
    checkUpstream: (body) => {
      assert.equal(body.generationConfig.maxOutputTokens, 16000);
      assert.equal(body.generationConfig.temperature, 0.3);
      assert.equal(body.generationConfig.topP, 0.8);
      assert.deepEqual(body.generationConfig.stopSequences, ["END"]);
      assert.equal(body.model, undefined);
      assert.equal(body.stream, undefined);
    },
    check: (r) => {
      assert.equal(r.status, 200);
      if (anthropic) assert.deepEqual(r.json.content, [{ type: "text", text: "Sunny." }]);
      else assert.equal(r.json.choices[0].message.content, "Sunny.");
      assert.equal(r.json.model, MODEL.gemini);
    },
  }];
}

const FORBIDDEN = [
  "$schema",
  "additionalProperties",
  "propertyNames",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "const",
  "$ref",
  "$defs",
  "default",
];

function callerOnGeminiToolCases(caller: "anthropic" | "openai"): Case[] {
  const base = { caller, upstream: "gemini" as const, ...okGemini };
  const anthropic = caller === "anthropic";
  const choice = (name: string, wire: Json, expected: Json): Case => ({
    ...base,
    name: `tool choice ${name} → toolConfig`,
    request: callerBody(caller, { tools: fileTools[caller], tool_choice: wire }),
    checkUpstream: (body) => assert.deepEqual(body.toolConfig, { functionCallingConfig: expected }),
    check: (r) => assert.equal(r.status, 200),
  });
  const history = anthropic
    ? [
      { role: "user", content: "Read both" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Reading." },
          { type: "tool_use", id: "toolu_1", name: "read_file", input: { path: "a.ts" } },
          { type: "tool_use", id: "toolu_2", name: "glob", input: { pattern: "*.ts" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "Keep going." },
          { type: "tool_result", tool_use_id: "toolu_2", content: "a.ts b.ts" },
          {
            type: "tool_result",
            tool_use_id: "toolu_1",
            content: [
              { type: "text", text: "export {}" },
              { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
            ],
          },
        ],
      },
    ]
    : [
      { role: "user", content: "Read both" },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "read_file", arguments: '{"path":"a.ts"}' },
          },
          {
            id: "call_2",
            type: "function",
            function: { name: "glob", arguments: '{"pattern":"*.ts"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: "export {}" },
      { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "a.ts b.ts" }] },
      { role: "user", content: "Keep going." },
    ];
  const ids = anthropic ? ["toolu_1", "toolu_2"] : ["call_1", "call_2"];
  return [
    {
      ...base,
      name: anthropic
        ? "Claude Code tools: schemas cleaned for Gemini, meaning kept"
        : "tools: schemas cleaned for Gemini, meaning kept",
      request: anthropic ? fixtureJson("requests/claude_code_request.json") : callerBody(caller, {
        tools: fixtureJson("requests/claude_code_request.json").tools.filter((t: Json) => t.name)
          .map((t: Json) => ({
            type: "function",
            function: { name: t.name, description: t.description, parameters: t.input_schema },
          })),
      }),
      checkUpstream: (body) => {
        const declarations = body.tools[0].functionDeclarations;
        assert.equal(declarations.length, 24);
        for (const d of declarations) {
          assert.ok(d.name.length <= 64, `${d.name} is over 64 characters`);
          const used = schemaKeywords(d.parameters ?? {});
          for (const key of FORBIDDEN) assert.ok(!used.has(key), `${d.name} keeps "${key}"`);
          for (const key of used) {
            assert.ok(!Array.isArray(d.parameters?.type), `${d.name}: a type array`);
            assert.ok(!key.startsWith("$"), `${d.name} keeps ${key}`);
          }
        }
        const byName = (n: string) => declarations.find((d: Json) => d.name === n).parameters;
        const todo = byName("TodoWrite");
        assert.deepEqual(todo.required, ["todos"]);
        assert.deepEqual(todo.properties.todos.items.required, ["content", "status", "activeForm"]);
        assert.deepEqual(todo.properties.todos.items.properties.status.enum, [
          "pending",
          "in_progress",
          "completed",
        ]);
        const ask = byName("AskUserQuestion");
        const question = ask.properties.questions.items; // was a $ref into $defs
        assert.deepEqual(question.required, ["question", "header", "options", "multiSelect"]);
        assert.deepEqual(question.properties.options.items.required, ["label", "description"]);
        assert.deepEqual(byName("Grep").properties.output_mode.enum, [
          "content",
          "files_with_matches",
          "count",
        ]);
        assert.deepEqual(byName("Bash").required, ["command"]);
      },
      check: (r) => assert.equal(r.status, 200),
    },
    choice("auto", anthropic ? { type: "auto" } : "auto", { mode: "AUTO" }),
    choice("none", anthropic ? { type: "none" } : "none", { mode: "NONE" }),
    choice("any / required", anthropic ? { type: "any" } : "required", { mode: "ANY" }),
    choice(
      "one named tool",
      anthropic ? { type: "tool", name: "glob" } : { type: "function", function: { name: "glob" } },
      { mode: "ANY", allowedFunctionNames: ["glob"] },
    ),
    {
      ...base,
      name: "two calls, results find their names, results first then the user's text",
      request: callerBody(caller, { tools: fileTools[caller], messages: history }),
      checkUpstream: (body) => {
        assert.deepEqual(body.contents.map((c: Json) => c.role), ["user", "model", "user"]);
        const calls = body.contents[1].parts.filter((p: Json) => p.functionCall);
        assert.deepEqual(calls.map((p: Json) => [p.functionCall.id, p.functionCall.name]), [
          [ids[0], "read_file"],
          [ids[1], "glob"],
        ]);
        assert.equal(calls[0].thoughtSignature, SKIP, "Gemini 3 needs the documented placeholder");
        assert.equal(calls[1].thoughtSignature, undefined);
        const parts = body.contents[2].parts;
        const kinds = parts.map((p: Json) => Object.keys(p)[0]);
        const responses = parts.filter((p: Json) => p.functionResponse).map((p: Json) =>
          p.functionResponse
        );
        assert.deepEqual(
          responses.map((r: Json) => r.name).sort(),
          ["glob", "read_file"],
        );
        for (const r of responses) {
          assert.equal(r.id, ids[r.name === "read_file" ? 0 : 1]);
          assert.deepEqual(r.response, { output: r.name === "glob" ? "a.ts b.ts" : "export {}" });
        }
        assert.equal(kinds.at(-1), "text");
        assert.equal(parts.at(-1).text, "Keep going.");
        assert.ok(kinds.lastIndexOf("functionResponse") < kinds.indexOf("text"));
      },
      check: (r) => assert.equal(r.status, 200),
    },
    {
      ...base,
      name: "an image in a tool result → inlineData in the same turn",
      skip: anthropic ? undefined : "OpenAI tool messages carry text only",
      request: callerBody(caller, { tools: fileTools[caller], messages: history }),
      checkUpstream: (body) => {
        const parts = body.contents[2].parts;
        assert.ok(
          parts.some((p: Json) =>
            p.inlineData?.data === PNG && p.inlineData.mimeType === "image/png"
          ),
        );
      },
      check: (r) => assert.equal(r.status, 200),
    },
    {
      ...base,
      name: "history without signatures: placeholder on each step's first call, nothing foreign",
      request: anthropic
        ? fixtureJson("requests/claude_code_request.json")
        : fixtureJson("requests/opencode_request.json"),
      checkUpstream: (body, req) => {
        let steps = 0;
        for (const content of body.contents.filter((c: Json) => c.role === "model")) {
          const calls = content.parts.filter((p: Json) => p.functionCall);
          if (calls.length === 0) continue;
          steps++;
          assert.equal(calls[0].thoughtSignature, SKIP);
          for (const c of calls.slice(1)) assert.equal(c.thoughtSignature, undefined);
        }
        assert.ok(steps > 0);
        assert.ok(!req.body.includes("Eo4KCkYI"), "an Anthropic signature reached Gemini");
        assert.ok(!req.body.includes('"thought":true'), "unsigned thinking reached Gemini");
      },
      check: (r) => assert.equal(r.status, 200),
    },
  ];
}

function callerOnGeminiThinkingCases(caller: "anthropic" | "openai"): Case[] {
  const base = { caller, upstream: "gemini" as const, ...okGemini };
  const config = (name: string, extra: Json, expected: Json): Case => ({
    ...base,
    name: `${name} → thinkingConfig`,
    request: callerBody(caller, { max_tokens: 16000, ...extra }),
    checkUpstream: (body) => assert.deepEqual(body.generationConfig.thinkingConfig, expected),
    check: (r) => assert.equal(r.status, 200),
  });
  const thinkingCases = caller === "anthropic"
    ? [
      config("thinking enabled 1024", { thinking: { type: "enabled", budget_tokens: 1024 } }, {
        includeThoughts: true,
        thinkingLevel: "LOW",
      }),
      config("thinking enabled 31999", { thinking: { type: "enabled", budget_tokens: 31999 } }, {
        includeThoughts: true,
        thinkingLevel: "HIGH",
      }),
      config("thinking adaptive", { thinking: { type: "adaptive" } }, { includeThoughts: true }),
      config("thinking disabled (Gemini 3 Pro cannot turn it off)", {
        thinking: { type: "disabled" },
      }, { thinkingLevel: "LOW" }),
    ]
    : [
      config("reasoning_effort low", { reasoning_effort: "low" }, {
        includeThoughts: true,
        thinkingLevel: "LOW",
      }),
      config("reasoning_effort high", { reasoning_effort: "high" }, {
        includeThoughts: true,
        thinkingLevel: "HIGH",
      }),
      config("no reasoning_effort", {}, undefined),
    ];
  return [...thinkingCases, {
    ...base,
    name: "thought parts → thinking, never folded into the answer text",
    request: callerBody(caller),
    answer: {
      json: gAnswer([{ text: "Let me think.", thought: true }, { text: "Sunny." }]),
    },
    check: (r) => {
      if (caller === "anthropic") {
        assert.deepEqual(r.json.content.map((b: Json) => b.type), ["thinking", "text"]);
        assert.equal(r.json.content[0].thinking, "Let me think.");
        assert.ok(r.json.content[0].signature, "Claude Code keeps only signed thinking");
        assert.equal(r.json.content[1].text, "Sunny.");
      } else {
        assert.equal(r.json.choices[0].message.reasoning_content, "Let me think.");
        assert.equal(r.json.choices[0].message.content, "Sunny.");
      }
    },
  }];
}

function callerOnGeminiEndingCases(caller: "anthropic" | "openai"): Case[] {
  const base = { caller, upstream: "gemini" as const };
  const anthropic = caller === "anthropic";
  const ending = (finishReason: string, parts: Json[], expected: [string, string]): Case => ({
    ...base,
    name: `finishReason ${finishReason}${parts.some((p) => p.functionCall) ? " with a call" : ""}`,
    request: callerBody(caller),
    answer: { json: gAnswer(parts, finishReason) },
    check: (r) => {
      if (anthropic) assert.equal(r.json.stop_reason, expected[0]);
      else assert.equal(r.json.choices[0].finish_reason, expected[1]);
    },
  });
  return [
    ending("STOP", [{ text: "Done." }], ["end_turn", "stop"]),
    ending("STOP", [call("glob", { pattern: "*" })], ["tool_use", "tool_calls"]),
    ending("MAX_TOKENS", [{ text: "Cut" }], ["max_tokens", "length"]),
    ending("SAFETY", [], ["refusal", "content_filter"]),
    ending("PROHIBITED_CONTENT", [], ["refusal", "content_filter"]),
    {
      ...base,
      name: "usageMetadata with cached and thought tokens",
      request: callerBody(caller),
      answer: { json: signedAnswer },
      check: (r) => {
        if (anthropic) {
          assert.equal(r.json.usage.input_tokens, 60);
          assert.equal(r.json.usage.cache_read_input_tokens, 40);
          assert.equal(r.json.usage.output_tokens, 30);
        } else {
          assert.equal(r.json.usage.prompt_tokens, 100);
          assert.equal(r.json.usage.completion_tokens, 30);
          assert.equal(r.json.usage.total_tokens, 130);
          assert.equal(r.json.usage.prompt_tokens_details.cached_tokens, 40);
          assert.equal(r.json.usage.completion_tokens_details.reasoning_tokens, 10);
        }
      },
    },
  ];
}

function callerOnGeminiStreamCases(caller: "anthropic" | "openai"): Case[] {
  const base = { caller, upstream: "gemini" as const };
  const anthropic = caller === "anthropic";
  return [{
    ...base,
    name: "Gemini 3 stream: thoughts, text, two calls, usage in the caller's stream",
    request: callerBody(caller, {
      stream: true,
      tools: fileTools[caller],
      ...(anthropic ? {} : { stream_options: { include_usage: true } }),
    }),
    answer: { sse: fixture("streams/gemini_thinking_tools.sse"), chunkSize: 100 },
    checkUpstream: (_body, req) => assert.equal(req.search, "?alt=sse"),
    check: (r) => {
      assert.equal(r.status, 200);
      if (anthropic) {
        assertAnthropicStream(r.events!);
        const blocks = anthropicBlocks(r.events!);
        assert.deepEqual(blocks.map((b) => b.type), ["thinking", "text", "tool_use", "tool_use"]);
        assert.match(blocks[0].thinking, /^\*\*Tracing[\s\S]*\*\*Planning the fix/);
        assert.equal(
          blocks[1].text,
          "I'll read the decoder loop and look for an existing Gemini fixture to base the test on.",
        );
        assert.deepEqual(JSON.parse(joinedToolInput(r.events!, 3)), {
          pattern: "src/stream/fixtures/gemini_*.sse",
        });
        const delta = r.events!.find((e) => e.event === "message_delta")!.data;
        assert.equal(delta.delta.stop_reason, "tool_use");
        assert.equal(delta.usage.output_tokens, 96 + 412);
        assert.equal(r.events!.at(-1)!.event, "message_stop");
      } else {
        const message = openaiMessage(r.events!);
        assert.deepEqual(message.tool_calls.map((c: Json) => c.function.name), [
          "read_file",
          "glob",
        ]);
        assert.deepEqual(JSON.parse(message.tool_calls[1].function.arguments), {
          pattern: "src/stream/fixtures/gemini_*.sse",
        });
        assert.match(message.content, /^I'll read the decoder loop/);
        const finish = r.events!.find((e) => e.data?.choices?.[0]?.finish_reason)!;
        assert.equal(finish.data.choices[0].finish_reason, "tool_calls");
        assert.equal(r.events!.at(-1)!.data, "[DONE]");
        const usage = r.events!.at(-2)!.data;
        assert.deepEqual(usage.choices, []);
        assert.equal(usage.usage.prompt_tokens, 9811);
        assert.equal(usage.usage.completion_tokens, 96 + 412);
        assert.equal(usage.usage.prompt_tokens_details.cached_tokens, 8190);
      }
    },
  }, {
    ...base,
    name: "Gemini 2.5 plain text stream",
    request: callerBody(caller, { stream: true }),
    answer: { sse: fixture("streams/gemini_text.sse"), chunkSize: 50 },
    check: (r) => {
      const text = anthropic
        ? anthropicBlocks(r.events!).map((b) => b.text).join("")
        : openaiMessage(r.events!).content;
      assert.match(text, /^Gemini puts `usageMetadata`[\s\S]* ends\.$/);
      if (anthropic) assertAnthropicStream(r.events!);
    },
  }, {
    ...base,
    name: "an error chunk mid-stream ends the caller's stream with an error",
    request: callerBody(caller, { stream: true }),
    answer: {
      sse: gSse([
        { candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] }, index: 0 }] },
        { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } },
      ]),
    },
    check: (r) => {
      const last = r.events!.at(-1)!;
      if (anthropic) {
        assert.equal(last.event, "error");
        assert.equal(last.data.error.message, "The model is overloaded.");
        assert.ok(!r.events!.some((e) => e.event === "message_stop"));
      } else {
        const error = r.events!.find((e) => e.data?.error)!.data.error;
        assert.equal(error.message, "The model is overloaded.");
        assert.ok(!r.events!.some((e) => e.data?.choices?.[0]?.finish_reason));
      }
    },
  }];
}

function callerOnGeminiErrorCases(caller: "anthropic" | "openai"): Case[] {
  const base = { caller, upstream: "gemini" as const };
  const anthropic = caller === "anthropic";
  const gError = (code: number, status: string, message: string) => ({
    error: { code, message, status },
  });
  return [{
    ...base,
    name: "Gemini 400 INVALID_ARGUMENT → the caller's invalid_request_error",
    request: callerBody(caller),
    answer: { status: 400, json: gError(400, "INVALID_ARGUMENT", "Bad schema at tools[0]") },
    check: (r) => {
      assert.equal(r.status, 400);
      assert.equal(r.json.error.type, "invalid_request_error");
      assert.equal(r.json.error.message, "Bad schema at tools[0]");
      if (anthropic) assert.equal(r.json.type, "error");
    },
  }, {
    ...base,
    name: "Gemini 429 RESOURCE_EXHAUSTED → rate_limit_error, Retry-After kept",
    request: callerBody(caller),
    answer: {
      status: 429,
      headers: { "retry-after": "12" },
      json: [gError(429, "RESOURCE_EXHAUSTED", "Quota exceeded")], // Gemini sometimes wraps it
    },
    check: (r) => {
      assert.equal(r.status, 429);
      assert.equal(r.headers.get("retry-after"), "12");
      assert.equal(r.json.error.type, "rate_limit_error");
      assert.equal(r.json.error.message, "Quota exceeded");
    },
  }, {
    ...base,
    name: "Gemini 403 PERMISSION_DENIED → permission_error",
    request: callerBody(caller),
    answer: { status: 403, json: gError(403, "PERMISSION_DENIED", "No access") },
    check: (r) => {
      assert.equal(r.status, 403);
      assert.equal(r.json.error.type, "permission_error");
    },
  }, {
    ...base,
    name: "Gemini 503 UNAVAILABLE keeps its status and message",
    request: callerBody(caller),
    answer: { status: 503, json: gError(503, "UNAVAILABLE", "The model is overloaded.") },
    check: (r) => {
      assert.equal(r.status, 503);
      assert.equal(r.json.error.message, "The model is overloaded.");
    },
  }];
}

Deno.test("conformance anthropic → gemini", async (t) => {
  await runCases(t, callerOnGeminiCases("anthropic"));
});

Deno.test("conformance openai → gemini", async (t) => {
  await runCases(t, callerOnGeminiCases("openai"));
});

Deno.test("conformance openai → gemini: a signature only in extra_content still comes back", async (t) => {
  await runCases(t, [{
    caller: "openai",
    upstream: "gemini",
    name: "extra_content.google.thought_signature on a plain id → thoughtSignature",
    request: {
      tools: fileTools.openai,
      messages: [
        { role: "user", content: "Read it" },
        {
          role: "assistant",
          content: "",
          tool_calls: [{
            id: "call_plain",
            type: "function",
            function: { name: "read_file", arguments: '{"path":"a.ts"}' },
            extra_content: { google: { thought_signature: SIG_CALL } },
          }],
        },
        { role: "tool", tool_call_id: "call_plain", content: "export {}" },
      ],
    },
    answer: gemini3(gAnswer([{ text: "Done." }])),
    checkUpstream: (body) => {
      assert.deepEqual(body.contents[1].parts, [
        { ...call("read_file", { path: "a.ts" }, "call_plain"), thoughtSignature: SIG_CALL },
      ]);
      assert.deepEqual(body.contents[2].parts, [reply("read_file", "export {}", "call_plain")]);
    },
    check: (r) => assert.equal(r.status, 200, r.text),
  }]);
});

// ---------------------------------------------------------------------------------------------
// Pass-through pairs (briefly: the body and the answer go through untouched but for the model)
// ---------------------------------------------------------------------------------------------

Deno.test("conformance pass-through pairs", async (t) => {
  const unknown = { x_vendor_field: { kept: true } };
  await runCases(t, [{
    caller: "anthropic",
    upstream: "anthropic",
    name: "body untouched but the model; answer keeps unknown fields",
    request: { max_tokens: 100, messages: [{ role: "user", content: "Hi" }], ...unknown },
    answer: { json: { ...aAnswer([{ type: "text", text: "Hello" }]), ...unknown } },
    checkUpstream: (body) => {
      assert.equal(body.model, "claude-real-1");
      assert.deepEqual(body.x_vendor_field, { kept: true });
    },
    check: (r) => {
      assert.equal(r.json.model, MODEL.anthropic);
      assert.deepEqual(r.json.x_vendor_field, { kept: true });
    },
  }, {
    caller: "openai",
    upstream: "openai",
    name: "body untouched but the model (no stream_options added)",
    request: { messages: [{ role: "user", content: "Hi" }], stream: true, ...unknown },
    answer: { sse: fixture("streams/openai_text_only.sse") },
    checkUpstream: (body) => {
      assert.equal(body.model, "gpt-real-1");
      assert.equal(body.stream_options, undefined);
      assert.deepEqual(body.x_vendor_field, { kept: true });
    },
    check: (r) => {
      assert.equal(r.status, 200);
      assert.equal(r.events!.at(-1)!.data, "[DONE]");
    },
  }, {
    caller: "gemini",
    upstream: "gemini",
    name: "whole: body untouched, answer byte for byte",
    request: { ...basic, ...unknown },
    answer: { json: { ...gAnswer([{ text: "Hello" }]), ...unknown } },
    checkUpstream: (body, req) => {
      assert.equal(req.path, "/v1beta/models/gemini-3-pro-preview:generateContent");
      // Untouched but for the cap a caller without a limit gets (SPEC §3).
      assert.deepEqual(body, {
        ...basic,
        ...unknown,
        generationConfig: { maxOutputTokens: 16000 },
      });
    },
    check: (r) => {
      assert.deepEqual(r.json, { ...gAnswer([{ text: "Hello" }]), ...unknown });
    },
  }, {
    caller: "gemini",
    upstream: "gemini",
    name: "alt=sse stream byte for byte, signatures included",
    stream: true,
    request: fixtureJson("requests/gemini_cli_request.json"),
    answer: { sse: fixture("streams/gemini_thinking_tools.sse"), chunkSize: 200 },
    checkUpstream: (body, req) => {
      assert.equal(req.path, "/v1beta/models/gemini-3-pro-preview:streamGenerateContent");
      assert.equal(req.search, "?alt=sse");
      const sent = fixtureJson("requests/gemini_cli_request.json");
      sent.generationConfig.maxOutputTokens = 16000; // the cap (SPEC §3)
      assert.deepEqual(body, sent);
    },
    check: (r) => assert.equal(r.text, fixture("streams/gemini_thinking_tools.sse")),
  }]);
});

// ---------------------------------------------------------------------------------------------
// Token counting: Gemini :countTokens on every upstream, Anthropic count_tokens on Gemini
// ---------------------------------------------------------------------------------------------

function countModels(mockUrl: string): string {
  return (["anthropic", "openai", "gemini"] as Dialect[]).map((d) =>
    [
      `- model_id: ${MODEL[d]}`,
      `  model_name: ${UPSTREAM_MODEL[d]}`,
      `  api_base: ${d === "gemini" ? `${mockUrl}/v1beta` : mockUrl}`,
      `  format: ${d}`,
    ].join("\n")
  ).join("\n") + "\n";
}

async function count(
  path: string,
  headers: Record<string, string>,
  body: Json,
  answer: Json,
): Promise<{ status: number; json: Json; headers: Headers; upstream: Received[] }> {
  const mock = startMock(() => json(answer));
  const proxy = startProxy(countModels(mock.url));
  try {
    const response = await fetch(`${proxy.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      json: await response.json(),
      headers: response.headers,
      upstream: mock.received,
    };
  } finally {
    await proxy.close();
    await mock.close();
  }
}

Deno.test("conformance countTokens", async (t) => {
  const goog = { "x-goog-api-key": "k-1" };
  const request = {
    systemInstruction: { parts: [{ text: "Be brief." }] },
    contents: [user({ text: "How many tokens is this sentence?" })],
  };
  await t.step("gemini → gemini: :countTokens forwarded as is", async () => {
    const r = await count(`/gemini/v1beta/models/${MODEL.gemini}:countTokens`, goog, request, {
      totalTokens: 42,
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { totalTokens: 42 });
    assert.equal(r.upstream[0].path, "/v1beta/models/gemini-3-pro-preview:countTokens");
    assert.deepEqual(r.upstream[0].json, request);
  });
  await t.step("gemini → anthropic: forwarded to count_tokens, converted", async () => {
    const r = await count(`/gemini/v1beta/models/${MODEL.anthropic}:countTokens`, goog, request, {
      input_tokens: 17,
    });
    assert.deepEqual(r.json, { totalTokens: 17 });
    assert.equal(r.upstream[0].path, "/v1/messages/count_tokens");
    assert.equal(r.upstream[0].json.model, "claude-real-1");
    assert.match(JSON.stringify(r.upstream[0].json.system), /Be brief\./);
    assert.equal(r.upstream[0].json.messages[0].role, "user");
  });
  await t.step("gemini → openai: estimated locally, and said so", async () => {
    const r = await count(`/gemini/v1beta/models/${MODEL.openai}:countTokens`, goog, request, {});
    assert.equal(r.status, 200);
    assert.ok(r.json.totalTokens > 0 && r.json.totalTokens < 100, `${r.json.totalTokens}`);
    assert.match(r.headers.get("x-proxy-token-count")!, /estimated/);
    assert.equal(r.upstream.length, 0);
  });
  await t.step("gemini → openai: the generateContentRequest wrapper is accepted", async () => {
    const r = await count(
      `/gemini/v1beta/models/${MODEL.openai}:countTokens`,
      goog,
      { generateContentRequest: { model: `models/${MODEL.openai}`, ...request } },
      {},
    );
    assert.equal(r.status, 200);
    assert.ok(r.json.totalTokens > 0);
  });
  await t.step(
    "anthropic → gemini: count_tokens → :countTokens with the converted request",
    async () => {
      const r = await count(
        "/anthropic/v1/messages/count_tokens",
        { "x-api-key": "k-1", "anthropic-version": "2023-06-01" },
        {
          model: MODEL.gemini,
          system: "Be brief.",
          messages: [{ role: "user", content: "How many tokens?" }],
          tools: fileTools.anthropic,
        },
        { totalTokens: 23 },
      );
      assert.deepEqual(r.json, { input_tokens: 23 });
      assert.equal(r.upstream[0].path, "/v1beta/models/gemini-3-pro-preview:countTokens");
      assert.equal(r.upstream[0].headers.get("x-goog-api-key"), "k-1");
      const inner = r.upstream[0].json.generateContentRequest;
      assert.equal(inner.model, "models/gemini-3-pro-preview");
      assert.deepEqual(inner.systemInstruction, { parts: [{ text: "Be brief." }] });
      assert.deepEqual(inner.contents, [user({ text: "How many tokens?" })]);
      assert.deepEqual(inner.tools[0].functionDeclarations.map((d: Json) => d.name), [
        "read_file",
        "glob",
      ]);
    },
  );
  await t.step("gemini :countTokens upstream error → estimated", async () => {
    const mock = startMock(() =>
      json({ error: { code: 500, message: "boom", status: "INTERNAL" } }, 500)
    );
    const proxy = startProxy(countModels(mock.url));
    try {
      const response = await fetch(
        `${proxy.url}/anthropic/v1/messages/count_tokens`,
        {
          method: "POST",
          headers: { "x-api-key": "k", "content-type": "application/json" },
          body: JSON.stringify({
            model: MODEL.gemini,
            messages: [{ role: "user", content: "Hi" }],
          }),
        },
      );
      assert.equal(response.status, 200);
      assert.ok((await response.json()).input_tokens > 0);
      assert.match(response.headers.get("x-proxy-token-count")!, /estimated/);
    } finally {
      await proxy.close();
      await mock.close();
    }
  });
});
