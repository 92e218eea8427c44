/** The Anthropic Messages wire kit: `POST /v1/messages`, named SSE events, signed thinking. */
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
  type Failure,
  parsedArguments,
  pieces,
  plainSchema,
  type Reply,
  type SearchBlock,
  type Sent,
  type SentPart,
  sseText,
  type Stop,
  type UpstreamKit,
  type Usage,
  type WireKit,
} from "./kit.ts";

/** The error type of each HTTP status. */
export const ERROR_TYPE: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  405: "invalid_request_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  502: "api_error",
  503: "overloaded_error",
  504: "timeout_error",
  529: "overloaded_error",
};

const STOP: Record<Stop, string> = {
  end: "end_turn",
  tool: "tool_use",
  length: "max_tokens",
  refusal: "refusal",
};
const STOP_BACK: Record<string, Stop> = {
  end_turn: "end",
  stop_sequence: "end",
  pause_turn: "end",
  tool_use: "tool",
  max_tokens: "length",
  refusal: "refusal",
};

/** Thinking budgets that stand for each effort. */
const BUDGET = { low: 1024, high: 31999 };

/** Anthropic's web search as Claude Code declares it. */
const WEB_SEARCH_TOOL = { type: "web_search_20250305", name: "web_search", max_uses: 8 };

// ---- caller ----

function content(part: Content): unknown {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image":
      return {
        type: "image",
        source: "url" in part.source
          ? { type: "url", url: part.source.url }
          : { type: "base64", media_type: part.source.mediaType, data: part.source.data },
      };
    case "document":
      return {
        type: "document",
        title: part.filename,
        source: { type: "base64", media_type: "application/pdf", data: part.data },
      };
  }
}

function messages(conversation: Conversation): unknown[] {
  return conversation.turns.map((turn) => {
    if (turn.role === "system") return { role: "system", content: turn.text };
    if ("replay" in turn) return { role: "assistant", content: turn.replay };
    if (turn.role === "assistant") {
      return {
        role: "assistant",
        content: turn.parts.map((part) =>
          part.type === "tool_call"
            ? { type: "tool_use", id: part.id, name: part.name, input: part.args }
            : { type: "text", text: part.text }
        ),
      };
    }
    return {
      role: "user",
      content: turn.parts.map((part) =>
        part.type === "tool_result"
          ? {
            type: "tool_result",
            tool_use_id: part.callId,
            content: part.content.map(content),
            ...(part.isError ? { is_error: true } : {}),
          }
          : content(part)
      ),
    };
  });
}

function toolChoice(c: Conversation): unknown {
  const choice = c.toolChoice ?? (c.parallelToolCalls === false ? "auto" : undefined);
  if (choice === undefined) return undefined;
  const base = typeof choice === "object" ? { type: "tool", name: choice.name } : { type: choice };
  return c.parallelToolCalls === false ? { ...base, disable_parallel_tool_use: true } : base;
}

function readUsage(u: any): Partial<Usage> {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  return {
    input: u.input_tokens + cacheRead + cacheWrite,
    output: u.output_tokens,
    cacheRead,
    cacheWrite,
    ...(u.server_tool_use ? { searches: u.server_tool_use.web_search_requests } : {}),
  };
}

function blockOf(b: any): AnswerBlock | undefined {
  switch (b.type) {
    case "text":
      return { type: "text", text: b.text };
    case "thinking":
      return { type: "thinking", text: b.thinking, signature: b.signature };
    case "tool_use":
      return { type: "tool_call", id: b.id, name: b.name, args: b.input };
    case "server_tool_use":
      assert.equal(b.name, "web_search");
      assert.match(b.id, /^srvtoolu_/);
      return { type: "web_search", query: b.input.query, sources: [] };
  }
}

/**
 * The answer's blocks; a search's result joins its `server_tool_use`, which it must answer and
 * follow at once, as Anthropic writes them.
 */
