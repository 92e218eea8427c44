/**
 * A mock upstream for the real-client tests that plays a two-turn tool round trip in its own
 * dialect (OpenAI Chat Completions, Gemini, Anthropic or Responses, streamed or whole): asked with `tool`
 * declared and no tool result yet, it thinks and calls that tool with `input`; asked again with
 * the result, it answers `finalText`. Any other request (a title, a routing
 * call) gets a short plain answer, or an object that fits the JSON schema the request asks for.
 * It keeps every body it received, like `startMock`.
 */
import { json, type Mock, type Received, sse, startMock } from "./_harness.ts";
import { responsesStream } from "./_responses_sse.ts";

export type Dialect = "openai" | "gemini" | "anthropic" | "responses";

export interface Script {
  /** The tool the model calls, by the name the client declares it under. */
  tool: string;
  /** The call's arguments. */
  input: Record<string, unknown>;
  /** The model's answer once it has the command's output. */
  finalText: string;
  /** The reasoning sent with the tool call. */
  thinking: string;
  /**
   * Gemini: what a request declaring Google Search (a client's web search) is answered with,
   * the query's pages as grounding metadata.
   */
  search?: { query: string; pages: Array<{ uri: string; title: string }>; text: string };
}

/** Which kind of request the mock was sent (`search`: one asking Gemini for Google Search). */
export type Turn = "call" | "final" | "search" | "other";

/** Thought signature the Gemini mock puts on its call (base64 of "mock-sig"). */
export const GEMINI_SIGNATURE = "bW9jay1zaWc=";
/** Signature the Anthropic mock puts on its thinking. */
export const ANTHROPIC_SIGNATURE = "mock-anthropic-signature";
/** `encrypted_content` the Responses mock puts on its reasoning item. */
export const RESPONSES_PROOF = "gAAAAABmock-encrypted-reasoning";
/** Plain answer to requests that are not part of the round trip. */
export const OTHER_TEXT = "Shell round trip";
const CALL_ID = "call_mock_1";
/** Token counts the mock reports for every answer. */
export const USAGE = { input: 120, output: 30 };

/** Starts a mock upstream of `dialect` that plays `script`. */
export function startScriptedUpstream(dialect: Dialect, script: Script): Mock {
  return startMock((req) => {
    if (req.method !== "POST" || !req.json) {
      return json({ error: { message: `mock: unexpected ${req.method} ${req.path}` } }, 404);
    }
    const turn = turnOf(dialect, req, script.tool);
    const text = turn === "final" ? script.finalText : otherText(dialect, req.json);
    switch (dialect) {
      case "openai":
        return openaiAnswer(req.json.stream === true, turn, text, script);
      case "gemini":
        return geminiAnswer(req.path.includes(":streamGenerateContent"), turn, text, script);
      case "anthropic":
        return anthropicAnswer(req.json.stream === true, turn, text, script);
      case "responses":
        return responsesAnswer(req.json.stream === true, turn, text, script);
    }
  });
}

/** The tool names a request of `dialect` declares. */
export function declaredTools(dialect: Dialect, body: any): string[] {
  const tools: any[] = body?.tools ?? [];
  switch (dialect) {
    case "openai":
      return tools.map((tool) => tool.function?.name);
    case "gemini":
      return tools.flatMap((tool) => tool.functionDeclarations ?? []).map((f: any) => f.name);
    case "anthropic":
    case "responses":
      return tools.map((tool) => tool.name);
  }
}

/** Which turn of the round trip a request is. */
export function turnOf(dialect: Dialect, req: Received, tool: string): Turn {
  if (dialect === "gemini" && req.json?.tools?.some((t: any) => t.googleSearch)) return "search";
  if (!declaredTools(dialect, req.json).includes(tool)) return "other";
  return toolResultOf(dialect, req.json) === undefined ? "call" : "final";
}

