/**
 * The OpenAI Chat Completions wire kit: `POST /v1/chat/completions`, unnamed SSE chunks ending in
 * `[DONE]`, reasoning as DeepSeek's `reasoning_content`, usage in a trailing chunk.
 */
import assert from "node:assert/strict";
import { parseSse, type Received } from "../../_harness.ts";
import {
  type Answer,
  type AnswerBlock,
  argumentPieces,
  type CallerKit,
  type Content,
  type Conversation,
  cutCall,
  type HttpResult,
  parsedArguments,
  pieces,
  plainSchema,
  type Reply,
  type Sent,
  type SentPart,
  sseText,
  type Stop,
  type UpstreamKit,
  type Usage,
  type WireKit,
} from "./kit.ts";

/** The error type of an HTTP status. */
export function errorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 429) return "rate_limit_error";
  return status >= 500 ? "server_error" : "invalid_request_error";
}

const FINISH: Record<Stop, string> = {
  end: "stop",
  tool: "tool_calls",
  length: "length",
  refusal: "content_filter",
};
const FINISH_BACK: Record<string, Stop> = {
  stop: "end",
  tool_calls: "tool",
  length: "length",
  content_filter: "refusal",
};

// ---- caller ----

function part(c: Content): unknown {
  switch (c.type) {
    case "text":
      return { type: "text", text: c.text };
    case "image":
      return {
        type: "image_url",
        image_url: {
          url: "url" in c.source
            ? c.source.url
            : `data:${c.source.mediaType};base64,${c.source.data}`,
        },
      };
    case "document":
      return {
        type: "file",
        file: { filename: c.filename, file_data: `data:application/pdf;base64,${c.data}` },
      };
  }
}

/** A user turn: its tool results as tool messages first (OpenAI wants them right after the call). */
function userMessages(parts: Extract<Conversation["turns"][number], { role: "user" }>["parts"]) {
  const out: unknown[] = [];
  const rest: Content[] = [];
  for (const p of parts) {
    if (p.type !== "tool_result") rest.push(p);
    else {
      const text = p.content.map((c) => c.type === "text" ? c.text : "").join("\n");
      out.push({ role: "tool", tool_call_id: p.callId, content: text });
    }
  }
  if (rest.length === 1 && rest[0].type === "text") {
    out.push({ role: "user", content: rest[0].text });
  } else if (rest.length > 0) out.push({ role: "user", content: rest.map(part) });
  return out;
}

function messages(c: Conversation): unknown[] {
  // A system prompt in parts: a system message, then developer messages of text parts.
  const system = typeof c.system === "string" ? [c.system] : c.system ?? [];
  const out: unknown[] = system.map((text, i) =>
    i === 0 ? { role: "system", content: text } : {
      role: "developer",
      content: [{ type: "text", text }],
    }
  );
  for (const turn of c.turns) {
    if (turn.role === "system") out.push({ role: "system", content: turn.text });
    else if ("replay" in turn) out.push(turn.replay);
    else if (turn.role === "user") out.push(...userMessages(turn.parts));
    else {
      const text = turn.parts.flatMap((p) => p.type === "text" ? [p.text] : []).join("");
      const calls = turn.parts.flatMap((p) =>
        p.type === "tool_call"
          ? [{
            id: p.id,
            type: "function",
            function: { name: p.name, arguments: JSON.stringify(p.args) },
          }]
          : []
      );
      out.push({
        role: "assistant",
        content: text || null,
        ...(calls.length ? { tool_calls: calls } : {}),
      });
    }
  }
  return out;
}

function readUsage(u: any): Partial<Usage> {
  return {
    input: u.prompt_tokens,
    output: u.completion_tokens,
    cacheRead: u.prompt_tokens_details?.cached_tokens,
    reasoning: u.completion_tokens_details?.reasoning_tokens,
  };
}

/** Blocks of an assistant message: reasoning, text, then the calls. */
function blocksOf(m: any): AnswerBlock[] {
  const blocks: AnswerBlock[] = [];
  if (m.reasoning_content) blocks.push({ type: "thinking", text: m.reasoning_content });
  if (m.content) blocks.push({ type: "text", text: m.content });
  for (const c of m.tool_calls ?? []) {
    blocks.push({
      type: "tool_call",
      id: c.id,
      name: c.function.name,
      args: parsedArguments(c.function.arguments || "{}"),
    });
  }
  return blocks;
}

/** The message as a client keeps it to send back (without `extra_content`, as opencode does). */
function replayOf(m: any): unknown {
  return {
    role: "assistant",
    content: m.content || null,
    ...(m.reasoning_content ? { reasoning_content: m.reasoning_content } : {}),
    ...(m.tool_calls?.length
      ? { tool_calls: m.tool_calls.map(({ extra_content: _, ...c }: any) => c) }
      : {}),
  };
}

