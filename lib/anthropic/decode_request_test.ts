import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import { callIdWithSignature } from "../ir/ids.ts";
import { decodeRequest } from "./decode_request.ts";

/** Asserts a 400 whose message is exactly `message`. */
function assertInvalid(body: unknown, message: string): void {
  assert.throws(
    () => decodeRequest(body),
    (e: unknown) => e instanceof ProxyError && e.status === 400 && e.message === message,
  );
}

const ephemeral = { type: "ephemeral" };

Deno.test("decodeRequest() reads a Claude Code request", () => {
  const body = {
    model: "claude-sonnet-4-5",
    max_tokens: 32000,
    stream: true,
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1" },
      { type: "text", text: "You are Claude Code.", cache_control: ephemeral },
      { type: "text", text: "", cache_control: ephemeral },
    ],
    messages: [
      { role: "user", content: [{ type: "text", text: "Fix the bug" }] },
      { role: "system", content: "The user switched to plan mode." },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Look at main.ts", signature: "EqQBsig" },
          { type: "text", text: "" },
          { type: "tool_use", id: "toolu_01", name: "Read", input: { file_path: "main.ts" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_01", content: "console.log(1)" },
        ],
      },
    ],
    tools: [{
      name: "Read",
      description: "Reads a file",
      input_schema: { type: "object", properties: { file_path: { type: "string" } } },
      cache_control: ephemeral,
    }],
    thinking: { type: "adaptive" },
    output_config: { effort: "high" },
    metadata: { user_id: '{"device_id":"abc"}' },
    context_management: { edits: [] },
  };
  const { value, warnings } = decodeRequest(body);
  assert.deepEqual(warnings, []);
  assert.deepEqual(value, {
    model: "claude-sonnet-4-5",
    stream: true,
    maxTokens: 32000,
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1" },
      { type: "text", text: "You are Claude Code.", cacheControl: ephemeral },
    ],
    messages: [
      { role: "user", content: [{ type: "text", text: "Fix the bug" }] },
      { role: "system", content: [{ type: "text", text: "The user switched to plan mode." }] },
      {
        role: "assistant",
        content: [
          {
            type: "thinking",
            text: "Look at main.ts",
            signature: { origin: "anthropic", value: "EqQBsig" },
          },
          { type: "tool_call", id: "toolu_01", name: "Read", input: { file_path: "main.ts" } },
        ],
      },
      {
        role: "user",
        content: [{
          type: "tool_result",
          toolCallId: "toolu_01",
          name: "Read",
          content: [{ type: "text", text: "console.log(1)" }],
          isError: false,
        }],
      },
    ],
    tools: [{
      name: "Read",
      description: "Reads a file",
      inputSchema: { type: "object", properties: { file_path: { type: "string" } } },
      cacheControl: ephemeral,
    }],
    thinking: { mode: "adaptive", effort: "high" },
    user: '{"device_id":"abc"}',
  });
});

Deno.test("decodeRequest() keeps Claude Code's mid-conversation system message in place", () => {
  const { value } = decodeRequest({
    model: "m",
    messages: [
      { role: "user", content: "a" },
      { role: "system", content: [{ type: "text", text: "reminder" }] },
      { role: "user", content: "b" },
    ],
  });
  assert.deepEqual(value.system, []);
  assert.deepEqual(value.messages.map((m) => m.role), ["user", "system", "user"]);
  assert.deepEqual(value.messages[1].content, [{ type: "text", text: "reminder" }]);
});

Deno.test("decodeRequest() puts tool results first and keeps is_error and image content", () => {
  const { value } = decodeRequest({
    model: "m",
    messages: [
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "a", name: "Bash", input: {} },
          { type: "tool_use", id: "b", name: "Screenshot", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "text", text: "and also" },
          { type: "tool_result", tool_use_id: "a", content: "exit 1", is_error: true },
          {
            type: "tool_result",
            tool_use_id: "b",
            content: [
              { type: "text", text: "shot:" },
              { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBO" } },
            ],
          },
        ],
      },
    ],
  });
  assert.deepEqual(value.messages[1].content, [
    {
      type: "tool_result",
      toolCallId: "a",
      name: "Bash",
      content: [{ type: "text", text: "exit 1" }],
      isError: true,
    },
    {
      type: "tool_result",
      toolCallId: "b",
      name: "Screenshot",
      content: [
        { type: "text", text: "shot:" },
        { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBO" } },
      ],
      isError: false,
    },
    { type: "text", text: "and also" },
  ]);
});

Deno.test("decodeRequest() keeps a signed call id whole and lifts its Gemini signature", () => {
  const signedId = callIdWithSignature("call_1", "CiQBsig+/=");
  const { value } = decodeRequest({
    model: "m",
    messages: [
      {
        role: "assistant",
        content: [{ type: "tool_use", id: signedId, name: "ls", input: { dir: "." } }],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: signedId, content: "x" }] },
    ],
  });
  assert.deepEqual(value.messages[0].content, [{
    type: "tool_call",
    id: signedId,
    name: "ls",
    input: { dir: "." },
    signature: { origin: "gemini", value: "CiQBsig+/=" },
  }]);
  assert.equal((value.messages[1].content[0] as { toolCallId: string }).toolCallId, signedId);
});

