import assert from "node:assert/strict";
import type { UpstreamTarget } from "../ir/codec.ts";
import { fitIdentifier } from "../ir/ids.ts";
import type { Message, Request } from "../ir/types.ts";
import { encodeRequest } from "./encode_request.ts";

const target: UpstreamTarget = { modelName: "claude-sonnet-4-5", maxTokens: 8192, stream: true };

function request(fields: Partial<Request> = {}): Request {
  return { model: "gpt-4o", stream: false, system: [], messages: [], tools: [], ...fields };
}

function user(text: string): Message {
  return { role: "user", content: [{ type: "text", text }] };
}

Deno.test("encodeRequest() writes model, capped max_tokens, system blocks and stream flag", () => {
  const { value, warnings } = encodeRequest(
    request({
      maxTokens: 64000,
      system: [
        { type: "text", text: "Be brief.", cacheControl: { type: "ephemeral" } },
        { type: "text", text: "  " },
      ],
      messages: [user("hi")],
    }),
    target,
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(value.body, {
    model: "claude-sonnet-4-5",
    max_tokens: 8192,
    system: [{ type: "text", text: "Be brief.", cache_control: { type: "ephemeral" } }],
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    stream: true,
  });
});

Deno.test("encodeRequest() sends the cap when the caller asks for no max_tokens, less when asked", () => {
  assert.equal(encodeRequest(request(), target).value.body.max_tokens, 8192);
  assert.equal(encodeRequest(request({ maxTokens: 100 }), target).value.body.max_tokens, 100);
});

Deno.test("encodeRequest() keeps a mid-conversation system message in place", () => {
  const { value } = encodeRequest(
    request({
      messages: [
        user("a"),
        { role: "system", content: [{ type: "text", text: "note" }] },
        user("b"),
      ],
    }),
    target,
  );
  assert.deepEqual(value.body.messages, [
    { role: "user", content: [{ type: "text", text: "a" }] },
    { role: "system", content: [{ type: "text", text: "note" }] },
    { role: "user", content: [{ type: "text", text: "b" }] },
  ]);
});

Deno.test("encodeRequest() never sends a gemini or proxy signature to Anthropic", () => {
  const { value, warnings } = encodeRequest(
    request({
      messages: [user("q"), {
        role: "assistant",
        content: [
          { type: "thinking", text: "mine", signature: { origin: "anthropic", value: "EqQB" } },
          { type: "thinking", text: "gem", signature: { origin: "gemini", value: "CiQB" } },
          { type: "thinking", text: "made up", signature: { origin: "proxy", value: "" } },
          { type: "thinking", text: "unsigned" },
          { type: "redacted_thinking", data: "EmwK" },
          { type: "text", text: "answer" },
        ],
      }],
    }),
    target,
  );
  assert.deepEqual((value.body.messages as unknown[])[1], {
    role: "assistant",
    content: [
      { type: "thinking", thinking: "mine", signature: "EqQB" },
      { type: "redacted_thinking", data: "EmwK" },
      { type: "text", text: "answer" },
    ],
  });
  assert.deepEqual(warnings, [
    "Dropped thinking that Anthropic did not sign: it cannot be replayed to Anthropic",
  ]);
});

Deno.test("encodeRequest() fits call ids and tool names, and maps names back", () => {
  const longName = "mcp__github__search_repositories_with_a_very_long_descriptive_name_x";
  const geminiId = "list_background_processes_1712345678901_0.x";
  const { value } = encodeRequest(
    request({
      tools: [{ name: longName, inputSchema: { properties: {} } }],
      messages: [
        user("go"),
        {
          role: "assistant",
          content: [{ type: "tool_call", id: geminiId, name: longName, input: { q: "deno" } }],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "thanks" },
            {
              type: "tool_result",
              toolCallId: geminiId,
              content: [
                { type: "text", text: "3 repos" },
                { type: "image", source: { kind: "url", url: "data:image/png;base64,iVBO" } },
              ],
              isError: true,
            },
          ],
        },
      ],
    }),
    target,
  );
  const fittedName = fitIdentifier(longName, 64);
  const fittedId = fitIdentifier(geminiId, 64);
  assert.equal(fittedName.length, 64);
  assert.notEqual(fittedId, geminiId);
  assert.deepEqual(value.body.tools, [{
    name: fittedName,
    input_schema: { type: "object", properties: {} },
  }]);
  assert.deepEqual((value.body.messages as unknown[]).slice(1), [
    {
      role: "assistant",
      content: [{ type: "tool_use", id: fittedId, name: fittedName, input: { q: "deno" } }],
    },
    {
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: fittedId,
          content: [
            { type: "text", text: "3 repos" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBO" } },
          ],
          is_error: true,
        },
        { type: "text", text: "thanks" },
      ],
    },
  ]);
  assert.equal(value.toolNames.get(fittedName), longName);
});

