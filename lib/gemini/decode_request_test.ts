import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import { decodeRequest } from "./decode_request.ts";

function decode(body: unknown, options = { model: "gemini-3-pro-preview", stream: true }) {
  return decodeRequest(body, options);
}

function rejects(body: unknown, message: RegExp): void {
  assert.throws(() => decode(body), (e: unknown) => {
    assert.ok(e instanceof ProxyError);
    assert.equal(e.status, 400);
    assert.match(e.message, message);
    return true;
  });
}

Deno.test("decodeRequest() reads Gemini CLI's request shape", () => {
  const body = {
    contents: [
      { role: "user", parts: [{ text: "List files" }] },
      {
        role: "model",
        parts: [{
          functionCall: {
            id: "list_directory_1730000000000_0",
            name: "list_directory",
            args: { path: "." },
          },
          thoughtSignature: "sig-A",
        }],
      },
      {
        role: "user",
        parts: [{
          functionResponse: {
            id: "list_directory_1730000000000_0",
            name: "list_directory",
            response: { output: "a.txt\nb.txt" },
          },
        }],
      },
    ],
    systemInstruction: { role: "user", parts: [{ text: "You are Gemini CLI." }] },
    tools: [{
      functionDeclarations: [{
        name: "list_directory",
        description: "Lists a directory",
        parametersJsonSchema: {
          type: "object",
          properties: { path: { type: "string" } },
          required: ["path"],
        },
      }],
    }],
    generationConfig: {
      temperature: 1,
      topP: 0.95,
      topK: 64,
      thinkingConfig: { includeThoughts: true, thinkingLevel: "HIGH" },
    },
  };
  const { value, warnings } = decode(body);
  assert.deepEqual(warnings, []);
  assert.deepEqual(value, {
    model: "gemini-3-pro-preview",
    stream: true,
    system: [{ type: "text", text: "You are Gemini CLI." }],
    messages: [
      { role: "user", content: [{ type: "text", text: "List files" }] },
      {
        role: "assistant",
        content: [{
          type: "tool_call",
          id: "list_directory_1730000000000_0",
          name: "list_directory",
          input: { path: "." },
          signature: { origin: "gemini", value: "sig-A" },
        }],
      },
      {
        role: "user",
        content: [{
          type: "tool_result",
          toolCallId: "list_directory_1730000000000_0",
          name: "list_directory",
          content: [{ type: "text", text: "a.txt\nb.txt" }],
          isError: false,
        }],
      },
    ],
    tools: [{
      name: "list_directory",
      description: "Lists a directory",
      inputSchema: {
        type: "object",
        properties: { path: { type: "string" } },
        required: ["path"],
      },
    }],
    temperature: 1,
    topP: 0.95,
    topK: 64,
    thinking: { mode: "enabled", effort: "high" },
  });
});