function blocksOf(content: any[]): AnswerBlock[] {
  const out: AnswerBlock[] = [];
  content.forEach((b, i) => {
    if (b.type !== "web_search_tool_result") {
      const block = blockOf(b);
      if (block) out.push(block);
      return;
    }
    const search = out.at(-1);
    assert.ok(search?.type === "web_search", "a search result follows its search");
    assert.equal(b.tool_use_id, content[i - 1].id, "the result answers the search before it");
    for (const page of b.content) {
      assert.deepEqual(Object.keys(page).sort(), [
        "encrypted_content",
        "page_age",
        "title",
        "type",
        "url",
      ]);
      search.sources.push({ url: page.url, title: page.title });
    }
  });
  return out;
}

/**
 * Checks the stream rules a client relies on: message_start first, blocks in index order, one open
 * at a time, no delta outside its block, thinking ending with one signature, no empty text block,
 * then message_delta and message_stop.
 */
export function assertAnthropicStream(events: Array<{ event?: string; data: any }>): void {
  const fail = (message: string) => {
    throw new Error(`${message}\n${JSON.stringify(events.map((e) => e.data), null, 1)}`);
  };
  if (events[0]?.event !== "message_start") fail("the stream must begin with message_start");
  let open: { index: number; type: string; signatures: number; text: string } | undefined;
  let next = 0;
  let sawDelta = false;
  for (const { event, data } of events.slice(1)) {
    if (event !== data?.type) fail(`event name ${event} differs from data.type ${data?.type}`);
    switch (event) {
      case "content_block_start":
        if (open) fail("a block started while another was open");
        if (data.index !== next++) fail(`block index ${data.index} out of order`);
        open = { index: data.index, type: data.content_block.type, signatures: 0, text: "" };
        break;
      case "content_block_delta":
        if (!open || open.index !== data.index) fail("a delta outside its block");
        if (data.delta.type === "signature_delta") open!.signatures++;
        if (data.delta.type === "text_delta") open!.text += data.delta.text;
        break;
      case "content_block_stop":
        if (!open || open.index !== data.index) fail("a stop for a block that is not open");
        if (open!.type === "thinking" && open!.signatures !== 1) {
          fail("a thinking block must end with exactly one signature_delta");
        }
        if (open!.type === "text" && open!.text === "") fail("an empty text block");
        open = undefined;
        break;
      case "message_delta":
        if (open) fail("message_delta while a block is open");
        sawDelta = true;
        break;
      case "message_stop":
        if (!sawDelta) fail("message_stop without message_delta");
        break;
      case "ping":
      case "error":
        break;
      default:
        fail(`unexpected event ${event}`);
    }
  }
}

/** An Anthropic stream folded into its message, as the SDK's accumulator does. */
export function foldStream(events: Array<{ event?: string; data: any }>): Answer & {
  content: any[];
} {
  const content: any[] = [];
  const json: string[] = [];
  let usage: Record<string, number> | undefined;
  let model: string | undefined;
  let stop: Stop | undefined;
  let error: Answer["error"];
  let finished = false;
  for (const { data } of events) {
    switch (data.type) {
      case "message_start":
        model = data.message.model;
        usage = { ...data.message.usage };
        break;
      case "content_block_start":
        content[data.index] = structuredClone(data.content_block);
        json[data.index] = "";
        break;
      case "content_block_delta": {
        const block = content[data.index];
        const d = data.delta;
        if (d.type === "text_delta") block.text += d.text;
        else if (d.type === "thinking_delta") block.thinking += d.thinking;
        else if (d.type === "signature_delta") block.signature += d.signature;
        else if (d.type === "input_json_delta") json[data.index] += d.partial_json;
        else throw new Error(`unknown delta ${d.type}`);
        break;
      }
      case "content_block_stop":
        if (["tool_use", "server_tool_use"].includes(content[data.index].type)) {
          content[data.index].input = parsedArguments(json[data.index] || "{}");
        }
        break;
      case "message_delta":
        stop = STOP_BACK[data.delta.stop_reason];
        usage = { ...usage, ...data.usage };
        break;
      case "message_stop":
        finished = true;
        break;
      case "error":
        error = { message: data.error.message, kind: data.error.type };
        break;
    }
  }
  return {
    status: 200,
    headers: new Headers(),
    text: "",
    model,
    blocks: blocksOf(content),
    stop,
    usage: usage && readUsage(usage),
    error,
    finished,
    content,
  };
}