/** An OpenAI stream folded as the SDK's accumulator does, checking its chunk rules. */
export function foldStream(events: Array<{ event?: string; data: any }>): Answer & {
  message: any;
} {
  const message = { role: "", content: "", reasoning_content: "", tool_calls: [] as any[] };
  let finish: string | undefined;
  let usage: any;
  let model: string | undefined;
  let done = false;
  let error: Answer["error"];
  for (const { event, data } of events) {
    assert.equal(event, undefined, "OpenAI streams carry no event names");
    assert.equal(done, false, "nothing may follow [DONE]");
    assert.equal(error, undefined, "nothing may follow an error");
    if (data === "[DONE]") {
      done = true;
      continue;
    }
    if (data.error) {
      error = { message: data.error.message, kind: data.error.type };
      continue;
    }
    assert.equal(data.object, "chat.completion.chunk");
    model = data.model;
    if (data.usage) usage = data.usage;
    const choice = data.choices[0];
    if (!choice) continue;
    const d = choice.delta;
    if (d.role) message.role = d.role;
    if (typeof d.content === "string") message.content += d.content;
    if (typeof d.reasoning_content === "string") message.reasoning_content += d.reasoning_content;
    for (const call of d.tool_calls ?? []) {
      assert.equal(typeof call.index, "number", "every tool_calls piece carries its index");
      const known = message.tool_calls[call.index] ??= {
        id: "",
        type: "function",
        function: { name: "", arguments: "" },
      };
      if (call.id) known.id = call.id;
      if (call.function?.name) known.function.name += call.function.name;
      known.function.arguments += call.function?.arguments ?? "";
      if (call.extra_content) known.extra_content = call.extra_content;
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  return {
    status: 200,
    headers: new Headers(),
    text: "",
    model,
    blocks: blocksOf(message),
    stop: finish === undefined ? undefined : FINISH_BACK[finish],
    usage: usage && readUsage(usage),
    error,
    finished: done && finish !== undefined,
    message,
  };
}

/** An error answer in the OpenAI envelope (Chat Completions' and Responses'), read back. */
export function errorAnswer(result: HttpResult): Answer {
  const body = JSON.parse(result.text);
  const message = errorMessage(body, result.status);
  return { ...result, blocks: [], finished: false, error: { message, kind: body.error.type } };
}

/** Checks an error body against the OpenAI envelope for a status; returns its message. */
export function errorMessage(body: any, status: number): string {
  assert.equal(typeof body?.error?.message, "string", `openai: ${JSON.stringify(body)}`);
  assert.equal(body.error.type, errorType(status), JSON.stringify(body));
  assert.ok("param" in body.error && "code" in body.error, JSON.stringify(body));
  return body.error.message;
}

const caller: CallerKit = {
  namesModel: true,
  modes: ["whole", "stream"],
  request(c, { model, mode, key }) {
    const body: Record<string, unknown> = { model, messages: messages(c) };
    if (c.tools) {
      body.tools = c.tools.map((t) => ({
        type: "function",
        function: {
          name: t.name,
          ...(t.description ? { description: t.description } : {}),
          ...(t.schema ? { parameters: t.schema } : {}),
        },
      }));
    }
    if (c.toolChoice) {
      body.tool_choice = typeof c.toolChoice === "object"
        ? { type: "function", function: { name: c.toolChoice.name } }
        : c.toolChoice === "any"
        ? "required"
        : c.toolChoice;
    }
    if (c.parallelToolCalls === false) body.parallel_tool_calls = false;
    if (c.maxTokens !== undefined) body.max_tokens = c.maxTokens;
    if (c.temperature !== undefined) body.temperature = c.temperature;
    if (c.topP !== undefined) body.top_p = c.topP;
    if (c.stop) body.stop = c.stop;
    if (c.effort) body.reasoning_effort = c.effort;
    if (mode !== "whole") {
      body.stream = true;
      body.stream_options = { include_usage: true };
    }
    return caller.call(body, { model, mode, key });
  },
  call: (body, { model, key }) => ({
    path: "/openai/v1/chat/completions",
    headers: caller.auth(key),
    body: { ...body, model },
  }),
  auth: (key) => ({ authorization: `Bearer ${key}` }),
  read(result, mode) {
    const type = result.headers.get("content-type") ?? "";
    if (result.status !== 200) return errorAnswer(result);
    if (mode === "whole") {
      assert.match(type, /application\/json/);
      const body = JSON.parse(result.text);
      assert.equal(body.object, "chat.completion", result.text);
      // A pass-through relays the upstream's own id, whatever its type.
      if (typeof body.id === "string") assert.match(body.id, /^chatcmpl-/);
      const message = body.choices[0].message;
      assert.equal(message.role, "assistant");
      return {
        ...result,
        model: body.model,
        blocks: blocksOf(message),
        stop: FINISH_BACK[body.choices[0].finish_reason],
        usage: body.usage && readUsage(body.usage),
        finished: true,
        replay: replayOf(message),
      };
    }
    assert.match(type, /text\/event-stream/);
    const { message, ...folded } = foldStream(parseSse(result.text));
    if (folded.finished) assert.equal(message.role, "assistant", "the first chunk names the role");
    return {
      ...folded,
      status: result.status,
      headers: result.headers,
      text: result.text,
      replay: replayOf(message),
    };
  },
  errorMessage,
  errorKind: errorType,
  signatures: "none",
  usage: ["input", "output", "cacheRead", "reasoning"],
  lacks: {
    "media in tool results": "OpenAI tool messages carry text only",
    "error results": "OpenAI tool messages have no error flag",
    "web search": "Chat Completions has no web search tool",
  },
};

// ---- upstream ----

function sentPart(p: any): SentPart {
  switch (p.type) {
    case "image_url": {
      const url: string = p.image_url.url;
      const data = /^data:([^;]+);base64,(.*)$/.exec(url);
      return {
        type: "image",
        source: data ? { mediaType: data[1], data: data[2] } : { url },
      };
    }
    case "file":
      return {
        type: "document",
        data: String(p.file.file_data).replace(/^data:[^;]+;base64,/, ""),
        filename: p.file.filename,
      };
    default:
      return { type: "text", text: p.text };
  }
}

function sentParts(content: unknown): SentPart[] {
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  return ((content ?? []) as unknown[]).map(sentPart);
}

/** The conversation: leading system messages joined; tool messages and user messages merged. */
function read(request: Received): Sent {
  const b = request.json;
  const system: string[] = [];
  const turns: Sent["turns"] = [];
  let leading = true;
  for (const m of b.messages) {
    if ((m.role === "system" || m.role === "developer") && leading) {
      const text = sentParts(m.content).map((p) => (p as { text: string }).text).join("\n");
      if (text) system.push(text);
      continue;
    }
    leading = false;
    let parts: SentPart[];
    let role = m.role === "tool" ? "user" : m.role;
    if (m.role === "tool") {
      const text = sentParts(m.content).map((p) => (p as { text: string }).text).join("\n");
      parts = [{ type: "tool_result", id: m.tool_call_id, text, media: [], isError: false }];
    } else if (m.role === "assistant") {
      parts = [
        ...(m.reasoning_content ? [{ type: "thinking", text: m.reasoning_content } as const] : []),
        ...sentParts(m.content),
        ...(m.tool_calls ?? []).map((c: any): SentPart => ({
          type: "tool_call",
          id: c.id,
          name: c.function.name,
          args: JSON.parse(c.function.arguments),
        })),
      ];
    } else {
      role = m.role === "developer" ? "system" : m.role;
      parts = sentParts(m.content);
    }
    const last = turns.at(-1);
    if (role === "user" && last?.role === "user") last.parts.push(...parts);
    else turns.push({ role, parts });
  }
  const choice = b.tool_choice;
  return {
    model: b.model,
    stream: b.stream === true,
    system: system.join("\n\n"),
    turns,
    tools: (b.tools ?? []).map((t: any) => ({
      name: t.function.name,
      ...(t.function.description ? { description: t.function.description } : {}),
      schema: plainSchema(t.function.parameters),
    })),
    toolChoice: choice === undefined
      ? undefined
      : typeof choice === "object"
      ? { name: choice.function.name }
      : choice === "required"
      ? "any"
      : choice,
    parallelToolCalls: b.parallel_tool_calls,
    maxTokens: b.max_tokens ?? b.max_completion_tokens,
    temperature: b.temperature,
    topP: b.top_p,
    stop: typeof b.stop === "string" ? [b.stop] : b.stop,
    effort: b.reasoning_effort,
    webSearch: false,
    body: b,
  };
}

function usage(u: Usage): Record<string, unknown> {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    ...(u.cacheRead !== undefined ? { prompt_tokens_details: { cached_tokens: u.cacheRead } } : {}),
    ...(u.reasoning !== undefined
      ? { completion_tokens_details: { reasoning_tokens: u.reasoning } }
      : {}),
  };
}

const HEAD = { id: "chatcmpl-up1", object: "chat.completion.chunk", created: 1763990000 };

function chunk(delta: unknown, finish: string | null = null): Record<string, unknown> {
  return { ...HEAD, model: "gpt-real-1", choices: [{ index: 0, delta, finish_reason: finish }] };
}

function streamChunks(reply: Reply): unknown[] {
  const cutAt = reply.cut === "inside-arguments" ? cutCall(reply) : -1;
  const out: unknown[] = [chunk({ role: "assistant", content: "" })];
  let call = 0;
  for (const [i, b] of reply.blocks.entries()) {
    if (cutAt >= 0 && i > cutAt) break;
    if (b.type === "thinking") {
      out.push(...pieces(b.text, 4).map((t) => chunk({ reasoning_content: t })));
    } else if (b.type === "text") {
      out.push(...pieces(b.text, 4).map((t) => chunk({ content: t })));
    } else if (b.type === "tool_call") {
      const index = call++;
      const args = argumentPieces(b.args);
      out.push(chunk({
        tool_calls: [{
          index,
          id: b.id,
          type: "function",
          function: { name: b.name, arguments: "" },
        }],
      }));
      const sent = i === cutAt ? args.slice(0, Math.ceil(args.length / 2)) : args;
      out.push(...sent.map((a) => chunk({ tool_calls: [{ index, function: { arguments: a } }] })));
    }
  }
  return out;
}

const upstream: UpstreamKit = {
  model: "gpt-real-1",
  apiBase: (mock) => `${mock}/v1`,
  wantsStream: (request) => request.json?.stream === true,
  read,
  checkEnvelope(request, { stream, model, key }) {
    assert.equal(request.path, "/v1/chat/completions");
    assert.equal(request.headers.get("authorization"), `Bearer ${key}`);
    assert.equal(request.json.model, model);
    assert.equal(request.json.stream === true, stream, "stream");
    if (stream) assert.deepEqual(request.json.stream_options, { include_usage: true });
    else assert.equal(request.json.stream_options, undefined);
    const limits = ["max_tokens", "max_completion_tokens"].filter((k) => k in request.json);
    assert.ok(limits.length <= 1, "one output limit, never both");
  },
  json(reply) {
    const thinking = reply.blocks.flatMap((b) => b.type === "thinking" ? [b.text] : []).join("");
    const text = reply.blocks.flatMap((b) => b.type === "text" ? [b.text] : []).join("");
    const calls = reply.blocks.flatMap((b) =>
      b.type === "tool_call"
        ? [{
          id: b.id,
          type: "function",
          function: { name: b.name, arguments: JSON.stringify(b.args) },
        }]
        : []
    );
    return {
      id: "chatcmpl-up1",
      object: "chat.completion",
      created: 1763990000,
      model: "gpt-real-1",
      choices: [{
        index: 0,
        message: {
          role: "assistant",
          content: text || null,
          ...(thinking ? { reasoning_content: thinking } : {}),
          ...(calls.length ? { tool_calls: calls } : {}),
        },
        finish_reason: reply.finish ?? FINISH[reply.stop],
      }],
      usage: usage(reply.usage),
    };
  },
  stream(reply) {
    const chunks = streamChunks(reply);
    if (reply.midError !== undefined) {
      chunks.push({ error: { message: reply.midError, type: "server_error", code: 503 } });
    } else if (!reply.cut) {
      chunks.push(
        chunk({}, reply.finish ?? FINISH[reply.stop]),
        { ...HEAD, model: "gpt-real-1", choices: [], usage: usage(reply.usage) },
        "[DONE]",
      );
    }
    return { body: sseText(chunks.map((data) => ({ data }))), type: "text/event-stream" };
  },
  failure(f) {
    return {
      status: f.status,
      headers: f.headers ?? {},
      body: { error: { message: f.message, type: errorType(f.status), param: null, code: null } },
    };
  },
  signature: { thinking: "", call: "" },
  callIds: true,
  usage: ["input", "output", "cacheRead", "reasoning"],
  finishes: [
    { raw: "stop", stop: "end" },
    { raw: "eos", stop: "end" },
    { raw: "tool_calls", stop: "tool" },
    { raw: "tool_calls", stop: "end", calls: false },
    { raw: "length", stop: "length" },
    { raw: "content_filter", stop: "refusal" },
  ],
  limits: { toolName: 64, callId: 40 },
  lacks: {
    "error results": "OpenAI tool messages have no error flag",
    "web search": "OpenAI-dialect upstreams cannot search",
  },
};

export const openai: WireKit = { dialect: "openai", caller, upstream };