/** The text of the last tool result in a request's history, if it has one. */
export function toolResultOf(dialect: Dialect, body: any): string | undefined {
  switch (dialect) {
    case "openai": {
      const last = body.messages?.at(-1);
      if (last?.role !== "tool") return undefined;
      const content = last.content;
      return typeof content === "string" ? content : JSON.stringify(content);
    }
    case "gemini": {
      const parts: any[] = body.contents?.at(-1)?.parts ?? [];
      const result = parts.find((part) => part.functionResponse);
      return result ? JSON.stringify(result.functionResponse.response) : undefined;
    }
    case "anthropic": {
      const content = body.messages?.at(-1)?.content;
      const result = Array.isArray(content)
        ? content.find((block: any) => block.type === "tool_result")
        : undefined;
      if (!result) return undefined;
      return typeof result.content === "string" ? result.content : JSON.stringify(result.content);
    }
    case "responses": {
      const last = Array.isArray(body.input) ? body.input.at(-1) : undefined;
      if (last?.type !== "function_call_output") return undefined;
      return typeof last.output === "string" ? last.output : JSON.stringify(last.output);
    }
  }
}

/** The answer to a request outside the round trip: JSON when it asks for JSON, else plain. */
function otherText(dialect: Dialect, body: any): string {
  const schema = dialect === "openai"
    ? body.response_format?.json_schema?.schema
    : dialect === "gemini"
    ? body.generationConfig?.responseJsonSchema ?? body.generationConfig?.responseSchema
    : dialect === "responses"
    ? body.text?.format?.schema
    : body.output_config?.format?.schema;
  return schema ? JSON.stringify(fitting(schema)) : OTHER_TEXT;
}

/** A value that fits a JSON schema (either case of type names, as Gemini's are upper-case). */
function fitting(schema: any): unknown {
  if (Array.isArray(schema?.enum)) return schema.enum[0];
  switch (String(schema?.type ?? "object").toLowerCase()) {
    case "object":
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([name, sub]) => [name, fitting(sub)]),
      );
    case "array":
      return [];
    case "integer":
    case "number":
      return 10;
    case "boolean":
      return false;
    default:
      return OTHER_TEXT;
  }
}

function events(items: unknown[]): string[] {
  return items.map((item) => typeof item === "string" ? item : `data: ${JSON.stringify(item)}\n\n`);
}