Deno.test("decodeRequest() reads signature origins of replayed thinking blocks", () => {
  const { value } = decodeRequest({
    model: "m",
    messages: [{
      role: "assistant",
      content: [
        { type: "thinking", thinking: "a", signature: "plain" },
        { type: "thinking", thinking: "b", signature: "gemini:CiQB" },
        { type: "thinking", thinking: "c", signature: "proxy:v1" },
        { type: "redacted_thinking", data: "EmwK" },
      ],
    }],
  });
  assert.deepEqual(value.messages[0].content, [
    { type: "thinking", text: "a", signature: { origin: "anthropic", value: "plain" } },
    { type: "thinking", text: "b", signature: { origin: "gemini", value: "CiQB" } },
    { type: "thinking", text: "c", signature: { origin: "proxy", value: "" } },
    { type: "redacted_thinking", data: "EmwK" },
  ]);
});

Deno.test("decodeRequest() reads images and documents, plain-text documents as text", () => {
  const { value } = decodeRequest({
    model: "m",
    messages: [{
      role: "user",
      content: [
        { type: "image", source: { type: "url", url: "https://x/a.png" } },
        {
          type: "document",
          title: "spec.pdf",
          source: { type: "base64", media_type: "application/pdf", data: "JVBE" },
          cache_control: ephemeral,
        },
        { type: "document", source: { type: "text", media_type: "text/plain", data: "notes" } },
      ],
    }],
  });
  assert.deepEqual(value.messages[0].content, [
    { type: "image", source: { kind: "url", url: "https://x/a.png" } },
    {
      type: "document",
      source: { kind: "base64", mediaType: "application/pdf", data: "JVBE" },
      filename: "spec.pdf",
      cacheControl: ephemeral,
    },
    { type: "text", text: "notes" },
  ]);
});

Deno.test("decodeRequest() reads a web search tool and its blocks, and keeps server tools raw", () => {
  const webSearch = {
    type: "web_search_20250305",
    name: "web_search",
    max_uses: 3,
    allowed_domains: ["deno.com"],
    user_location: { type: "approximate", city: "Oslo", country: "NO" },
  };
  const fetch = { type: "web_fetch_20250910", name: "web_fetch" };
  const { value, warnings } = decodeRequest({
    model: "m",
    tools: [webSearch, fetch],
    messages: [{
      role: "assistant",
      content: [
        { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "q" } },
        {
          type: "web_search_tool_result",
          tool_use_id: "srvtoolu_1",
          content: [{
            type: "web_search_result",
            url: "https://deno.com",
            title: "Deno",
            encrypted_content: "EqgfCioI",
            page_age: "2 days ago",
          }, { type: "web_search_result", title: "no url" }],
        },
        { type: "server_tool_use", id: "srvtoolu_2", name: "web_search", input: { query: "r" } },
        {
          type: "web_search_tool_result",
          tool_use_id: "srvtoolu_2",
          content: { type: "web_search_tool_result_error", error_code: "max_uses_exceeded" },
        },
        { type: "server_tool_use", id: "srvtoolu_3", name: "web_fetch", input: { url: "u" } },
        { type: "web_fetch_tool_result", tool_use_id: "srvtoolu_3", content: {} },
        { type: "text", text: "Found it" },
      ],
    }],
  });
  assert.deepEqual(value.messages[0].content, [
    { type: "web_search_call", id: "srvtoolu_1", query: "q" },
    {
      type: "web_search_result",
      callId: "srvtoolu_1",
      sources: [{
        url: "https://deno.com",
        title: "Deno",
        pageAge: "2 days ago",
        encryptedContent: "EqgfCioI",
      }],
    },
    { type: "web_search_call", id: "srvtoolu_2", query: "r" },
    {
      type: "web_search_result",
      callId: "srvtoolu_2",
      sources: [],
      errorCode: "max_uses_exceeded",
    },
    { type: "text", text: "Found it" },
  ]);
  assert.deepEqual(value.tools, []);
  assert.deepEqual(value.serverTools, [webSearch, fetch]);
  assert.deepEqual(value.webSearch, {
    maxUses: 3,
    allowedDomains: ["deno.com"],
    userLocation: { city: "Oslo", country: "NO" },
  });
  assert.deepEqual(warnings, [
    `Dropped a "server_tool_use" block (messages[0].content[4]): only Anthropic can carry it`,
    `Dropped a "web_fetch_tool_result" block (messages[0].content[5]): only Anthropic can carry it`,
  ]);
});

