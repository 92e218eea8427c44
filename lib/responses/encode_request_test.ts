import assert from "node:assert/strict";
import type { UpstreamTarget } from "../ir/codec.ts";
import { callIdWithSignature } from "../ir/ids.ts";
import type { Request } from "../ir/types.ts";
import { encodeRequest } from "./encode_request.ts";

const TARGET: UpstreamTarget = { modelName: "gpt-5-codex", maxTokens: 32000, stream: true };
const BASE: Request = { model: "claude-x", stream: true, system: [], messages: [], tools: [] };

function encode(request: Partial<Request>, target: Partial<UpstreamTarget> = {}) {
  return encodeRequest({ ...BASE, ...request }, { ...TARGET, ...target });
}

Deno.test("encodeRequest() sends a tool conversation as items paired by call_id, store false", () => {
  const signed = callIdWithSignature("toolu_01", "CiQB");
  const { value, warnings } = encode({
    system: [{ type: "text", text: "You are Claude Code." }, { type: "text", text: "Be careful." }],
    messages: [
      { role: "user", content: [{ type: "text", text: "list files" }] },
      {
        role: "assistant",
        content: [
          {
            type: "thinking",
            text: "Use ls.",
            signature: { origin: "responses", value: "gAAAA" },
          },
          { type: "text", text: "Listing." },
          { type: "tool_call", id: signed, name: "Bash", input: { command: "ls" } },
          { type: "tool_call", id: "toolu_02", name: "Read", input: { file_path: "a" } },
        ],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            toolCallId: signed,
            content: [{ type: "text", text: "a.txt" }],
            isError: false,
          },
          {
            type: "tool_result",
            toolCallId: "toolu_02",
            content: [
              { type: "text", text: "see image" },
              { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBOR" } },
            ],
            isError: true,
          },
          { type: "text", text: "and now?" },
        ],
      },
      { role: "system", content: [{ type: "text", text: "Reminder." }] },
    ],
    tools: [{ name: "Bash", description: "Run", inputSchema: { type: "object" } }],
    toolChoice: { type: "tool", name: "Bash" },
    parallelToolCalls: false,
    maxTokens: 64000,
    temperature: 3,
    topP: 0.5,
  });
  assert.deepEqual(value.body, {
    model: "gpt-5-codex",
    instructions: "You are Claude Code.\n\nBe careful.",
    input: [
      { type: "message", role: "user", content: [{ type: "input_text", text: "list files" }] },
      {
        type: "reasoning",
        summary: [{ type: "summary_text", text: "Use ls." }],
        encrypted_content: "gAAAA",
      },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Listing." }] },
      { type: "function_call", call_id: "toolu_01", name: "Bash", arguments: '{"command":"ls"}' },
      { type: "function_call", call_id: "toolu_02", name: "Read", arguments: '{"file_path":"a"}' },
      { type: "function_call_output", call_id: "toolu_01", output: "a.txt" },
      {
        type: "function_call_output",
        call_id: "toolu_02",
        output: [
          { type: "input_text", text: "Error:" },
          { type: "input_text", text: "see image" },
          { type: "input_image", image_url: "data:image/png;base64,iVBOR", detail: "auto" },
        ],
      },
      { type: "message", role: "user", content: [{ type: "input_text", text: "and now?" }] },
      { type: "message", role: "developer", content: [{ type: "input_text", text: "Reminder." }] },
    ],
    tools: [{ type: "function", name: "Bash", description: "Run", parameters: { type: "object" } }],
    tool_choice: { type: "function", name: "Bash" },
    parallel_tool_calls: false,
    max_output_tokens: 32000,
    temperature: 2,
    top_p: 0.5,
    store: false,
    stream: true,
  });
  assert.deepEqual(warnings, [`Clamped "temperature" 3 to 2`]);
});

