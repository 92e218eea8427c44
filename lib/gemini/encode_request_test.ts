import assert from "node:assert/strict";
import type { UpstreamTarget } from "../ir/codec.ts";
import { callIdWithSignature } from "../ir/ids.ts";
import type { Message, Request } from "../ir/types.ts";
import { encodeRequest } from "./encode_request.ts";
import type { GeminiRequest } from "./types.ts";

const target: UpstreamTarget = { modelName: "gemini-3-pro-preview", maxTokens: 8192, stream: true };

function request(messages: Message[], extra: Partial<Request> = {}): Request {
  return { model: "claude-sonnet-4-5", stream: true, system: [], messages, tools: [], ...extra };
}

Deno.test("encodeRequest() puts the system prompt and mid-conversation system messages in systemInstruction", () => {
  const { value } = encodeRequest(
    request([
      { role: "user", content: [{ type: "text", text: "hi" }] },
      { role: "system", content: [{ type: "text", text: "Mid rule" }] },
      { role: "assistant", content: [{ type: "text", text: "hello" }] },
      { role: "system", content: [{ type: "text", text: "Later rule" }] },
      { role: "user", content: [{ type: "text", text: "bye" }] },
    ], {
      system: [
        { type: "text", text: "x-billing-header", cacheControl: { type: "ephemeral" } },
        { type: "text", text: "" },
        { type: "text", text: "You are Claude Code." },
      ],
    }),
    target,
  );
  assert.deepEqual(value.body, {
    contents: [
      { role: "user", parts: [{ text: "hi" }] },
      { role: "model", parts: [{ text: "hello" }] },
      { role: "user", parts: [{ text: "bye" }] },
    ],
    systemInstruction: {
      parts: [
        { text: "x-billing-header" },
        { text: "You are Claude Code." },
        { text: "Mid rule" },
        { text: "Later rule" },
      ],
    },
    generationConfig: { maxOutputTokens: 8192 },
  });
});

Deno.test("encodeRequest() names function responses from their calls and keeps them first", () => {
  const longName = "mcp__very_long_server_name__and_an_even_longer_tool_name_that_overflows";
  const { value } = encodeRequest(
    request([
      {
        role: "assistant",
        content: [
          { type: "tool_call", id: "toolu_01", name: "Read", input: { file_path: "/a.png" } },
          { type: "tool_call", id: "toolu_02", name: longName, input: {} },
        ],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            toolCallId: "toolu_01",
            content: [
              { type: "text", text: "an image:" },
              { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBOR" } },
            ],
            isError: false,
          },
          {
            type: "tool_result",
            toolCallId: "toolu_02",
            content: [{ type: "text", text: "boom" }],
            isError: true,
          },
        ],
      },
      { role: "user", content: [{ type: "text", text: "continue" }] },
    ], {
      tools: [
        { name: "Read", inputSchema: { type: "object", properties: {} } },
        { name: longName, inputSchema: { type: "object" } },
      ],
    }),
    { ...target, modelName: "gemini-2.5-flash" },
  );
  const body = value.body as { contents: unknown[] };
  const fitted = [...value.toolNames].find(([, caller]) => caller === longName)![0];
  assert.ok(fitted.length <= 64);
  assert.deepEqual(body.contents, [
    {
      role: "model",
      parts: [
        { functionCall: { id: "toolu_01", name: "Read", args: { file_path: "/a.png" } } },
        { functionCall: { id: "toolu_02", name: fitted, args: {} } },
      ],
    },
    {
      role: "user",
      parts: [
        { functionResponse: { id: "toolu_01", name: "Read", response: { output: "an image:" } } },
        { functionResponse: { id: "toolu_02", name: fitted, response: { error: "boom" } } },
        { inlineData: { mimeType: "image/png", data: "iVBOR" } },
        { text: "continue" },
      ],
    },
  ]);
  assert.deepEqual((value.body as { tools: unknown }).tools, [{
    functionDeclarations: [{ name: "Read" }, { name: fitted }],
  }]);
});