Deno.test("encodeRequest() drops empty messages and merges consecutive ones of a role", () => {
  const { value } = encodeRequest(
    request({
      messages: [
        user("title this"),
        { role: "assistant", content: [{ type: "text", text: "" }] },
        user("then answer"),
      ],
    }),
    target,
  );
  assert.deepEqual(value.body.messages, [{
    role: "user",
    content: [{ type: "text", text: "title this" }, { type: "text", text: "then answer" }],
  }]);
});

Deno.test("encodeRequest() appends server tools and writes tool_choice with no parallel calls", () => {
  const webSearch = { type: "web_search_20250305", name: "web_search" };
  const { value } = encodeRequest(
    request({
      tools: [{ name: "Read", description: "Reads", inputSchema: { type: "object" } }],
      serverTools: [webSearch],
      toolChoice: { type: "tool", name: "Read" },
      parallelToolCalls: false,
    }),
    target,
  );
  assert.deepEqual(value.body.tools, [
    { name: "Read", description: "Reads", input_schema: { type: "object" } },
    webSearch,
  ]);
  assert.deepEqual(value.body.tool_choice, {
    type: "tool",
    name: "Read",
    disable_parallel_tool_use: true,
  });
  const auto = encodeRequest(
    request({ tools: [{ name: "Read", inputSchema: {} }], parallelToolCalls: false }),
    target,
  );
  assert.deepEqual(auto.value.body.tool_choice, { type: "auto", disable_parallel_tool_use: true });
  const none = encodeRequest(
    request({ tools: [{ name: "Read", inputSchema: {} }], toolChoice: { type: "none" } }),
    target,
  );
  assert.deepEqual(none.value.body.tool_choice, { type: "none" });
});

Deno.test("encodeRequest() declares called tools when a history with calls declares none", () => {
  const { value } = encodeRequest(
    request({
      messages: [
        user("q"),
        { role: "assistant", content: [{ type: "tool_call", id: "c1", name: "ls", input: {} }] },
        {
          role: "user",
          content: [{ type: "tool_result", toolCallId: "c1", content: [], isError: false }],
        },
      ],
    }),
    target,
  );
  assert.deepEqual(value.body.tools, [{ name: "ls", input_schema: { type: "object" } }]);
  assert.deepEqual(value.body.tool_choice, { type: "none" });
  assert.deepEqual((value.body.messages as unknown[])[2], {
    role: "user",
    content: [{ type: "tool_result", tool_use_id: "c1" }],
  });
});

Deno.test("encodeRequest() clamps the thinking budget below max_tokens", () => {
  const { value, warnings } = encodeRequest(
    request({ thinking: { mode: "enabled", effort: "high" } }),
    target,
  );
  assert.deepEqual(value.body.thinking, { type: "enabled", budget_tokens: 8191 });
  assert.equal(value.body.output_config, undefined);
  assert.deepEqual(warnings, [
    "Thinking budget 24576 clamped to 8191 (Anthropic needs 1024 ≤ budget < max_tokens 8192)",
  ]);
});

Deno.test("encodeRequest() raises a small thinking budget to Anthropic's 1024", () => {
  const { value } = encodeRequest(
    request({ thinking: { mode: "enabled", budgetTokens: 200 } }),
    target,
  );
  assert.deepEqual(value.body.thinking, { type: "enabled", budget_tokens: 1024 });
  const fromEffort = encodeRequest(
    request({ thinking: { mode: "enabled", effort: "medium" } }),
    { ...target, maxTokens: 32000 },
  );
  assert.deepEqual(fromEffort.value.body.thinking, { type: "enabled", budget_tokens: 8192 });
  assert.deepEqual(fromEffort.warnings, []);
});

