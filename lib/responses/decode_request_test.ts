import assert from "node:assert/strict";
import { ProxyError } from "../errors.ts";
import { callIdWithSignature } from "../ir/ids.ts";
import type { Message, Signature } from "../ir/types.ts";
import { decodeRequest, NO_STORED_RESPONSES } from "./decode_request.ts";

const CODEX = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../tests/fixtures/requests/codex_like_request.json", import.meta.url),
  ),
);

function decode(body: Record<string, unknown>) {
  return decodeRequest({ model: "gpt-x", ...body });
}

function assert400(body: unknown, message: string, code?: string) {
  assert.throws(() => decodeRequest(body), (e: unknown) => {
    assert.ok(e instanceof ProxyError);
    assert.equal(e.status, 400);
    assert.equal(e.message, message);
    assert.equal(e.code, code);
    return true;
  });
}

const text = (t: string) => ({ type: "text" as const, text: t });
const result = (toolCallId: string, name: string, t: string) => ({
  type: "tool_result" as const,
  toolCallId,
  name,
  content: [text(t)],
  isError: false,
});

Deno.test("decodeRequest() reads a whole Codex request into the internal model", () => {
  const { value, warnings } = decodeRequest(CODEX);
  const input = CODEX.input;
  const proof = (i: number): Signature => ({
    origin: "responses",
    value: input[i].encrypted_content,
  });
  assert.equal(value.model, "gpt-5.1-codex");
  assert.equal(value.stream, true);
  assert.deepEqual(value.system, [text(CODEX.instructions), text(input[0].content[0].text)]);
  const expected: Message[] = [
    { role: "user", content: [text(input[1].content[0].text)] },
    { role: "user", content: [text(input[2].content[0].text)] },
    { role: "user", content: [text(input[3].content[0].text)] },
    {
      role: "assistant",
      content: [
        { type: "thinking", text: input[4].summary[0].text, signature: proof(4) },
        {
          type: "tool_call",
          id: "call_3kXq9Lm2Vt8Rb5Nc1Yw7Pd4s",
          name: "shell",
          input: {
            command: ["bash", "-lc", "cargo test -p tally-core 2>&1 | tail -n 20"],
            workdir: "/home/dev/tally",
            timeout_ms: 120000,
          },
        },
      ],
    },
    { role: "user", content: [result("call_3kXq9Lm2Vt8Rb5Nc1Yw7Pd4s", "shell", input[6].output)] },
    {
      role: "assistant",
      content: [
        { type: "thinking", text: input[7].summary[0].text, signature: proof(7) },
        text(input[8].content[0].text),
        {
          type: "tool_call",
          id: "call_8Jd2Fh6Ks0Lq4Wn9Zx3Cv7Bm",
          name: "apply_patch",
          input: { input: input[9].input },
        },
      ],
    },
    {
      role: "user",
      content: [result("call_8Jd2Fh6Ks0Lq4Wn9Zx3Cv7Bm", "apply_patch", input[10].output)],
    },
    {
      role: "assistant",
      content: [{
        type: "tool_call",
        id: "call_5Tg1Hy7Uj3Ik9Ol2Pz6Xa0Qs",
        name: "mcp__github__search_issues",
        input: { query: "repo:dev/tally to_cents rounding" },
      }],
    },
    {
      role: "user",
      content: [
        result(
          "call_5Tg1Hy7Uj3Ik9Ol2Pz6Xa0Qs",
          "mcp__github__search_issues",
          "#212 Totals off by one cent after #208 (open)",
        ),
      ],
    },
    {
      role: "user",
      content: [
        text("This is what the dashboard shows now:"),
        {
          type: "image",
          source: {
            kind: "base64",
            mediaType: "image/png",
            data: input[13].content[1].image_url.slice("data:image/png;base64,".length),
          },
        },
      ],
    },
    {
      role: "assistant",
      content: [
        { type: "thinking", text: "", signature: proof(14) },
        {
          type: "tool_call",
          id: "call_0Wq4Er8Ty2Ui6Op1As5Df9Gh",
          name: "update_plan",
          input: JSON.parse(input[15].arguments),
        },
      ],
    },
    {
      role: "user",
      content: [result("call_0Wq4Er8Ty2Ui6Op1As5Df9Gh", "update_plan", "Plan updated")],
    },
    { role: "assistant", content: [text(input[17].content[0].text)] },
    { role: "user", content: [text("Thanks. Also run clippy and fix what it finds.")] },
  ];
  assert.deepEqual(value.messages, expected);
  assert.deepEqual(value.tools.map((t) => t.name), [
    "shell",
    "update_plan",
    "apply_patch",
    "view_image",
    "mcp__github__search_issues",
    "mcp__github__get_file_contents",
  ]);
  assert.deepEqual(value.tools[4].inputSchema, CODEX.tools[4].tools[0].parameters);
  assert.deepEqual(value.thinking, { mode: "enabled", effort: "high" });
  assert.deepEqual(value.toolChoice, { type: "auto" });
  assert.equal(value.parallelToolCalls, true);
  assert.equal(value.responseFormat, undefined);
  assert.equal(value.webSearch, undefined);
  assert.deepEqual(warnings, [
    "Dropped the web_search tool: it asks for cached results only " +
    "(external_web_access: false), which no other upstream serves",
  ]);
});