/** Checks an error body against the Anthropic envelope for a status; returns its message. */
export function errorMessage(body: any, status: number): string {
  assert.equal(body?.type, "error", `anthropic envelope: ${JSON.stringify(body)}`);
  assert.equal(body.error.type, ERROR_TYPE[status], JSON.stringify(body));
  assert.equal(typeof body.error.message, "string");
  return body.error.message;
}

const caller: CallerKit = {
  namesModel: true,
  modes: ["whole", "stream"],
  request(c, { model, mode, key }) {
    const body: Record<string, unknown> = {
      model,
      max_tokens: c.maxTokens ?? (c.effort ? 32000 : 1000),
      messages: messages(c),
    };
    if (typeof c.system === "string") body.system = c.system;
    else if (c.system) body.system = c.system.map((text) => ({ type: "text", text }));
    if (c.tools) {
      body.tools = c.tools.map((t) => ({
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        input_schema: t.schema ?? { type: "object", properties: {} },
      }));
    }
    if (c.webSearch) {
      body.tools = [...(body.tools as unknown[] ?? []), { ...WEB_SEARCH_TOOL }];
    }
    if (toolChoice(c)) body.tool_choice = toolChoice(c);
    if (c.temperature !== undefined) body.temperature = c.temperature;
    if (c.topP !== undefined) body.top_p = c.topP;
    if (c.stop) body.stop_sequences = c.stop;
    if (c.effort) body.thinking = { type: "enabled", budget_tokens: BUDGET[c.effort] };
    if (mode !== "whole") body.stream = true;
    return caller.call(body, { model, mode, key });
  },
  call: (body, { model, key }) => ({
    path: "/anthropic/v1/messages",
    headers: caller.auth(key),
    body: { ...body, model },
  }),
  auth: (key) => ({ "x-api-key": key, "anthropic-version": "2023-06-01" }),
  read(result, mode) {
    const type = result.headers.get("content-type") ?? "";
    if (result.status !== 200) {
      const body = JSON.parse(result.text);
      const message = errorMessage(body, result.status);
      return { ...result, blocks: [], finished: false, error: { message, kind: body.error.type } };
    }
    if (mode === "whole") {
      assert.match(type, /application\/json/);
      const body = JSON.parse(result.text);
      assert.equal(body.type, "message", result.text);
      assert.equal(body.role, "assistant");
      // A pass-through relays the upstream's own id, whatever its type.
      if (typeof body.id === "string") assert.match(body.id, /^msg_/);
      return {
        ...result,
        model: body.model,
        blocks: blocksOf(body.content),
        stop: STOP_BACK[body.stop_reason],
        usage: readUsage(body.usage),
        finished: true,
        replay: body.content,
      };
    }
    assert.match(type, /text\/event-stream/);
    const events = parseSse(result.text);
    assertAnthropicStream(events);
    const { content, ...folded } = foldStream(events);
    return {
      ...folded,
      status: result.status,
      headers: result.headers,
      text: result.text,
      replay: content,
    };
  },
  errorMessage,
  errorKind: (status) => ERROR_TYPE[status] ?? "api_error",
  signatures: "always",
  usage: ["input", "output", "cacheRead", "cacheWrite", "searches"],
  lacks: {
    "no output limit": "Anthropic requests always carry max_tokens",
    "blank text": "Anthropic refuses a whitespace-only text block sent back",
  },
};

// ---- upstream ----

const SIGNATURE = "EqQBCkYIBxgCKkBzaWduZWQgYnkgQ2xhdWRl+/==";

function sentContent(block: any): SentPart | undefined {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "image":
      return {
        type: "image",
        source: block.source.type === "url"
          ? { url: block.source.url }
          : { mediaType: block.source.media_type, data: block.source.data },
      };
    case "document":
      return { type: "document", data: block.source.data, filename: block.title };
    case "thinking":
      return { type: "thinking", text: block.thinking, signature: block.signature };
    case "tool_use":
      return { type: "tool_call", id: block.id, name: block.name, args: block.input };
    case "tool_result": {
      const parts = typeof block.content === "string"
        ? [{ type: "text", text: block.content }]
        : block.content ?? [];
      return {
        type: "tool_result",
        id: block.tool_use_id,
        text: parts.filter((p: any) => p.type === "text").map((p: any) => p.text).join("\n"),
        media: parts.filter((p: any) => p.type !== "text").map(sentContent) as Content[],
        isError: block.is_error === true,
      };
    }
  }
}