Deno.test("encodeRequest() sends no thinking when max_tokens leaves no room", () => {
  const { value, warnings } = encodeRequest(
    request({ maxTokens: 1024, thinking: { mode: "enabled", budgetTokens: 4000 } }),
    target,
  );
  assert.equal(value.body.thinking, undefined);
  assert.deepEqual(warnings, [
    "Thinking was not sent: max_tokens 1024 leaves no room for Anthropic's minimum budget of 1024",
  ]);
});

Deno.test("encodeRequest() writes adaptive thinking with its effort", () => {
  const { value } = encodeRequest(
    request({ thinking: { mode: "adaptive", effort: "minimal" } }),
    target,
  );
  assert.deepEqual(value.body.thinking, { type: "adaptive" });
  assert.deepEqual(value.body.output_config, { effort: "low" });
  const disabled = encodeRequest(
    request({ thinking: { mode: "disabled", effort: "high" } }),
    target,
  );
  assert.equal(disabled.value.body.thinking, undefined);
  assert.equal(disabled.value.body.output_config, undefined);
});

Deno.test("encodeRequest() sends no thinking when tool_choice forces a tool", () => {
  const { value, warnings } = encodeRequest(
    request({
      tools: [{ name: "a", inputSchema: {} }],
      toolChoice: { type: "any" },
      thinking: { mode: "adaptive" },
    }),
    target,
  );
  assert.equal(value.body.thinking, undefined);
  assert.deepEqual(warnings, [
    "Thinking was not sent: Anthropic refuses it when tool_choice forces a tool",
  ]);
});

Deno.test("encodeRequest() drops temperature and top_k when thinking is on (Gemini CLI settings)", () => {
  const { value, warnings } = encodeRequest(
    request({ temperature: 1, topP: 0.95, topK: 64, thinking: { mode: "adaptive" } }),
    target,
  );
  assert.equal(value.body.temperature, undefined);
  assert.equal(value.body.top_k, undefined);
  assert.equal(value.body.top_p, 0.95);
  assert.deepEqual(warnings, ["top_k was not sent: Anthropic refuses it with thinking"]);
  const warm = encodeRequest(request({ temperature: 0.2, thinking: { mode: "adaptive" } }), target);
  assert.deepEqual(warm.warnings, ["temperature was not sent: Anthropic refuses it with thinking"]);
});

Deno.test("encodeRequest() clamps temperature to 0–1 and prefers it over top_p", () => {
  const { value, warnings } = encodeRequest(
    request({ temperature: 1.5, topP: 0.9, topK: 10, stopSequences: ["END"] }),
    target,
  );
  assert.equal(value.body.temperature, 1);
  assert.equal(value.body.top_p, undefined);
  assert.equal(value.body.top_k, 10);
  assert.deepEqual(value.body.stop_sequences, ["END"]);
  assert.deepEqual(warnings, [
    "temperature 1.5 clamped to 1 (Anthropic takes 0–1)",
    "top_p was not sent: Anthropic refuses temperature and top_p together",
  ]);
  const fromTarget = encodeRequest(request(), { ...target, temperature: 0.3 });
  assert.equal(fromTarget.value.body.temperature, 0.3);
});

Deno.test("encodeRequest() writes JSON schema output and the user id, warns for json_object", () => {
  const schema = { type: "object", properties: { ok: { type: "boolean" } } };
  const { value } = encodeRequest(
    request({ responseFormat: { type: "json_schema", name: "x", schema }, user: "u-1" }),
    target,
  );
  assert.deepEqual(value.body.output_config, { format: { type: "json_schema", schema } });
  assert.deepEqual(value.body.metadata, { user_id: "u-1" });
  const plain = encodeRequest(
    request({ responseFormat: { type: "json_object" }, seed: 7 }),
    target,
  );
  assert.equal(plain.value.body.output_config, undefined);
  assert.deepEqual(plain.warnings, [
    "seed was not sent: Anthropic has no such setting",
    "Anthropic has no plain JSON mode: response_format json_object was not sent",
  ]);
});