Deno.test("decodeRequest() makes the freeform apply_patch tool a one-string function with its grammar", () => {
  const patch = decodeRequest(CODEX).value.tools[2];
  assert.equal(patch.name, "apply_patch");
  assert.deepEqual(patch.inputSchema, {
    type: "object",
    properties: {
      input: { type: "string", description: "The raw input, exactly as the tool takes it" },
    },
    required: ["input"],
    additionalProperties: false,
  });
  const grammar = CODEX.tools[2].format.definition;
  assert.equal(
    patch.description,
    `${CODEX.tools[2].description}\n\nPass the raw text as the \`input\` string (not JSON). ` +
      `It must match this lark grammar:\n\`\`\`\n${grammar}\n\`\`\``,
  );
});

Deno.test("decodeRequest() keeps the caller's settings to echo, as it wrote them", () => {
  const settings = decodeRequest(CODEX).value.callerSettings!;
  assert.deepEqual(settings, {
    instructions: CODEX.instructions,
    max_output_tokens: null,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: "high", summary: "auto" },
    store: false,
    temperature: null,
    text: { verbosity: "low" },
    tool_choice: "auto",
    tools: CODEX.tools,
    top_p: null,
    truncation: "disabled",
    user: null,
    metadata: {},
    prompt_cache_key: "019a8c4e-3f2d-7b61-9e0a-5c4d3b2a1f0e",
  });
});

Deno.test("decodeRequest() reads a string input and the sampling settings", () => {
  const { value } = decode({
    input: "Hello",
    max_output_tokens: 300,
    temperature: 0.2,
    top_p: 0.9,
    safety_identifier: "user-7",
    text: {
      format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true },
    },
  });
  assert.deepEqual(value.messages, [{ role: "user", content: [text("Hello")] }]);
  assert.equal(value.maxTokens, 300);
  assert.equal(value.temperature, 0.2);
  assert.equal(value.topP, 0.9);
  assert.equal(value.user, "user-7");
  assert.deepEqual(value.responseFormat, {
    type: "json_schema",
    schema: { type: "object" },
    name: "answer",
    strict: true,
  });
  assert.equal(decode({ input: "" }).value.messages.length, 0);
  assert.deepEqual(decode({ text: { format: { type: "json_object" } } }).value.responseFormat, {
    type: "json_object",
  });
  assert.equal(decode({ text: { format: { type: "text" } } }).value.responseFormat, undefined);
});

Deno.test("decodeRequest() keeps every reasoning.effort level, none as thinking disabled", () => {
  const thinking = (effort: unknown) => decode({ reasoning: { effort } }).value.thinking;
  assert.deepEqual(thinking("none"), { mode: "disabled" });
  for (const effort of ["minimal", "low", "medium", "high", "xhigh", "max"]) {
    assert.deepEqual(thinking(effort), { mode: "enabled", effort });
  }
  const ultra = decode({ reasoning: { effort: "ultra", summary: "auto" } });
  assert.deepEqual(ultra.value.thinking, { mode: "enabled", effort: "max" });
  assert.deepEqual(ultra.warnings, [
    `"reasoning.effort" "ultra" was read as "max", the highest level upstreams take`,
  ]);
  assert.equal(decode({ reasoning: { summary: "detailed" } }).value.thinking, undefined);
  assert400(
    { model: "m", reasoning: { effort: "extreme" } },
    `reasoning: "effort" must be one of none, minimal, low, medium, high, xhigh, max, ultra: ` +
      `got "extreme"`,
  );
});