Deno.test("decodeRequest() gives calls without ids deterministic ids and pairs responses by name", () => {
  const body = {
    contents: [
      { parts: [{ text: "Weather in Paris and Rome?" }] },
      {
        role: "model",
        parts: [
          { functionCall: { name: "weather", args: { city: "Paris" } } },
          { functionCall: { name: "weather", args: { city: "Rome" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { text: "here you go" },
          { functionResponse: { name: "weather", response: { result: { temp: 20 } } } },
          { functionResponse: { name: "weather", response: { error: "timeout" } } },
        ],
      },
    ],
  };
  const { value } = decode(body);
  assert.deepEqual(value.messages[1].content.map((p) => p.type === "tool_call" && p.id), [
    "call_1_0",
    "call_1_1",
  ]);
  assert.deepEqual(value.messages[2].content, [
    {
      type: "tool_result",
      toolCallId: "call_1_0",
      name: "weather",
      content: [{ type: "text", text: '{"temp":20}' }],
      isError: false,
    },
    {
      type: "tool_result",
      toolCallId: "call_1_1",
      name: "weather",
      content: [{ type: "text", text: "timeout" }],
      isError: true,
    },
    { type: "text", text: "here you go" },
  ]);
  // Replaying the same history gives the same ids.
  assert.deepEqual(decode(body).value, value);
});

Deno.test("decodeRequest() uses the whole response object when it has no output or result", () => {
  const body = {
    contents: [
      { role: "model", parts: [{ functionCall: { name: "f", id: "c1" } }] },
      { role: "user", parts: [{ functionResponse: { name: "f", id: "c1", response: { a: 1 } } }] },
    ],
  };
  const result = decode(body).value.messages[1].content[0];
  assert.deepEqual(result, {
    type: "tool_result",
    toolCallId: "c1",
    name: "f",
    content: [{ type: "text", text: '{"a":1}' }],
    isError: false,
  });
});

Deno.test("decodeRequest() reads thoughts, media and drops empty text and code execution", () => {
  const body = {
    system_instruction: { parts: [{ text: "Be brief" }] },
    contents: [
      {
        role: "user",
        parts: [
          { text: "" },
          { inlineData: { mimeType: "image/png", data: "iVBOR" } },
          { inline_data: { mime_type: "application/pdf", data: "JVBER" } },
          { fileData: { mimeType: "image/jpeg", fileUri: "https://x.test/a.jpg" } },
        ],
      },
      {
        role: "model",
        parts: [
          { text: "pondering", thought: true, thoughtSignature: "sig-T" },
          { executableCode: { language: "PYTHON", code: "1+1" } },
          { text: "Done" },
        ],
      },
    ],
  };
  const { value, warnings } = decode(body);
  assert.deepEqual(value.system, [{ type: "text", text: "Be brief" }]);
  assert.deepEqual(value.messages, [
    {
      role: "user",
      content: [
        { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBOR" } },
        {
          type: "document",
          source: { kind: "base64", mediaType: "application/pdf", data: "JVBER" },
        },
        {
          type: "image",
          source: { kind: "url", url: "https://x.test/a.jpg", mediaType: "image/jpeg" },
        },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "thinking", text: "pondering", signature: { origin: "gemini", value: "sig-T" } },
        { type: "text", text: "Done" },
      ],
    },
  ]);
  assert.deepEqual(warnings, ["Dropped code execution parts: only Gemini can run code"]);
});

Deno.test("decodeRequest() maps functionCallingConfig modes to tool choices", () => {
  const choice = (config: unknown) =>
    decode({ contents: [], toolConfig: { functionCallingConfig: config } }).value.toolChoice;
  assert.deepEqual(choice({ mode: "AUTO" }), { type: "auto" });
  assert.deepEqual(choice({ mode: "VALIDATED" }), { type: "auto" });
  assert.deepEqual(choice({ mode: "NONE" }), { type: "none" });
  assert.deepEqual(choice({ mode: "ANY" }), { type: "any" });
  assert.deepEqual(choice({ mode: "ANY", allowedFunctionNames: ["f"] }), {
    type: "tool",
    name: "f",
  });
  assert.equal(choice({}), undefined);
});

Deno.test("decodeRequest() maps thinkingConfig budgets and levels", () => {
  const thinking = (config: unknown) =>
    decode({ contents: [], generationConfig: { thinkingConfig: config } }).value.thinking;
  assert.deepEqual(thinking({ thinkingBudget: 0 }), { mode: "disabled" });
  assert.deepEqual(thinking({ thinkingBudget: -1 }), { mode: "adaptive" });
  assert.deepEqual(thinking({ includeThoughts: true }), { mode: "adaptive" });
  assert.deepEqual(thinking({ includeThoughts: true, thinkingBudget: 4096 }), {
    mode: "enabled",
    budgetTokens: 4096,
  });
  assert.deepEqual(thinking({ thinkingLevel: "LOW" }), { mode: "enabled", effort: "low" });
  assert.deepEqual(thinking({ thinkingLevel: "MINIMAL" }), { mode: "enabled", effort: "minimal" });
  assert.equal(thinking({}), undefined);
});

Deno.test("decodeRequest() reads generation settings and JSON output with upper-case schemas", () => {
  const { value } = decode({
    contents: [{ role: "user", parts: [{ text: "Route this" }] }],
    generationConfig: {
      maxOutputTokens: 1000,
      stopSequences: ["END"],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      candidateCount: 1,
      responseMimeType: "application/json",
      responseJsonSchema: {
        type: "OBJECT",
        properties: { model: { type: "STRING", enum: ["flash", "pro"] } },
        required: ["model"],
      },
    },
  });
  assert.equal(value.maxTokens, 1000);
  assert.deepEqual(value.stopSequences, ["END"]);
  assert.equal(value.seed, 7);
  assert.equal(value.presencePenalty, 0.5);
  assert.equal(value.frequencyPenalty, 0.25);
  assert.deepEqual(value.responseFormat, {
    type: "json_schema",
    schema: {
      type: "object",
      properties: { model: { type: "string", enum: ["flash", "pro"] } },
      required: ["model"],
    },
  });
  const plain = decode({
    contents: [],
    generationConfig: { responseMimeType: "application/json" },
  });
  assert.deepEqual(plain.value.responseFormat, { type: "json_object" });
});

Deno.test("decodeRequest() lower-cases OpenAPI types in parameters and drops built-in tools but search", () => {
  const { value, warnings } = decode({
    contents: [],
    tools: [
      {
        functionDeclarations: [
          {
            name: "f",
            parameters: {
              type: "OBJECT",
              properties: { xs: { type: "ARRAY", items: { type: "INTEGER" } } },
            },
          },
          { name: "g" },
        ],
      },
      { googleSearch: {} },
      { codeExecution: {} },
    ],
  });
  assert.deepEqual(value.tools, [
    {
      name: "f",
      inputSchema: {
        type: "object",
        properties: { xs: { type: "array", items: { type: "integer" } } },
      },
    },
    { name: "g", inputSchema: { type: "object", properties: {} } },
  ]);
  assert.deepEqual(value.webSearch, {});
  assert.deepEqual(warnings, [
    'Dropped the "codeExecution" tool: this model takes only function declarations',
  ]);
});

Deno.test("decodeRequest() reads googleSearch as the web search, in each spelling", () => {
  for (const key of ["googleSearch", "google_search", "googleSearchRetrieval"]) {
    assert.deepEqual(decode({ contents: [], tools: [{ [key]: {} }] }).value.webSearch, {}, key);
  }
  const { value, warnings } = decode({
    contents: [],
    tools: [{
      googleSearch: {
        excludeDomains: ["spam.example"],
        timeRangeFilter: { startTime: "2026-01-01T00:00:00Z", endTime: "2026-02-01T00:00:00Z" },
      },
    }],
  });
  assert.deepEqual(value.webSearch, { blockedDomains: ["spam.example"] });
  assert.deepEqual(value.tools, []);
  assert.deepEqual(warnings, ["Dropped googleSearch.timeRangeFilter: only Gemini filters by time"]);
  assert.equal(
    decode({ contents: [], tools: [{ functionDeclarations: [] }] }).value.webSearch,
    undefined,
  );
});

Deno.test("decodeRequest() drops Gemini 3's replayed server-side tool parts with a warning", () => {
  const { value, warnings } = decode({
    contents: [
      { role: "user", parts: [{ text: "news?" }] },
      {
        role: "model",
        parts: [
          { toolCall: { id: "t1", toolType: "GOOGLE_SEARCH_WEB", args: { queries: ["news"] } } },
          { toolResponse: { id: "t1", toolType: "GOOGLE_SEARCH_WEB", response: {} } },
          { text: "Here." },
        ],
      },
    ],
  });
  assert.deepEqual(value.messages[1], {
    role: "assistant",
    content: [{ type: "text", text: "Here." }],
  });
  assert.deepEqual(warnings, [
    "Dropped server-side tool parts: only Gemini reads them back",
    "Dropped server-side tool parts: only Gemini reads them back",
  ]);
});

Deno.test("decodeRequest() rejects what it cannot honour or read with a 400 naming the field", () => {
  rejects({ contents: [], generationConfig: { candidateCount: 2 } }, /candidateCount/);
  rejects({}, /"contents" is required/);
  rejects([], /JSON object/);
  rejects({ contents: [{ role: "system", parts: [] }] }, /contents\[0\]: "role"/);
  rejects(
    { contents: [{ parts: [{ text: 3 }] }] },
    /contents\[0\]\.parts\[0\]: "text" must be a string/,
  );
  rejects({ contents: [{ parts: [{ foo: 1 }] }] }, /contents\[0\]\.parts\[0\]: unsupported part/);
  rejects(
    { contents: [], generationConfig: { temperature: "hot" } },
    /"temperature" must be a number/,
  );
  rejects(
    { contents: [{ role: "model", parts: [{ functionCall: { args: {} } }] }] },
    /functionCall: "name" is required/,
  );
  rejects(
    { contents: [{ role: "user", parts: [{ functionCall: { name: "f" } }] }] },
    /only allowed in "model" turns/,
  );
  rejects({ contents: [], toolConfig: { functionCallingConfig: { mode: "SOMETIMES" } } }, /"mode"/);
});

Deno.test("decodeRequest() reads countTokens' generateContentRequest wrapper", () => {
  const { value } = decodeRequest(
    {
      generateContentRequest: {
        model: "models/gemini-2.5-flash",
        contents: [{ role: "user", parts: [{ text: "count me" }] }],
      },
    },
    {},
  );
  assert.equal(value.model, "gemini-2.5-flash");
  assert.equal(value.stream, false);
  assert.deepEqual(value.messages, [{
    role: "user",
    content: [{ type: "text", text: "count me" }],
  }]);
});