Deno.test("encodeRequest() returns thought signatures on the parts they came on", () => {
  const signedId = callIdWithSignature("call_abc", "sig-from-id");
  const { value, warnings } = encodeRequest(
    request([
      { role: "user", content: [{ type: "text", text: "go" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", text: "plan", signature: { origin: "gemini", value: "sig-thought" } },
          { type: "thinking", text: "", signature: { origin: "gemini", value: "sig-empty" } },
          { type: "tool_call", id: "c1", name: "a", input: {} },
          { type: "tool_call", id: "c2", name: "b", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", toolCallId: "c1", content: [], isError: false },
          { type: "tool_result", toolCallId: "c2", content: [], isError: false },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "thinking", text: "claude's", signature: { origin: "anthropic", value: "EqQB" } },
          { type: "thinking", text: "deepseek's", signature: { origin: "proxy", value: "" } },
          { type: "redacted_thinking", data: "xyz" },
          { type: "tool_call", id: signedId, name: "a", input: { n: 1 } },
        ],
      },
      {
        role: "user",
        content: [{ type: "tool_result", toolCallId: signedId, content: [], isError: false }],
      },
    ]),
    target,
  );
  const contents = (value.body as { contents: unknown[] }).contents;
  assert.deepEqual(contents[1], {
    role: "model",
    parts: [
      { text: "plan", thought: true, thoughtSignature: "sig-thought" },
      { functionCall: { id: "c1", name: "a", args: {} }, thoughtSignature: "sig-empty" },
      { functionCall: { id: "c2", name: "b", args: {} } },
    ],
  });
  assert.deepEqual(contents[3], {
    role: "model",
    parts: [{
      functionCall: { id: "call_abc", name: "a", args: { n: 1 } },
      thoughtSignature: "sig-from-id",
    }],
  });
  assert.deepEqual(contents[4], {
    role: "user",
    parts: [{ functionResponse: { id: "call_abc", name: "a", response: { output: "" } } }],
  });
  assert.deepEqual(warnings, ["Dropped 3 thinking block(s) that Gemini did not sign"]);
});

Deno.test("encodeRequest() signs unsigned first calls with the placeholder for Gemini 3 only", () => {
  const messages: Message[] = [
    { role: "user", content: [{ type: "text", text: "go" }] },
    {
      role: "assistant",
      content: [
        { type: "text", text: "Calling" },
        { type: "tool_call", id: "toolu_1", name: "a", input: {} },
        { type: "tool_call", id: "toolu_2", name: "a", input: {} },
      ],
    },
  ];
  const gemini3 = encodeRequest(request(messages), target).value.body as { contents: unknown[] };
  assert.deepEqual(gemini3.contents[1], {
    role: "model",
    parts: [
      { text: "Calling" },
      {
        functionCall: { id: "toolu_1", name: "a", args: {} },
        thoughtSignature: "skip_thought_signature_validator",
      },
      { functionCall: { id: "toolu_2", name: "a", args: {} } },
    ],
  });
  const gemini25 = encodeRequest(request(messages), { ...target, modelName: "gemini-2.5-pro" })
    .value.body as { contents: unknown[] };
  assert.deepEqual(gemini25.contents[1], {
    role: "model",
    parts: [
      { text: "Calling" },
      { functionCall: { id: "toolu_1", name: "a", args: {} } },
      { functionCall: { id: "toolu_2", name: "a", args: {} } },
    ],
  });
});

Deno.test("encodeRequest() leaves out call ids Gemini may not accept", () => {
  const id = "x".repeat(80);
  const body = encodeRequest(
    request([
      { role: "assistant", content: [{ type: "tool_call", id, name: "a", input: {} }] },
      {
        role: "user",
        content: [{ type: "tool_result", toolCallId: id, content: [], isError: false }],
      },
    ]),
    { ...target, modelName: "gemini-2.5-flash" },
  ).value.body as { contents: unknown[] };
  assert.deepEqual(body.contents, [
    { role: "model", parts: [{ functionCall: { name: "a", args: {} } }] },
    { role: "user", parts: [{ functionResponse: { name: "a", response: { output: "" } } }] },
  ]);
});

Deno.test("encodeRequest() declares cleaned tools and maps the tool choice", () => {
  const { value, warnings } = encodeRequest(
    request([{ role: "user", content: [{ type: "text", text: "hi" }] }], {
      tools: [{
        name: "WebFetch",
        description: "Fetches a URL",
        inputSchema: {
          $schema: "https://json-schema.org/draft/2020-12/schema",
          type: "object",
          properties: {
            url: { type: "string", format: "uri" },
            prompt: { type: "string" },
          },
          required: ["url", "prompt"],
          additionalProperties: false,
        },
      }],
      serverTools: [{ type: "code_execution_20250825", name: "code_execution" }],
      toolChoice: { type: "tool", name: "WebFetch" },
    }),
    target,
  );
  const body = value.body as Record<string, unknown>;
  assert.deepEqual(body.tools, [{
    functionDeclarations: [{
      name: "WebFetch",
      description: "Fetches a URL",
      parameters: {
        type: "object",
        properties: { url: { type: "string" }, prompt: { type: "string" } },
        required: ["url", "prompt"],
      },
    }],
  }]);
  assert.deepEqual(body.toolConfig, {
    functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["WebFetch"] },
  });
  assert.deepEqual(warnings, ["Dropped 1 server tool(s): only Anthropic runs them"]);
});

