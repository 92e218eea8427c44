/**
 * Request fields only one dialect has, and what a dialect refuses: each case states the pair it
 * holds for.
 */
import assert from "node:assert/strict";
import { HELLO, ok, type Quirk, runQuirks, USER_HI } from "./_quirk.ts";
import { PLACEHOLDER_SIGNATURE } from "./wire/gemini.ts";

const OPENAI_TOOLS = [{ type: "function", function: { name: "read_file" } }];

const anthropicFields: Quirk[] = [
  {
    name: "a reasoning_effort in models.yaml wins over the request's thinking",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, thinking: { type: "disabled" }, messages: USER_HI },
    models: { reasoning_effort: "low" },
    answer: HELLO,
    checkUpstream: (body) => assert.equal(body.reasoning_effort, "low"),
    check: ok,
  },
  {
    name: "top_k has no OpenAI form: dropped with a warning",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, top_k: 40, messages: USER_HI },
    answer: HELLO,
    checkUpstream: (body) => assert.equal(body.top_k, undefined),
    check: (got) => assert.match(got.warnings, /top_k/),
  },
  {
    name: "metadata.user_id (Claude Code's JSON string) → user, fitted to 64 characters",
    caller: "anthropic",
    upstream: "openai",
    body: {
      max_tokens: 100,
      metadata: {
        user_id:
          '{"device_id":"40fe188b83f2e2955bbcd89aff19e2e6d8efb32f75fb8ae96d330083dccfe03a","session_id":"c933affa"}',
      },
      messages: USER_HI,
    },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.ok(body.user.length <= 64 && body.user.length > 16, body.user);
      assert.equal(body.metadata, undefined);
    },
    check: ok,
  },
  {
    name: "a short metadata.user_id goes as user unchanged",
    caller: "anthropic",
    upstream: "openai",
    body: { max_tokens: 100, metadata: { user_id: "user-42" }, messages: USER_HI },
    answer: HELLO,
    checkUpstream: (body) => assert.equal(body.user, "user-42"),
    check: ok,
  },
  {
    name: "output_config.format json_schema → response_format json_schema",
    caller: "anthropic",
    upstream: "openai",
    body: {
      max_tokens: 100,
      output_config: {
        format: { type: "json_schema", schema: { type: "object", required: ["title"] } },
      },
      messages: USER_HI,
    },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.deepEqual(body.response_format, {
        type: "json_schema",
        json_schema: { name: "response", schema: { type: "object", required: ["title"] } },
      });
    },
    check: ok,
  },
  {
    name: "redacted thinking replayed to OpenAI is dropped with a warning",
    caller: "anthropic",
    upstream: "openai",
    body: {
      max_tokens: 100,
      messages: [
        { role: "user", content: "Hi" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Answer it.", signature: "EqQBCkYIBxgCKkBsig" },
            { type: "redacted_thinking", data: "EmwKAhgBEgy3redacted" },
            { type: "text", text: "Hello." },
          ],
        },
        { role: "user", content: "Again" },
      ],
    },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages[1], {
        role: "assistant",
        content: "Hello.",
        reasoning_content: "Answer it.",
      });
    },
    check: (got) => assert.match(got.warnings, /redacted thinking/),
  },
];