Deno.test("encodeRequest() asks for reasoning summaries and encrypted content when thinking is on", () => {
  const reasoning = (request: Partial<Request>, target: Partial<UpstreamTarget> = {}) => {
    const { reasoning, include } = encode(request, target).value.body;
    return { reasoning, include };
  };
  const include = ["reasoning.encrypted_content"];
  assert.deepEqual(reasoning({ thinking: { mode: "enabled", budgetTokens: 31999 } }), {
    reasoning: { effort: "high", summary: "auto" },
    include,
  });
  assert.deepEqual(reasoning({ thinking: { mode: "adaptive" } }), {
    reasoning: { summary: "auto" },
    include,
  });
  assert.deepEqual(reasoning({}, { reasoningEffort: "low" }), {
    reasoning: { effort: "low", summary: "auto" },
    include,
  });
  assert.deepEqual(reasoning({ thinking: { mode: "disabled" } }), {
    reasoning: undefined,
    include: undefined,
  });
  assert.deepEqual(reasoning({}), { reasoning: undefined, include: undefined });
  // thinking_style reasoning is the default; none sends nothing about it
  assert.deepEqual(
    reasoning({ thinking: { mode: "enabled", effort: "high" } }, { thinkingStyle: "reasoning" }),
    { reasoning: { effort: "high", summary: "auto" }, include },
  );
  assert.deepEqual(
    reasoning({ thinking: { mode: "enabled", effort: "high" } }, {
      thinkingStyle: "none",
      reasoningEffort: "low",
    }),
    { reasoning: undefined, include: undefined },
  );
});

Deno.test("encodeRequest() replays only reasoning a Responses upstream signed", () => {
  const { value, warnings } = encode({
    messages: [
      { role: "user", content: [{ type: "text", text: "q" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", text: "mine", signature: { origin: "responses", value: "gAAAA" } },
          { type: "thinking", text: "claude's", signature: { origin: "anthropic", value: "EqQB" } },
          { type: "thinking", text: "deepseek's", signature: { origin: "proxy", value: "" } },
          { type: "redacted_thinking", data: "RUQB" },
          { type: "thinking", text: "", signature: { origin: "responses", value: "gBBBB" } },
          { type: "text", text: "  " },
          { type: "text", text: "A." },
        ],
      },
    ],
  });
  assert.deepEqual(value.body.input, [
    { type: "message", role: "user", content: [{ type: "input_text", text: "q" }] },
    {
      type: "reasoning",
      summary: [{ type: "summary_text", text: "mine" }],
      encrypted_content: "gAAAA",
    },
    { type: "reasoning", summary: [], encrypted_content: "gBBBB" },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "A." }] },
  ]);
  assert.deepEqual(warnings, [
    "Dropped 2 thinking block(s) that a Responses upstream did not sign",
    "Dropped 1 redacted thinking block(s): only Anthropic reads them",
  ]);
});

Deno.test("encodeRequest() fits long tool names and call ids, and answers unanswered calls", () => {
  const long = `mcp__claude_in_chrome__${"navigate_".repeat(8)}`;
  const id = `call_${"x".repeat(80)}`;
  const { value, warnings } = encode({
    messages: [
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: [{ type: "tool_call", id, name: long, input: {} }] },
      { role: "user", content: [{ type: "text", text: "never mind" }] },
    ],
    tools: [{ name: long, inputSchema: { type: "object" } }],
  });
  const input = value.body.input as Array<Record<string, string>>;
  const [name] = [...value.toolNames.keys()];
  assert.equal(name.length, 64);
  assert.equal(value.toolNames.get(name), long);
  assert.equal(input[1].name, name);
  assert.equal(input[1].call_id.length, 64);
  assert.deepEqual(input[2], {
    type: "function_call_output",
    call_id: input[1].call_id,
    output: "(no result: the call was not answered)",
  });
  assert.deepEqual(warnings, ["Added a placeholder result for 1 unanswered tool call(s)"]);
});