function effortOf(thinking: any): Sent["effort"] {
  if (thinking?.type === "adaptive") return "adaptive";
  if (thinking?.type !== "enabled") return undefined;
  const budget = thinking.budget_tokens;
  return budget <= 1024 ? "low" : budget <= 8192 ? "medium" : "high";
}

function read(request: Received): Sent {
  const b = request.json;
  const system = typeof b.system === "string"
    ? b.system
    : (b.system ?? []).map((s: any) => s.text).filter(Boolean).join("\n\n");
  const choice = b.tool_choice;
  return {
    model: b.model,
    stream: b.stream === true,
    system,
    turns: b.messages.map((m: any) => ({
      role: m.role,
      parts: typeof m.content === "string"
        ? [{ type: "text", text: m.content }]
        : m.content.map(sentContent).filter((p: unknown) => p !== undefined),
    })),
    tools: (b.tools ?? []).filter((t: any) => !t.type).map((t: any) => ({
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      schema: plainSchema(t.input_schema),
    })),
    toolChoice: choice === undefined
      ? undefined
      : choice.type === "tool"
      ? { name: choice.name }
      : choice.type,
    parallelToolCalls: choice?.disable_parallel_tool_use ? false : undefined,
    maxTokens: b.max_tokens,
    temperature: b.temperature,
    topP: b.top_p,
    stop: b.stop_sequences,
    effort: effortOf(b.thinking),
    webSearch: (b.tools ?? []).some((t: any) => /^web_search_\d+$/.test(t.type ?? "")),
    body: b,
  };
}

function usage(u: Usage): Record<string, unknown> {
  return {
    input_tokens: u.input - (u.cacheRead ?? 0) - (u.cacheWrite ?? 0),
    output_tokens: u.output,
    ...(u.cacheRead !== undefined ? { cache_read_input_tokens: u.cacheRead } : {}),
    ...(u.cacheWrite !== undefined ? { cache_creation_input_tokens: u.cacheWrite } : {}),
    ...(u.searches !== undefined ? { server_tool_use: { web_search_requests: u.searches } } : {}),
  };
}

const SEARCH_ID = "srvtoolu_01WebSearch";

/** A search as Anthropic answers one: the call, then its result with encrypted pages. */
function searchBlocks(block: SearchBlock): [Record<string, unknown>, Record<string, unknown>] {
  return [
    { type: "server_tool_use", id: SEARCH_ID, name: "web_search", input: { query: block.query } },
    {
      type: "web_search_tool_result",
      tool_use_id: SEARCH_ID,
      content: block.sources.map((page) => ({
        type: "web_search_result",
        url: page.url,
        title: page.title,
        encrypted_content: "EqgfCioIARgBIiQ3YTIwNjA0",
        page_age: "2 days ago",
      })),
    },
  ];
}

function message(reply: Reply, content: unknown[], stop: string | null): Record<string, unknown> {
  return {
    id: "msg_up_1",
    type: "message",
    role: "assistant",
    model: "claude-real-1",
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: usage(reply.usage),
  };
}