Deno.test("decodeRequest() answers previous_response_id with previous_response_not_found", () => {
  assert400(
    { model: "m", input: "next", previous_response_id: "resp_123" },
    NO_STORED_RESPONSES,
    "previous_response_not_found",
  );
  assert.match(NO_STORED_RESPONSES, /keeps no stored responses.*"store": false/);
  assert.equal(decode({ previous_response_id: null }).value.model, "gpt-x");
});

Deno.test("decodeRequest() refuses what needs stored state and answers store: true as false", () => {
  assert400(
    { model: "m", input: [{ type: "item_reference", id: "msg_1" }] },
    `input[0]: "item_reference" needs stored responses, and this proxy keeps none for this ` +
      `model: send the referenced items themselves`,
  );
  assert400(
    { model: "m", conversation: "conv_1" },
    `"conversation" needs stored state, and this proxy keeps none for this model: send the ` +
      `whole conversation as "input"`,
  );
  assert400(
    { model: "m", background: true },
    `"background": true needs stored responses, which this proxy keeps none of`,
  );
  const { value, warnings } = decode({ input: "hi", store: true });
  assert.equal(value.callerSettings?.store, false);
  assert.deepEqual(warnings, [`"store": true was answered as false: nothing is stored`]);
});

Deno.test("decodeRequest() drops items with no counterpart and outputs without a call, with warnings", () => {
  const { value, warnings } = decode({
    input: [
      { role: "user", content: "go" },
      { type: "local_shell_call", call_id: "ls1", status: "completed", action: { type: "exec" } },
      { type: "local_shell_call_output", call_id: "ls1", output: "ok" },
      { type: "image_generation_call", id: "ig_1", status: "completed" },
      { type: "local_shell_call", call_id: "ls2", status: "completed", action: { type: "exec" } },
      { type: "function_call_output", call_id: "call_gone", output: "stale" },
      { type: "compaction", encrypted_content: "x" },
    ],
  });
  assert.deepEqual(value.messages, [{ role: "user", content: [text("go")] }]);
  assert.deepEqual(warnings, [
    "Dropped 2 input item(s) of type local_shell_call: the upstream has no such item",
    "Dropped 1 input item(s) of type local_shell_call_output: the upstream has no such item",
    "Dropped 1 input item(s) of type image_generation_call: the upstream has no such item",
    "Dropped 1 input item(s) of type compaction: the upstream has no such item",
    `Dropped the output of call "call_gone": no call with that call_id`,
  ]);
});

Deno.test("decodeRequest() pairs calls and outputs by call_id, never by item id", () => {
  const signed = callIdWithSignature("call_g", "c2ln");
  const { value } = decode({
    input: [
      { role: "user", content: [{ type: "input_text", text: "two calls" }] },
      { type: "function_call", id: "fc_abc", call_id: "call_a", name: "ls", arguments: "" },
      { type: "function_call", id: "fc_def", call_id: signed, name: "cat", arguments: '{"p":' },
      { type: "function_call_output", id: "fco_1", call_id: signed, output: "" },
      {
        type: "function_call_output",
        call_id: "call_a",
        output: [{ type: "input_text", text: "a" }],
      },
      { role: "user", content: "thanks" },
    ],
  });
  assert.deepEqual(value.messages, [
    { role: "user", content: [text("two calls")] },
    {
      role: "assistant",
      content: [
        { type: "tool_call", id: "call_a", name: "ls", input: {} },
        {
          type: "tool_call",
          id: signed,
          name: "cat",
          input: { _raw_arguments: '{"p":' },
          signature: { origin: "gemini", value: "c2ln" },
        },
      ],
    },
    {
      role: "user",
      content: [
        { type: "tool_result", toolCallId: signed, name: "cat", content: [], isError: false },
        result("call_a", "ls", "a"),
      ],
    },
    { role: "user", content: [text("thanks")] },
  ]);
});