Deno.test("encodeRequest() writes text.format flat and drops what Responses has no field for", () => {
  const { value, warnings } = encode({
    responseFormat: {
      type: "json_schema",
      name: "title",
      schema: { type: "object" },
      strict: true,
    },
    stopSequences: ["END"],
    topK: 40,
    seed: 7,
    presencePenalty: 0.1,
    serverTools: [{ type: "web_fetch_20250910", name: "web_fetch" }],
    user: "u".repeat(100),
    messages: [{
      role: "user",
      content: [
        {
          type: "document",
          source: { kind: "base64", mediaType: "application/pdf", data: "JVBER" },
        },
        { type: "document", source: { kind: "url", url: "https://x.test/a.pdf" } },
      ],
    }],
  }, { stream: false });
  assert.deepEqual(value.body.text, {
    format: { type: "json_schema", name: "title", schema: { type: "object" }, strict: true },
  });
  assert.equal((value.body.user as string).length, 64);
  assert.equal(value.body.stream, undefined);
  assert.deepEqual(value.body.input, [{
    type: "message",
    role: "user",
    content: [
      {
        type: "input_file",
        filename: "document.pdf",
        file_data: "data:application/pdf;base64,JVBER",
      },
      { type: "input_file", file_url: "https://x.test/a.pdf" },
    ],
  }]);
  assert.deepEqual(warnings, [
    "Dropped 1 server tool(s): only Anthropic upstreams run them",
    `Dropped "stop": Responses upstreams have none`,
    `Dropped "top_k": Responses upstreams have none`,
    `Dropped "seed": Responses upstreams have none`,
    "Dropped the presence/frequency penalties: Responses upstreams have none",
  ]);
});

Deno.test("encodeRequest() sends 200,000 calls and results without overflowing the stack", () => {
  const n = 200_000;
  const ids = Array.from({ length: n }, (_, i) => `toolu_${i}`);
  const { value } = encode({
    messages: [
      { role: "user", content: [{ type: "text", text: "go" }] },
      {
        role: "assistant",
        content: ids.map((id) => ({ type: "tool_call", id, name: "Bash", input: {} })),
      },
      {
        role: "user",
        content: ids.map((id) => ({
          type: "tool_result",
          toolCallId: id,
          content: [{ type: "text", text: "ok" }],
          isError: false,
        })),
      },
    ],
  });
  const input = value.body.input as Array<{ type: string }>;
  assert.equal(input.filter((i) => i.type === "function_call").length, n);
  assert.equal(input.filter((i) => i.type === "function_call_output").length, n);
});

Deno.test("encodeRequest() sends a search in the history as assistant text, no item id needed", () => {
  const { value, warnings } = encode({
    messages: [
      { role: "user", content: [{ type: "text", text: "News?" }] },
      {
        role: "assistant",
        content: [
          { type: "web_search_call", id: "srvtoolu_1", query: "news" },
          {
            type: "web_search_result",
            callId: "srvtoolu_1",
            sources: [],
            errorCode: "unavailable",
          },
          { type: "text", text: "I could not search." },
        ],
      },
    ],
  });
  assert.deepEqual((value.body.input as unknown[])[1], {
    type: "message",
    role: "assistant",
    content: [
      { type: "output_text", text: 'Searched the web for "news".' },
      { type: "output_text", text: "The web search failed (unavailable)." },
      { type: "output_text", text: "I could not search." },
    ],
  });
  assert.deepEqual(warnings, []);
});

Deno.test("encodeRequest() asks a Responses upstream for a search with its pages listed", () => {
  const { value, warnings } = encode({
    tools: [{ name: "Read", inputSchema: { type: "object" } }],
    thinking: { mode: "enabled", effort: "high" },
    serverTools: [{ type: "web_search_20250305", name: "web_search", max_uses: 4 }],
    webSearch: {
      maxUses: 4,
      allowedDomains: ["deno.com"],
      blockedDomains: ["spam.example"],
      userLocation: { country: "NO" },
    },
  });
  assert.deepEqual(value.body.tools, [
    { type: "function", name: "Read", parameters: { type: "object" } },
    {
      type: "web_search",
      filters: { allowed_domains: ["deno.com"] },
      user_location: { type: "approximate", country: "NO" },
    },
  ]);
  assert.equal(value.body.max_tool_calls, 4);
  assert.deepEqual(value.body.include, [
    "reasoning.encrypted_content",
    "web_search_call.action.sources",
  ]);
  assert.deepEqual(warnings, [
    "Dropped blocked_domains: the Responses web search takes only allowed domains",
  ]);
  const plain = encode({ webSearch: {} });
  assert.deepEqual(plain.value.body.tools, [{ type: "web_search" }]);
  assert.deepEqual(plain.value.body.include, ["web_search_call.action.sources"]);
  assert.equal(plain.value.body.tool_choice, undefined);
});