Deno.test("encodeRequest() caps output, clamps temperature and asks for JSON output", () => {
  const { value, warnings } = encodeRequest(
    request([{ role: "user", content: [{ type: "text", text: "hi" }] }], {
      maxTokens: 64000,
      temperature: 2.5,
      topP: 0.9,
      topK: 40,
      seed: 3,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      stopSequences: ["a", "b", "c", "d", "e", "f"],
      responseFormat: {
        type: "json_schema",
        schema: {
          $schema: "http://json-schema.org/draft-07/schema#",
          type: "object",
          properties: { title: { type: "string" } },
        },
      },
    }),
    { ...target, temperature: 0.3 },
  );
  assert.deepEqual((value.body as Record<string, unknown>).generationConfig, {
    maxOutputTokens: 8192,
    temperature: 2,
    topP: 0.9,
    topK: 40,
    stopSequences: ["a", "b", "c", "d", "e"],
    seed: 3,
    presencePenalty: 0.1,
    frequencyPenalty: 0.2,
    responseMimeType: "application/json",
    responseJsonSchema: { type: "object", properties: { title: { type: "string" } } },
  });
  assert.deepEqual(warnings, [
    "Temperature 2.5 is outside 0–2; sent 2",
    "Gemini takes 5 stop sequences; dropped the rest",
  ]);
  const small = encodeRequest(request([], { maxTokens: 1000 }), { ...target, temperature: 0.3 });
  assert.deepEqual((small.value.body as Record<string, unknown>).generationConfig, {
    maxOutputTokens: 1000,
    temperature: 0.3,
  });
});

Deno.test("encodeRequest() asks Gemini 3 for a thinking level and Gemini 2.5 for a budget", () => {
  const config = (thinking: Request["thinking"], modelName: string) =>
    (encodeRequest(request([], { thinking }), { ...target, modelName }).value.body as {
      generationConfig: { thinkingConfig?: unknown };
    }).generationConfig.thinkingConfig;
  const budget = { mode: "enabled", budgetTokens: 31999 } as const;
  assert.deepEqual(config(budget, "gemini-3-pro-preview"), {
    includeThoughts: true,
    thinkingLevel: "HIGH",
  });
  assert.deepEqual(config({ mode: "enabled", effort: "low" }, "gemini-3-pro-preview"), {
    includeThoughts: true,
    thinkingLevel: "LOW",
  });
  assert.deepEqual(config({ mode: "enabled", effort: "medium" }, "gemini-3-flash-preview"), {
    includeThoughts: true,
    thinkingLevel: "MEDIUM",
  });
  assert.deepEqual(config(budget, "gemini-2.5-pro"), {
    includeThoughts: true,
    thinkingBudget: 31999,
  });
  assert.deepEqual(config(budget, "gemini-2.5-flash"), {
    includeThoughts: true,
    thinkingBudget: 24576,
  });
  assert.deepEqual(config({ mode: "enabled", effort: "medium" }, "gemini-2.5-flash"), {
    includeThoughts: true,
    thinkingBudget: 8192,
  });
  assert.deepEqual(config({ mode: "adaptive" }, "gemini-2.5-flash"), { includeThoughts: true });
  assert.deepEqual(config({ mode: "disabled" }, "gemini-2.5-flash"), { thinkingBudget: 0 });
  assert.deepEqual(config({ mode: "disabled" }, "gemini-2.5-pro"), { thinkingBudget: 128 });
  assert.deepEqual(config({ mode: "disabled" }, "gemini-3-flash-preview"), {
    thinkingLevel: "MINIMAL",
  });
  assert.equal(config(undefined, "gemini-2.5-flash"), undefined);
});