Deno.test("decodeRequest() asks for no web search without the server tool (Claude Code's client tool)", () => {
  const { value } = decodeRequest({
    model: "m",
    tools: [{ name: "WebSearch", input_schema: { type: "object" } }],
    messages: [{ role: "user", content: "hi" }],
  });
  assert.equal(value.webSearch, undefined);
  assert.equal(value.serverTools, undefined);
});

Deno.test("decodeRequest() drops empty text and the messages it leaves empty", () => {
  const { value } = decodeRequest({
    model: "m",
    messages: [
      { role: "user", content: "hi" },
      { role: "assistant", content: [{ type: "text", text: "" }] },
      { role: "user", content: "" },
    ],
  });
  assert.deepEqual(value.messages, [{ role: "user", content: [{ type: "text", text: "hi" }] }]);
});

Deno.test("decodeRequest() reads sampling, tool choice, thinking budget and JSON output", () => {
  const schema = { type: "object", properties: { title: { type: "string" } } };
  const { value } = decodeRequest({
    model: "m",
    messages: [],
    temperature: 0.5,
    top_p: 0.9,
    top_k: 40,
    stop_sequences: ["END"],
    tool_choice: { type: "tool", name: "Read", disable_parallel_tool_use: true },
    thinking: { type: "enabled", budget_tokens: 31999 },
    output_config: { effort: "max", format: { type: "json_schema", schema } },
  });
  assert.deepEqual(value, {
    model: "m",
    stream: false,
    system: [],
    messages: [],
    tools: [],
    toolChoice: { type: "tool", name: "Read" },
    parallelToolCalls: false,
    temperature: 0.5,
    topP: 0.9,
    topK: 40,
    stopSequences: ["END"],
    thinking: { mode: "enabled", budgetTokens: 31999, effort: "max" },
    responseFormat: { type: "json_schema", schema },
  });
});

Deno.test("decodeRequest() reads thinking disabled as disabled, without effort", () => {
  const { value } = decodeRequest({
    model: "m",
    messages: [],
    thinking: { type: "disabled" },
    output_config: { effort: "low" },
  });
  assert.deepEqual(value.thinking, { mode: "disabled" });
});

Deno.test("decodeRequest() rejects bad input with a 400 naming the field", () => {
  assertInvalid([], "Request body must be a JSON object");
  assertInvalid({ messages: [] }, `"model" is required`);
  assertInvalid({ model: 1, messages: [] }, `"model" must be a string`);
  assertInvalid({ model: "m" }, `"messages" is required`);
  assertInvalid({ model: "m", messages: {} }, `"messages" must be an array`);
  assertInvalid({ model: "m", messages: [], max_tokens: "9" }, `"max_tokens" must be a number`);
  assertInvalid(
    { model: "m", messages: [{ role: "tool", content: "x" }] },
    `messages[0]: "role" must be "user", "assistant" or "system"`,
  );
  const blocks = [{ type: "text", text: "ok" }, { type: "hologram" }];
  assertInvalid(
    {
      model: "m",
      messages: [{ role: "user", content: "a" }, { role: "assistant", content: "b" }, {
        role: "user",
        content: blocks,
      }],
    },
    `messages[2].content[1].type: unknown content block type "hologram"`,
  );
  assertInvalid(
    { model: "m", messages: [{ role: "user", content: [{ type: "text", text: 5 }] }] },
    `messages[0].content[0]: "text" must be a string`,
  );
  assertInvalid(
    {
      model: "m",
      messages: [{
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "a", is_error: "yes" }],
      }],
    },
    `messages[0].content[0]: "is_error" must be a boolean`,
  );
  assertInvalid(
    { model: "m", messages: [], tools: [{ description: "no name" }] },
    `tools[0]: "name" is required`,
  );
  assertInvalid(
    { model: "m", messages: [], thinking: { type: "sometimes" } },
    `thinking.type: unknown thinking type "sometimes"`,
  );
  assertInvalid(
    {
      model: "m",
      messages: [{
        role: "user",
        content: [{ type: "image", source: { type: "file", file_id: "f" } }],
      }],
    },
    `messages[0].content[0].source.type: unsupported image source "file"`,
  );
});

Deno.test("decodeRequest() reads tool_reference blocks in a tool result as the tools' names", () => {
  const { value, warnings } = decodeRequest({
    model: "m",
    messages: [
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "t1", name: "ToolSearch", input: { query: "github" } }],
      },
      {
        role: "user",
        content: [{
          type: "tool_result",
          tool_use_id: "t1",
          content: [
            { type: "tool_reference", tool_name: "mcp__github__create_issue" },
            { type: "tool_reference", tool_name: "mcp__github__list_issues" },
          ],
        }],
      },
    ],
  });
  assert.deepEqual(value.messages[1].content, [{
    type: "tool_result",
    toolCallId: "t1",
    name: "ToolSearch",
    isError: false,
    content: [
      { type: "text", text: "mcp__github__create_issue" },
      { type: "text", text: "mcp__github__list_issues" },
    ],
  }]);
  assert.deepEqual(warnings, []);
});