/** The events of one block; `cut` leaves a call's arguments unfinished and the block open. */
function blockEvents(block: Reply["blocks"][number], index: number, cut: boolean): any[] {
  const delta = (d: unknown) => ({ type: "content_block_delta", index, delta: d });
  const start = (b: unknown) => ({ type: "content_block_start", index, content_block: b });
  const stop = { type: "content_block_stop", index };
  switch (block.type) {
    case "web_search": {
      const [call, result] = searchBlocks(block);
      return [
        start({ ...call, input: {} }),
        delta({ type: "input_json_delta", partial_json: JSON.stringify(call.input) }),
        stop,
        { type: "content_block_start", index: index + 1, content_block: result },
        { type: "content_block_stop", index: index + 1 },
      ];
    }
    case "text":
      return [
        start({ type: "text", text: "" }),
        ...pieces(block.text, 4).map((text) => delta({ type: "text_delta", text })),
        stop,
      ];
    case "thinking":
      return [
        start({ type: "thinking", thinking: "", signature: "" }),
        ...pieces(block.text, 4).map((thinking) => delta({ type: "thinking_delta", thinking })),
        delta({ type: "signature_delta", signature: SIGNATURE }),
        stop,
      ];
    case "tool_call": {
      const args = argumentPieces(block.args);
      const sent = cut ? args.slice(0, Math.ceil(args.length / 2)) : args;
      return [
        start({ type: "tool_use", id: block.id, name: block.name, input: {} }),
        ...sent.map((partial_json) => delta({ type: "input_json_delta", partial_json })),
        ...(cut ? [] : [stop]),
      ];
    }
  }
}

const upstream: UpstreamKit = {
  model: "claude-real-1",
  apiBase: (mock) => mock,
  wantsStream: (request) => request.json?.stream === true,
  read,
  checkEnvelope(request, { stream, model, key }) {
    assert.equal(request.path, "/v1/messages");
    assert.equal(request.headers.get("x-api-key"), key);
    assert.equal(request.headers.get("anthropic-version"), "2023-06-01");
    assert.equal(request.json.model, model);
    assert.equal(request.json.stream === true, stream, "stream");
    assert.equal(request.json.stream_options, undefined);
  },
  json(reply) {
    const content = reply.blocks.flatMap((b) => {
      switch (b.type) {
        case "web_search":
          return searchBlocks(b);
        case "text":
          return { type: "text", text: b.text };
        case "thinking":
          return { type: "thinking", thinking: b.text, signature: SIGNATURE };
        case "tool_call":
          return { type: "tool_use", id: b.id, name: b.name, input: b.args };
      }
    });
    return message(reply, content, reply.finish ?? STOP[reply.stop]);
  },
  stream(reply) {
    const start = message(reply, [], null);
    start.usage = { ...usage(reply.usage), output_tokens: 1 };
    const cutAt = reply.cut === "inside-arguments" ? cutCall(reply) : -1;
    const blocks = cutAt >= 0 ? reply.blocks.slice(0, cutAt + 1) : reply.blocks;
    let index = 0; // a search is two blocks
    const events = [
      { type: "message_start", message: start },
      ...blocks.flatMap((b, i) => {
        const at = index;
        index += b.type === "web_search" ? 2 : 1;
        return blockEvents(b, at, i === cutAt);
      }),
    ];
    if (reply.midError !== undefined) {
      events.push({ type: "error", error: { type: "overloaded_error", message: reply.midError } });
    } else if (!reply.cut) {
      events.push(
        {
          type: "message_delta",
          delta: { stop_reason: reply.finish ?? STOP[reply.stop], stop_sequence: null },
          usage: {
            output_tokens: reply.usage.output,
            ...(reply.usage.searches !== undefined
              ? { server_tool_use: { web_search_requests: reply.usage.searches } }
              : {}),
          },
        },
        { type: "message_stop" },
      );
    }
    const body = sseText(events.map((data) => ({ event: data.type, data })));
    return { body, type: "text/event-stream" };
  },
  failure(f: Failure) {
    return {
      status: f.status,
      headers: f.headers ?? {},
      body: {
        type: "error",
        error: { type: ERROR_TYPE[f.status] ?? "api_error", message: f.message },
      },
    };
  },
  signature: { thinking: SIGNATURE, call: "" },
  callIds: true,
  usage: ["input", "output", "cacheRead", "cacheWrite", "searches"],
  finishes: [
    { raw: "end_turn", stop: "end" },
    { raw: "stop_sequence", stop: "end" },
    { raw: "pause_turn", stop: "end" },
    { raw: "tool_use", stop: "tool" },
    { raw: "max_tokens", stop: "length" },
    { raw: "refusal", stop: "refusal" },
  ],
  limits: { toolName: 64, callId: 64 },
  lacks: {},
};

export const anthropic: WireKit = { dialect: "anthropic", caller, upstream };