Deno.test("encodeRequest() answers calls an interrupted turn left unanswered", () => {
  const messages: Message[] = [
    { role: "user", content: [{ type: "text", text: "look" }] },
    {
      role: "assistant",
      content: [
        { type: "tool_call", id: "a", name: "Read", input: {} },
        { type: "tool_call", id: "b", name: "Glob", input: {} },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", toolCallId: "a", name: "Read", content: [], isError: false },
        { type: "text", text: "never mind" },
      ],
    },
  ];
  const { value, warnings } = encodeRequest(request(messages), target);
  const contents = value.body.contents as Array<{ role: string; parts: any[] }>;
  assert.equal(contents.length, 3);
  assert.deepEqual(contents[2].parts.map((p) => p.functionResponse?.name ?? p.text), [
    "Glob",
    "Read",
    "never mind",
  ]);
  assert.deepEqual(contents[2].parts[0].functionResponse.response, {
    error: "(no result: the call was not answered)",
  });
  assert.ok(warnings.some((w) => w.includes("1 unanswered function call")));
});

Deno.test("encodeRequest() sends a search in the history as model text, never as a part Gemini lacks", () => {
  const { value } = encodeRequest(
    request([
      { role: "user", content: [{ type: "text", text: "News?" }] },
      {
        role: "assistant",
        content: [
          { type: "web_search_call", id: "srvtoolu_1", query: "news" },
          {
            type: "web_search_result",
            callId: "srvtoolu_1",
            sources: [{ url: "https://n.example", title: "N" }],
          },
          { type: "text", text: "Here is the news." },
        ],
      },
    ]),
    target,
  );
  const body = value.body as unknown as GeminiRequest;
  assert.deepEqual(body.contents[1], {
    role: "model",
    parts: [
      { text: 'Searched the web for "news".' },
      { text: "Web search results:\n- N: https://n.example" },
      { text: "Here is the news." },
    ],
  });
});

const SEARCH_REQUEST: Message[] = [
  { role: "user", content: [{ type: "text", text: "Perform a web search for the query: deno" }] },
];
const WEB_SEARCH = { type: "web_search_20250305", name: "web_search", max_uses: 8 };

Deno.test("encodeRequest() asks Google Search for Claude Code's web search", () => {
  const { value, warnings } = encodeRequest(
    request(SEARCH_REQUEST, { serverTools: [WEB_SEARCH], webSearch: { maxUses: 8 } }),
    { ...target, modelName: "gemini-2.5-flash" },
  );
  const body = value.body as unknown as GeminiRequest;
  assert.deepEqual(body.tools, [{ googleSearch: {} }]);
  assert.equal(body.toolConfig, undefined);
  assert.deepEqual(warnings, ["Gemini's Google Search takes no max_uses: searched without"]);
});

Deno.test("encodeRequest() searches beside functions on Gemini 3 only, which must be told", () => {
  const tools = [{ name: "Read", inputSchema: { type: "object", properties: {} } }];
  const withSearch = request(SEARCH_REQUEST, {
    tools,
    toolChoice: { type: "auto" },
    webSearch: { allowedDomains: ["deno.com"], userLocation: { country: "NO" } },
  });
  const three = encodeRequest(withSearch, target);
  const body = three.value.body as unknown as GeminiRequest;
  assert.deepEqual(body.tools, [
    { functionDeclarations: [{ name: "Read" }] },
    { googleSearch: {} },
  ]);
  assert.deepEqual(body.toolConfig, {
    functionCallingConfig: { mode: "AUTO" },
    includeServerSideToolInvocations: true,
  });
  assert.deepEqual(three.warnings, [
    "Gemini's Google Search takes no allowed_domains, user_location: searched without",
  ]);
  const older = encodeRequest(withSearch, { ...target, modelName: "gemini-2.5-pro" });
  const olderBody = older.value.body as unknown as GeminiRequest;
  assert.deepEqual(olderBody.tools, [{ functionDeclarations: [{ name: "Read" }] }]);
  assert.deepEqual(olderBody.toolConfig, { functionCallingConfig: { mode: "AUTO" } });
  assert.deepEqual(older.warnings, [
    "Dropped the web search: Gemini before 3 cannot search and call functions in one request",
  ]);
});