Deno.test("decodeRequest() reads replayed reasoning by its proof's origin", () => {
  const { value } = decode({
    input: [
      { role: "user", content: "q" },
      {
        type: "reasoning",
        summary: [{ type: "summary_text", text: "A" }],
        encrypted_content: "anthropic:EqQB",
      },
      { type: "reasoning", summary: [], encrypted_content: "anthropic-redacted:RUQB" },
      { type: "reasoning", summary: [], encrypted_content: "proxy:v1" },
      {
        type: "reasoning",
        summary: [],
        content: [{ type: "reasoning_text", text: "raw" }],
        encrypted_content: "gemini:CiQB",
      },
      {
        type: "reasoning",
        summary: [{ type: "summary_text", text: "p" }],
        encrypted_content: "proxy:v1",
      },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "answer" }] },
    ],
  });
  assert.deepEqual(value.messages[1], {
    role: "assistant",
    content: [
      { type: "thinking", text: "A", signature: { origin: "anthropic", value: "EqQB" } },
      { type: "redacted_thinking", data: "RUQB" },
      { type: "thinking", text: "raw", signature: { origin: "gemini", value: "CiQB" } },
      { type: "thinking", text: "p", signature: { origin: "proxy", value: "" } },
      text("answer"),
    ],
  });
});

Deno.test("decodeRequest() keeps later system and developer messages in place", () => {
  const { value } = decode({
    instructions: "Be terse.",
    input: [
      { role: "system", content: "Rule 1" },
      { role: "user", content: "hi" },
      { role: "developer", content: [{ type: "input_text", text: "Rule 2" }] },
      { role: "user", content: "again" },
    ],
  });
  assert.deepEqual(value.system, [text("Be terse."), text("Rule 1")]);
  assert.deepEqual(value.messages, [
    { role: "user", content: [text("hi")] },
    { role: "system", content: [text("Rule 2")] },
    { role: "user", content: [text("again")] },
  ]);
});

Deno.test("decodeRequest() reads images and files, and refuses file ids and audio", () => {
  const { value } = decode({
    input: [{
      role: "user",
      content: [
        { type: "input_image", image_url: "https://x.test/a.png", detail: "high" },
        { type: "input_file", filename: "a.pdf", file_data: "data:application/pdf;base64,JVBER" },
        { type: "input_file", file_url: "https://x.test/b.pdf" },
        { type: "input_text", text: "" },
      ],
    }],
  });
  assert.deepEqual(value.messages[0].content, [
    { type: "image", source: { kind: "url", url: "https://x.test/a.png" } },
    {
      type: "document",
      source: { kind: "base64", mediaType: "application/pdf", data: "JVBER" },
      filename: "a.pdf",
    },
    { type: "document", source: { kind: "url", url: "https://x.test/b.pdf" } },
  ]);
  const part = (p: Record<string, unknown>) => ({
    model: "m",
    input: [{ role: "user", content: [p] }],
  });
  assert400(
    part({ type: "input_image", file_id: "file_1" }),
    `input[0].content[0]: "file_id" is not supported (the proxy keeps no files); send the data inline`,
  );
  assert400(
    part({ type: "input_audio", input_audio: {} }),
    "input[0].content[0]: audio input is not supported by this proxy",
  );
  assert400(
    part({ type: "video" }),
    `input[0].content[0]: content part type "video" is not supported`,
  );
});

Deno.test("decodeRequest() names the bad field of a malformed request", () => {
  assert400([], "Request body must be a JSON object");
  assert400({ input: "x" }, `"model" is required`);
  assert400({ model: "m", input: 3 }, `"input" must be a string or an array of items`);
  assert400(
    { model: "m", input: [{ type: "function_call", name: "f" }] },
    `input[0]: "call_id" is required`,
  );
  assert400(
    { model: "m", input: [{ role: "robot", content: "x" }] },
    `input[0]: "role" must be one of user, assistant, system, developer`,
  );
  assert400({ model: "m", tools: [{ type: "function" }] }, `tools[0]: "name" is required`);
  assert400(
    { model: "m", tool_choice: 7 },
    `"tool_choice" must be "auto", "required", "none" or an object with a "type"`,
  );
  assert400(
    { model: "m", text: { format: { type: "yaml" } } },
    `text.format: "type" must be "text", "json_object" or "json_schema": got "yaml"`,
  );
  assert.equal(decodeRequest({ input: "x" }, { model: "from-path" }).value.model, "from-path");
});