const openaiFields: Quirk[] = [
  {
    name: "temperature is not sent with thinking (Anthropic refuses it)",
    caller: "openai",
    upstream: "anthropic",
    body: { reasoning_effort: "low", temperature: 0.2, messages: USER_HI },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 1024 });
      assert.equal(body.temperature, undefined);
    },
    check: (got) => assert.match(got.warnings, /temperature/),
  },
  {
    name: "max_completion_tokens wins over max_tokens",
    caller: "openai",
    upstream: "anthropic",
    body: { max_completion_tokens: 500, max_tokens: 9000, messages: USER_HI },
    answer: HELLO,
    checkUpstream: (body) => assert.equal(body.max_tokens, 500),
    check: ok,
  },
  {
    name: "temperature over Anthropic's range is clamped; a stop string; seed dropped",
    caller: "openai",
    upstream: "anthropic",
    body: { temperature: 1.5, stop: "END", seed: 7, messages: USER_HI },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.equal(body.temperature, 1);
      assert.deepEqual(body.stop_sequences, ["END"]);
      assert.equal(body.seed, undefined);
    },
    check: (got) => {
      assert.match(got.warnings, /temperature 1\.5 clamped to 1/);
      assert.match(got.warnings, /seed/);
    },
  },
  {
    name: "user → metadata.user_id",
    caller: "openai",
    upstream: "anthropic",
    body: { user: "user-42", messages: USER_HI },
    answer: HELLO,
    checkUpstream: (body) => assert.deepEqual(body.metadata, { user_id: "user-42" }),
    check: ok,
  },
  {
    name: "response_format json_schema → output_config.format",
    caller: "openai",
    upstream: "anthropic",
    body: {
      response_format: {
        type: "json_schema",
        json_schema: { name: "title", strict: true, schema: { type: "object" } },
      },
      messages: USER_HI,
    },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.deepEqual(body.output_config, {
        format: { type: "json_schema", schema: { type: "object" } },
      });
    },
    check: ok,
  },
  {
    name: "response_format json_object has no Anthropic form: dropped with a warning",
    caller: "openai",
    upstream: "anthropic",
    body: { response_format: { type: "json_object" }, messages: USER_HI },
    answer: HELLO,
    checkUpstream: (body) => assert.equal(body.output_config, undefined),
    check: (got) => assert.match(got.warnings, /json_object/),
  },
  {
    name: "a history with tool calls but no declared tools: bare declarations, tool_choice none",
    caller: "openai",
    upstream: "anthropic",
    body: {
      messages: [
        { role: "user", content: "Time?" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{
            id: "call_t",
            type: "function",
            function: { name: "get_time", arguments: "{}" },
          }],
        },
        { role: "tool", tool_call_id: "call_t", content: "12:00" },
      ],
    },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.deepEqual(body.tools, [{ name: "get_time", input_schema: { type: "object" } }]);
      assert.deepEqual(body.tool_choice, { type: "none" });
    },
    check: ok,
  },
  {
    name: "unsigned reasoning and empty arguments in history: no thinking, input {}, a warning",
    caller: "openai",
    upstream: "anthropic",
    body: {
      tools: OPENAI_TOOLS,
      messages: [
        { role: "user", content: "Read it" },
        {
          role: "assistant",
          content: "",
          reasoning_content: "One tool.",
          tool_calls: [{
            id: "call_b",
            type: "function",
            function: { name: "read_file", arguments: "" },
          }],
        },
        { role: "tool", tool_call_id: "call_b", content: "12:00" },
      ],
    },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.deepEqual(body.messages[1].content, [
        { type: "tool_use", id: "call_b", name: "read_file", input: {} },
      ]);
      assert.ok(
        !JSON.stringify(body).includes("One tool."),
        "unsigned reasoning reached Anthropic",
      );
    },
    check: (got) => assert.match(got.warnings, /did not sign/),
  },
  {
    name: "extra_content.google.thought_signature on a plain id → thoughtSignature",
    caller: "openai",
    upstream: "gemini",
    body: {
      tools: OPENAI_TOOLS,
      messages: [
        { role: "user", content: "Read it" },
        {
          role: "assistant",
          content: "",
          tool_calls: [{
            id: "call_plain",
            type: "function",
            function: { name: "read_file", arguments: '{"path":"a.ts"}' },
            extra_content: { google: { thought_signature: "U2lnbmF0dXJl" } },
          }],
        },
        { role: "tool", tool_call_id: "call_plain", content: "export {}" },
      ],
    },
    answer: HELLO,
    checkUpstream: (body) => {
      assert.deepEqual(body.contents[1].parts, [{
        functionCall: { id: "call_plain", name: "read_file", args: { path: "a.ts" } },
        thoughtSignature: "U2lnbmF0dXJl",
      }]);
    },
    check: ok,
  },
];