Deno.test("encodeRequest() sends no thinking when the tool turn it continues has no signed thinking", () => {
  const call = { type: "tool_call" as const, id: "c1", name: "ls", input: {} };
  const result = { type: "tool_result" as const, toolCallId: "c1", content: [], isError: false };
  const history = (first: Message["content"]) =>
    request({
      tools: [{ name: "ls", inputSchema: {} }],
      thinking: { mode: "enabled", budgetTokens: 2048 },
      messages: [user("q"), { role: "assistant", content: [...first, call] }, {
        role: "user",
        content: [result],
      }],
    });
  const unsigned = encodeRequest(history([{ type: "thinking", text: "from deepseek" }]), target);
  assert.equal(unsigned.value.body.thinking, undefined);
  assert.deepEqual(unsigned.warnings, [
    "Dropped thinking that Anthropic did not sign: it cannot be replayed to Anthropic",
    "Thinking was not sent: the last assistant turn calls tools without Anthropic-signed thinking",
  ]);
  const signed = encodeRequest(
    history([{ type: "thinking", text: "t", signature: { origin: "anthropic", value: "EqQB" } }]),
    target,
  );
  assert.deepEqual(signed.value.body.thinking, { type: "enabled", budget_tokens: 2048 });
  assert.deepEqual(signed.warnings, []);
});

Deno.test("encodeRequest() answers a call left unanswered with an error result", () => {
  const { value, warnings } = encodeRequest(
    request({
      tools: [{ name: "f", inputSchema: { type: "object" } }],
      messages: [
        user("Go"),
        {
          role: "assistant",
          content: [
            { type: "tool_call", id: "c1", name: "f", input: {} },
            { type: "tool_call", id: "c2", name: "f", input: {} },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", toolCallId: "c2", content: [], isError: false },
            { type: "text", text: "Stop that." },
          ],
        },
      ],
    }),
    target,
  );
  assert.deepEqual((value.body.messages as unknown[])[2], {
    role: "user",
    content: [
      {
        type: "tool_result",
        tool_use_id: "c1",
        content: [{ type: "text", text: "(no result: the call was not answered)" }],
        is_error: true,
      },
      { type: "tool_result", tool_use_id: "c2" },
      { type: "text", text: "Stop that." },
    ],
  });
  assert.ok(warnings.some((w) => w.includes("unanswered")));
});

Deno.test("encodeRequest() asks Anthropic for another caller's web search as its server tool", () => {
  const { value } = encodeRequest(
    request({
      webSearch: {
        maxUses: 2,
        blockedDomains: ["spam.example"],
        userLocation: { city: "Oslo", timezone: "Europe/Oslo" },
      },
    }),
    target,
  );
  assert.deepEqual(value.body.tools, [{
    type: "web_search_20250305",
    name: "web_search",
    max_uses: 2,
    blocked_domains: ["spam.example"],
    user_location: { type: "approximate", city: "Oslo", timezone: "Europe/Oslo" },
  }]);
  // an Anthropic caller's own declaration goes as it wrote it, not twice
  const own = { type: "web_search_20260209", name: "web_search", cache_control: { type: "x" } };
  const again = encodeRequest(request({ serverTools: [own], webSearch: {} }), target);
  assert.deepEqual(again.value.body.tools, [own]);
});

Deno.test("encodeRequest() replays Anthropic's own searches as blocks, others' as text", () => {
  const anthropic = { url: "https://a.example", title: "A", encryptedContent: "EqcB" };
  const { value } = encodeRequest(
    request({
      messages: [
        { role: "user", content: [{ type: "text", text: "news?" }] },
        {
          role: "assistant",
          content: [
            { type: "web_search_call", id: "srvtoolu_1", query: "news" },
            { type: "web_search_result", callId: "srvtoolu_1", sources: [anthropic] },
            { type: "web_search_call", id: "srvtoolu_g1", query: "more news" },
            {
              type: "web_search_result",
              callId: "srvtoolu_g1",
              sources: [{ url: "https://g.example", title: "G" }],
            },
            { type: "text", text: "Here." },
          ],
        },
      ],
      webSearch: {},
    }),
    target,
  );
  assert.deepEqual((value.body.messages as unknown[])[1], {
    role: "assistant",
    content: [
      { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "news" } },
      {
        type: "web_search_tool_result",
        tool_use_id: "srvtoolu_1",
        content: [{
          type: "web_search_result",
          url: "https://a.example",
          title: "A",
          encrypted_content: "EqcB",
          page_age: null,
        }],
      },
      { type: "text", text: 'Searched the web for "more news".' },
      { type: "text", text: "Web search results:\n- G: https://g.example" },
      { type: "text", text: "Here." },
    ],
  });
});