function openaiAnswer(stream: boolean, turn: Turn, text: string, script: Script): Response {
  const args = JSON.stringify(script.input);
  const usage = {
    prompt_tokens: USAGE.input,
    completion_tokens: USAGE.output,
    total_tokens: USAGE.input + USAGE.output,
  };
  const base = { id: "chatcmpl-mock", created: 1700000000, model: "mock-model" };
  if (!stream) {
    const message = turn === "call"
      ? {
        role: "assistant",
        content: null,
        reasoning_content: script.thinking,
        tool_calls: [{
          id: CALL_ID,
          type: "function",
          function: { name: script.tool, arguments: args },
        }],
      }
      : { role: "assistant", content: text };
    const finish = turn === "call" ? "tool_calls" : "stop";
    return json({
      ...base,
      object: "chat.completion",
      choices: [{ index: 0, message, finish_reason: finish }],
      usage,
    });
  }
  const chunk = (delta: unknown, finish: string | null = null) => ({
    ...base,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const body = turn === "call"
    ? [
      chunk({ role: "assistant", content: null, reasoning_content: "" }),
      ...halves(script.thinking).map((part) => chunk({ reasoning_content: part })),
      chunk({
        tool_calls: [{
          index: 0,
          id: CALL_ID,
          type: "function",
          function: { name: script.tool, arguments: "" },
        }],
      }),
      ...halves(args).map((part) =>
        chunk({ tool_calls: [{ index: 0, function: { arguments: part } }] })
      ),
      chunk({}, "tool_calls"),
    ]
    : [
      chunk({ role: "assistant", content: "" }),
      ...halves(text).map((part) => chunk({ content: part })),
      chunk({}, "stop"),
    ];
  return sse(
    events([
      ...body,
      { ...base, object: "chat.completion.chunk", choices: [], usage },
      "data: [DONE]\n\n",
    ]),
  );
}

function geminiAnswer(stream: boolean, turn: Turn, text: string, script: Script): Response {
  const usageMetadata = {
    promptTokenCount: USAGE.input,
    candidatesTokenCount: USAGE.output,
    totalTokenCount: USAGE.input + USAGE.output,
  };
  const parts = turn === "call"
    ? [
      { text: script.thinking, thought: true },
      {
        functionCall: {
          name: script.tool,
          args: script.input,
        },
        thoughtSignature: GEMINI_SIGNATURE,
      },
    ]
    : [{ text: turn === "search" && script.search ? script.search.text : text }];
  const grounding = turn === "search" && script.search
    ? {
      groundingMetadata: {
        webSearchQueries: [script.search.query],
        groundingChunks: script.search.pages.map((web) => ({ web })),
      },
    }
    : {};
  const candidate = (p: unknown[], finish?: string) => ({
    content: { role: "model", parts: p },
    index: 0,
    ...(finish ? { finishReason: finish, ...grounding } : {}),
  });
  const modelVersion = "mock-gemini";
  if (!stream) {
    return json({ candidates: [candidate(parts, "STOP")], usageMetadata, modelVersion });
  }
  return sse(events([
    { candidates: [candidate(parts.slice(0, 1))], modelVersion },
    { candidates: [candidate(parts.slice(1), "STOP")], usageMetadata, modelVersion },
  ]));
}

function anthropicAnswer(stream: boolean, turn: Turn, text: string, script: Script): Response {
  const input = script.input;
  const content = turn === "call"
    ? [
      { type: "thinking", thinking: script.thinking, signature: ANTHROPIC_SIGNATURE },
      { type: "tool_use", id: "toolu_mock_1", name: script.tool, input },
    ]
    : [{ type: "text", text }];
  const stopReason = turn === "call" ? "tool_use" : "end_turn";
  const message = {
    id: "msg_mock",
    type: "message",
    role: "assistant",
    model: "mock-claude",
    stop_sequence: null,
  };
  const usage = { input_tokens: USAGE.input, output_tokens: USAGE.output };
  if (!stream) {
    return json({ ...message, content, stop_reason: stopReason, usage });
  }
  const event = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const blocks = content.flatMap((block, index) => {
    const [start, delta] = block.type === "thinking"
      ? [{ type: "thinking", thinking: "" }, [
        { type: "thinking_delta", thinking: (block as any).thinking },
        { type: "signature_delta", signature: (block as any).signature },
      ]]
      : block.type === "tool_use"
      ? [
        { ...block, input: {} },
        halves(JSON.stringify(input)).map((part) => ({
          type: "input_json_delta",
          partial_json: part,
        })),
      ]
      : [
        { type: "text", text: "" },
        halves((block as any).text).map((part) => ({
          type: "text_delta",
          text: part,
        })),
      ];
    return [
      event("content_block_start", { index, content_block: start }),
      ...(delta as unknown[]).map((d) => event("content_block_delta", { index, delta: d })),
      event("content_block_stop", { index }),
    ];
  });
  return sse([
    event("message_start", {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    ...blocks,
    event("message_delta", { delta: { stop_reason: stopReason, stop_sequence: null }, usage }),
    event("message_stop", {}),
  ]);
}

function responsesAnswer(stream: boolean, turn: Turn, text: string, script: Script): Response {
  const items = turn === "call"
    ? [{
      id: "rs_mock_1",
      type: "reasoning",
      summary: [{ type: "summary_text", text: script.thinking }],
      encrypted_content: RESPONSES_PROOF,
    }, {
      id: "fc_mock_1",
      type: "function_call",
      status: "completed",
      call_id: CALL_ID,
      name: script.tool,
      arguments: JSON.stringify(script.input),
    }]
    : [{
      id: "msg_mock_1",
      type: "message",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text, annotations: [] }],
    }];
  const usage = {
    input_tokens: USAGE.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: USAGE.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: USAGE.input + USAGE.output,
  };
  const model = "mock-responses";
  if (stream) return sse([responsesStream(items, { id: "resp_mock", model, usage })]);
  return json({
    id: "resp_mock",
    object: "response",
    created_at: 1700000000,
    status: "completed",
    model,
    output: items,
    usage,
  });
}

/** A string in two pieces, so each answer streams more than one delta per block. */
function halves(text: string): string[] {
  const middle = Math.ceil(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)].filter((part) => part !== "");
}