Deno.test("decodeRequest() drops a hosted tool search's items, and reads a client-run one's", () => {
  const search = { type: "tool_search_call", call_id: "c1", arguments: { query: "q" } };
  const found = { type: "tool_search_output", call_id: "c1", tools: [] };
  const hosted = decode({
    input: [{ role: "user", content: "go" }, search, found],
  });
  assert.equal(hosted.value.messages.length, 1);
  assert.deepEqual(hosted.warnings, [
    "Dropped 1 input item(s) of type tool_search_call: the upstream has no such item",
    "Dropped 1 input item(s) of type tool_search_output: the upstream has no such item",
  ]);
  const client = decode({
    input: [
      { role: "user", content: "go" },
      { ...search, execution: "client", arguments: '{"query":"q"}' },
      { ...found, execution: "client" },
    ],
  });
  assert.deepEqual(client.value.messages.slice(1), [
    {
      role: "assistant",
      content: [{ type: "tool_call", id: "c1", name: "tool_search", input: { query: "q" } }],
    },
    { role: "user", content: [result("c1", "tool_search", "No tools found.")] },
  ]);
  assert.deepEqual(client.warnings, []);
});

Deno.test("decodeRequest() takes tools declared in additional_tools items, and echoes them", () => {
  const { value } = decode({
    input: [
      { type: "additional_tools", tools: [{ type: "custom", name: "js_repl" }] },
      { role: "user", content: "run it" },
    ],
    tools: [{ type: "function", name: "shell" }],
  });
  assert.deepEqual(value.tools.map((t) => t.name), ["shell", "js_repl"]);
  assert.deepEqual(value.messages, [{ role: "user", content: [text("run it")] }]);
  assert.deepEqual(value.callerSettings?.tools, [
    { type: "function", name: "shell" },
    { type: "custom", name: "js_repl" },
  ]);
});

Deno.test("decodeRequest() takes 200,000 parts, items or tools without overflowing the stack", () => {
  const n = 200_000;
  const parts = Array.from({ length: n }, () => ({ type: "input_text", text: "x" }));
  const decoded = decode({
    input: [
      { type: "message", role: "developer", content: parts },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "a" }] },
      {
        type: "message",
        role: "assistant",
        content: parts.map(() => ({ type: "output_text", text: "y" })),
      },
      {
        type: "additional_tools",
        tools: Array.from({ length: n }, (_, i) => ({ type: "function", name: `t${i}` })),
      },
    ],
  }).value;
  assert.equal(decoded.system.length, n);
  assert.equal(decoded.messages.at(-1)?.content.length, n + 1);
});

Deno.test("decodeRequest() reads a replayed web_search_call as the search the model ran", () => {
  const { value, warnings } = decode({
    input: [
      { role: "user", content: "news?" },
      {
        type: "web_search_call",
        status: "completed",
        action: {
          type: "search",
          query: "news",
          sources: [{ type: "url", url: "https://n.example/a" }],
        },
      },
      {
        type: "web_search_call",
        status: "completed",
        action: { type: "open_page", url: "https://n.example/a" },
      },
      { role: "assistant", content: [{ type: "output_text", text: "Here." }] },
    ],
  });
  assert.deepEqual(value.messages[1], {
    role: "assistant",
    content: [
      { type: "web_search_call", id: "ws_1", query: "news" },
      {
        type: "web_search_result",
        callId: "ws_1",
        sources: [{ url: "https://n.example/a", title: "n.example" }],
      },
      text("Here."),
    ],
  });
  assert.deepEqual(warnings, []);
});

Deno.test("decodeRequest() keeps a live web_search tool, drops Codex's cached-only one", () => {
  const live = decode({
    input: "hi",
    tools: [{
      type: "web_search",
      external_web_access: true,
      filters: { allowed_domains: ["deno.com"] },
      user_location: { type: "approximate", country: "NO", city: null },
      search_context_size: "high",
    }],
  });
  assert.deepEqual(live.value.webSearch, {
    allowedDomains: ["deno.com"],
    userLocation: { country: "NO" },
  });
  assert.deepEqual(live.warnings, []);
  assert.deepEqual(
    decode({ input: "hi", tools: [{ type: "web_search_preview" }] }).value.webSearch,
    {},
  );
  const cached = decode({
    input: "hi",
    tools: [{ type: "web_search", external_web_access: false }],
  });
  assert.equal(cached.value.webSearch, undefined);
  assert.deepEqual(cached.warnings, [
    "Dropped the web_search tool: it asks for cached results only " +
    "(external_web_access: false), which no other upstream serves",
  ]);
});