const anthropicUpstream: Quirk[] = (["openai", "gemini"] as const).map((caller): Quirk => ({
  name: "temperature and top_p together: Anthropic gets temperature alone",
  caller,
  upstream: "anthropic",
  body: caller === "openai" ? { temperature: 0.4, top_p: 0.9, messages: USER_HI } : {
    contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    generationConfig: { temperature: 0.4, topP: 0.9 },
  },
  answer: HELLO,
  checkUpstream: (body) => {
    assert.equal(body.temperature, 0.4);
    assert.equal(body.top_p, undefined);
  },
  check: ok,
}));

const geminiCaller: Quirk[] = (["openai", "anthropic"] as const).flatMap((upstream): Quirk[] => [{
  name: "calls without ids get stable ids; responses without ids find theirs by name and order",
  caller: "gemini",
  upstream,
  body: {
    contents: [
      { role: "user", parts: [{ text: "Weather in Oslo and Rome?" }] },
      {
        role: "model",
        parts: [
          {
            functionCall: { name: "get_weather", args: { city: "Oslo" } },
            thoughtSignature: PLACEHOLDER_SIGNATURE,
          },
          { functionCall: { name: "get_weather", args: { city: "Rome" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { output: "Oslo: 3C" } } },
          { functionResponse: { name: "get_weather", response: { output: "Rome: 18C" } } },
        ],
      },
    ],
  },
  answer: HELLO,
  checkUpstream: (body) => {
    const wire = JSON.stringify(body);
    const ids = upstream === "openai"
      ? body.messages[1].tool_calls.map((c: any) => c.id)
      : body.messages[1].content.map((b: any) => b.id);
    const results = upstream === "openai"
      ? body.messages.slice(2).map((m: any) => [m.tool_call_id, m.content])
      : body.messages[2].content.map((b: any) => [b.tool_use_id, b.content[0].text]);
    assert.ok(ids[0] && ids[1] && ids[0] !== ids[1], wire);
    assert.deepEqual(results, [[ids[0], "Oslo: 3C"], [ids[1], "Rome: 18C"]]);
  },
  check: ok,
}, {
  name: "a malformed caller body is a 400 INVALID_ARGUMENT naming the field",
  caller: "gemini",
  upstream,
  body: { contents: [{ role: "user", parts: [{ text: 5 }] }] },
  answer: HELLO,
  check: (got) => {
    assert.equal(got.status, 400);
    assert.equal(got.error?.kind, "INVALID_ARGUMENT");
    assert.match(got.error!.message, /contents\[0\]\.parts\[0\]/);
  },
}, {
  name: "candidateCount above 1 cannot be honoured: a 400",
  caller: "gemini",
  upstream,
  body: {
    contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    generationConfig: { candidateCount: 2 },
  },
  answer: HELLO,
  check: (got) => {
    assert.equal(got.status, 400);
    assert.equal(got.error?.kind, "INVALID_ARGUMENT");
  },
}]);

const refused: Quirk[] = [{
  name: "n > 1 cannot be honoured: a 400 in OpenAI's envelope",
  caller: "openai",
  upstream: "anthropic",
  body: { n: 2, messages: USER_HI },
  answer: HELLO,
  check: (got) => {
    assert.equal(got.status, 400);
    assert.equal(got.error?.kind, "invalid_request_error");
    assert.match(got.error!.message, /"n"/);
  },
}];
Deno.test("requests: fields only one dialect has, and what a dialect refuses", async (t) => {
  await runQuirks(t, [
    ...anthropicFields,
    ...openaiFields,
    ...anthropicUpstream,
    ...geminiCaller,
    ...refused,
  ]);
});
