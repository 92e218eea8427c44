/**
 * The OpenAI Responses wire kit: `POST /v1/responses` with the whole conversation as `input`
 * items, named SSE events with a `sequence_number`, output items added → deltas → done, and
 * `response.completed` with the whole response; reasoning items signed by `encrypted_content`.
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
  type Failure,
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
import { errorAnswer, errorMessage, errorType } from "./openai.ts";

/** The failure code of a stream that fails: what Codex acts on. */
function failureCode(status: number): string {
  return status === 429 ? "rate_limit_exceeded" : "server_error";
}

// ---- caller ----

function part(c: Content): unknown {
  switch (c.type) {
    case "text":
      return { type: "input_text", text: c.text };
    case "image":
      return {
        type: "input_image",
        image_url: "url" in c.source
          ? c.source.url
          : `data:${c.source.mediaType};base64,${c.source.data}`,
        detail: "auto",
      };
    case "document":
      return {
        type: "input_file",
        filename: c.filename,
        file_data: `data:application/pdf;base64,${c.data}`,
      };
  }
}

type UserParts = Extract<Conversation["turns"][number], { role: "user" }>["parts"];

/** A user turn: its tool results as call outputs first, then a message with the rest. */
function userItems(parts: UserParts): unknown[] {
  const out: unknown[] = [];
  const rest: Content[] = [];
  for (const p of parts) {
    if (p.type !== "tool_result") rest.push(p);
    else {
      const media = p.content.some((c) => c.type !== "text");
      const text = p.content.map((c) => c.type === "text" ? c.text : "").join("\n");
      out.push({
        type: "function_call_output",
        call_id: p.callId,
        output: media ? p.content.map(part) : text,
      });
    }
  }
  if (rest.length) out.push({ type: "message", role: "user", content: rest.map(part) });
  return out;
}

function input(c: Conversation): unknown[] {
  // A system prompt in parts: developer messages, as Codex sends its own.
  const out: unknown[] = Array.isArray(c.system)
    ? c.system.map((text) => ({
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text }],
    }))
    : [];
  for (const turn of c.turns) {
    if (turn.role === "system") {
      out.push({ type: "message", role: "system", content: turn.text });
    } else if ("replay" in turn) out.push(...turn.replay as unknown[]);
    else if (turn.role === "user") out.push(...userItems(turn.parts));
    else {
      for (const p of turn.parts) {
        out.push(
          p.type === "text"
            ? {
              type: "message",
              role: "assistant",
              content: [{ type: "output_text", text: p.text, annotations: [] }],
            }
            : {
              type: "function_call",
              call_id: p.id,
              name: p.name,
              arguments: JSON.stringify(p.args),
            },
        );
      }
    }
  }
  return out;
}

const isCount = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;

function readUsage(u: any): Partial<Usage> {
  // (a pass-through hands on whatever figures the upstream wrote)
  if (isCount(u.input_tokens) && isCount(u.output_tokens)) {
    assert.equal(u.total_tokens, u.input_tokens + u.output_tokens, "total_tokens");
  }
  return {
    input: u.input_tokens,
    output: u.output_tokens,
    cacheRead: u.input_tokens_details?.cached_tokens,
    reasoning: u.output_tokens_details?.reasoning_tokens,
  };
}

function textsOf(parts: any[] | null | undefined): string {
  return (parts ?? []).map((p) => p.text ?? p.refusal ?? "").filter(Boolean).join("\n\n");
}

/** An output item as a block: what a client keeps of it. */
function blockOf(item: any): AnswerBlock | undefined {
  switch (item.type) {
    case "web_search_call":
      // a search's own pages have no titles (its answer's citations may name them)
      return {
        type: "web_search",
        query: item.action.query,
        sources: (item.action.sources ?? []).map((s: any) => ({ url: s.url, title: "" })),
      };
    case "reasoning":
      return {
        type: "thinking",
        text: textsOf(item.summary) || textsOf(item.content),
        signature: item.encrypted_content ?? undefined,
      };
    case "message":
      return { type: "text", text: item.content.map((p: any) => p.text ?? p.refusal).join("") };
    case "function_call":
      return {
        type: "tool_call",
        id: item.call_id,
        name: item.name,
        args: parsedArguments(item.arguments || "{}"),
      };
  }
}

/** The stop reason a response's status (and its calls) stands for. */
function stopOf(response: any): Stop | undefined {
  if (response.status === "incomplete") {
    return response.incomplete_details?.reason === "content_filter" ? "refusal" : "length";
  }
  if (response.status !== "completed") return undefined;
  return response.output.some((i: any) => i.type === "function_call") ? "tool" : "end";
}

/** What a client holds of an item still open when its stream failed: the text so far. */
function partial(item: any, text: string): any {
  switch (item.type) {
    case "message":
      return { ...item, content: [{ type: "output_text", text }] };
    case "reasoning":
      return { ...item, summary: [{ type: "summary_text", text }] };
    default:
      return { ...item, arguments: text };
  }
}

/**
 * Checks the stream rules Codex and the SDKs rely on, and folds it: named events,
 * `sequence_number` from 0, `created` then `in_progress`, items added in order and one open at a
 * time, no delta outside its item, the end with the whole response (its output the items done),
 * nothing after it. The blocks are every item's, an open one's as far as it came (as the SDKs
 * keep it); the replay only the items done (as Codex keeps them).
 */
export function foldStream(events: Array<{ event?: string; data: any }>): Answer {
  const fail = (message: string): never => {
    throw new Error(`${message}\n${JSON.stringify(events.map((e) => e.data), null, 1)}`);
  };
  const done: any[] = [];
  let open: { index: number; item: any; text: string } | undefined;
  let next = 0;
  let sequence = 0;
  let ended = false;
  let final: any;
  let model: string | undefined;
  let error: Answer["error"];
  events.forEach(({ event, data }, i) => {
    if (ended) fail("an event after the stream's end");
    if (event !== data?.type) fail(`event name ${event} differs from data.type ${data?.type}`);
    // The relay's own failure event comes from no upstream: it has no place in the sequence.
    if (data.sequence_number !== undefined || data.type !== "error") {
      if (data.sequence_number !== sequence++) fail(`sequence_number ${data.sequence_number}`);
    }
    if (i === 0 && data.type !== "response.created") fail("the stream must begin with created");
    if (i === 1 && data.type !== "response.in_progress") fail("in_progress must come second");
    switch (data.type) {
      case "response.created":
      case "response.in_progress":
        model = data.response.model;
        if (data.response.status !== "in_progress") fail(`status ${data.response.status}`);
        break;
      case "response.output_item.added":
        if (open) fail("an item added while another is open");
        if (data.output_index !== next++) fail(`output_index ${data.output_index} out of order`);
        open = { index: data.output_index, item: data.item, text: "" };
        break;
      case "response.output_item.done":
        if (open?.index !== data.output_index) fail("done for an item that is not open");
        if (data.item.id !== open!.item.id) fail("the item's id changed");
        if (data.item.status === "in_progress") fail("an item done in progress");
        done.push(data.item);
        open = undefined;
        break;
      case "response.completed":
      case "response.incomplete":
        if (open) fail("the response ended with an item open");
        ended = true;
        final = data.response;
        model = final.model;
        assert.deepEqual(final.output, done, "the response's output is the items done");
        break;
      case "response.failed":
        ended = true;
        error = { message: data.response.error.message, kind: data.response.error.code };
        break;
      case "error":
        ended = true;
        error = { message: data.message, kind: data.code };
        break;
      default:
        if (data.output_index !== undefined && data.output_index !== open?.index) {
          fail(`${data.type} outside its item`);
        }
        if (data.item_id !== undefined && data.item_id !== open?.item.id) fail("an item_id");
        if (open && typeof data.delta === "string") open.text += data.delta;
    }
  });
  const held = open && error ? [partial(open.item, open.text)] : [];
  return {
    status: 200,
    headers: new Headers(),
    text: "",
    model,
    blocks: [...done, ...held].map(blockOf).filter((b) => b !== undefined),
    stop: final && stopOf(final),
    usage: final?.usage && readUsage(final.usage),
    error,
    finished: final !== undefined,
    replay: done,
  };
}

const caller: CallerKit = {
  namesModel: true,
  modes: ["whole", "stream"],
  request(c, { model, mode, key }) {
    const body: Record<string, unknown> = { model, input: input(c) };
    if (typeof c.system === "string") body.instructions = c.system;
    if (c.tools) {
      body.tools = c.tools.map((t) => ({
        type: "function",
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        ...(t.schema ? { parameters: t.schema } : {}),
      }));
    }
    if (c.toolChoice) {
      body.tool_choice = typeof c.toolChoice === "object"
        ? { type: "function", name: c.toolChoice.name }
        : c.toolChoice === "any"
        ? "required"
        : c.toolChoice;
    }
    if (c.parallelToolCalls === false) body.parallel_tool_calls = false;
    if (c.maxTokens !== undefined) body.max_output_tokens = c.maxTokens;
    if (c.temperature !== undefined) body.temperature = c.temperature;
    if (c.topP !== undefined) body.top_p = c.topP;
    if (c.effort) body.reasoning = { effort: c.effort };
    if (c.webSearch) body.tools = [...(body.tools as unknown[] ?? []), { type: "web_search" }];
    body.store = false;
    if (mode !== "whole") body.stream = true;
    return caller.call(body, { model, mode, key });
  },
  call: (body, { model, key }) => ({
    path: "/openai/v1/responses",
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
      assert.equal(body.object, "response", result.text);
      // A pass-through relays the upstream's own id, whatever its type.
      if (typeof body.id === "string") assert.match(body.id, /^resp_/);
      return {
        ...result,
        model: body.model,
        blocks: body.output.map(blockOf).filter((b: unknown) => b !== undefined),
        stop: stopOf(body),
        usage: body.usage && readUsage(body.usage),
        finished: true,
        replay: body.output,
      };
    }
    assert.match(type, /text\/event-stream/);
    // keep-alive comments parse as empty events
    const events = parseSse(result.text).filter((e) => e.event !== undefined || e.data !== "");
    return {
      ...foldStream(events),
      status: result.status,
      headers: result.headers,
      text: result.text,
    };
  },
  errorMessage,
  errorKind: failureCode,
  signatures: "always",
  sourceTitles: false,
  usage: ["input", "output", "cacheRead", "reasoning"],
  lacks: {
    "error results": "Responses call outputs have no error flag",
    "stop sequences": "Responses requests have no stop sequences",
  },
};

// ---- upstream ----

const SIGNATURE = "gAAAAABrs_ZW5jcnlwdGVkIHJlYXNvbmluZw==";

function sentPart(p: any): SentPart {
  switch (p.type) {
    case "input_image": {
      const data = /^data:([^;]+);base64,(.*)$/.exec(p.image_url);
      return {
        type: "image",
        source: data ? { mediaType: data[1], data: data[2] } : { url: p.image_url },
      };
    }
    case "input_file":
      return {
        type: "document",
        data: String(p.file_data).replace(/^data:[^;]+;base64,/, ""),
        filename: p.filename,
      };
    default:
      return { type: "text", text: p.text };
  }
}

function sentParts(content: unknown): SentPart[] {
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  return ((content ?? []) as unknown[]).map(sentPart);
}

const texts = (parts: SentPart[]) => parts.map((p) => (p as { text: string }).text).join("\n");

/** One input item as a turn's role and parts. */
function itemTurn(item: any): { role: "user" | "assistant" | "system"; parts: SentPart[] } {
  switch (item.type ?? "message") {
    case "reasoning":
      return {
        role: "assistant",
        parts: [{
          type: "thinking",
          text: textsOf(item.summary),
          ...(item.encrypted_content ? { signature: item.encrypted_content } : {}),
        }],
      };
    case "function_call":
      return {
        role: "assistant",
        parts: [{
          type: "tool_call",
          id: item.call_id,
          name: item.name,
          args: JSON.parse(item.arguments),
        }],
      };
    case "function_call_output": {
      const parts = sentParts(item.output);
      return {
        role: "user",
        parts: [{
          type: "tool_result",
          id: item.call_id,
          text: texts(parts.filter((p) => p.type === "text")),
          media: parts.filter((p) => p.type !== "text") as Content[],
          isError: false,
        }],
      };
    }
    case "web_search_call":
      // a search the model ran: its turn's, with no part of the neutral kinds
      return { role: "assistant", parts: [] };
    default: {
      const role = item.role === "developer" || item.role === "system" ? "system" : item.role;
      return { role, parts: sentParts(item.content) };
    }
  }
}

/** The conversation: leading developer messages join `instructions`; items of a side merge. */
function read(request: Received): Sent {
  const b = request.json;
  const system: string[] = b.instructions ? [b.instructions] : [];
  const turns: Sent["turns"] = [];
  const items = typeof b.input === "string"
    ? [{ type: "message", role: "user", content: b.input }]
    : b.input ?? [];
  for (const item of items) {
    const turn = itemTurn(item);
    if (turn.role === "system" && turns.length === 0) {
      const text = texts(turn.parts);
      if (text) system.push(text);
      continue;
    }
    const last = turns.at(-1);
    if (turn.role !== "system" && last?.role === turn.role) last.parts.push(...turn.parts);
    else turns.push(turn);
  }
  const choice = b.tool_choice;
  return {
    model: b.model,
    stream: b.stream === true,
    system: system.join("\n\n"),
    turns,
    tools: (b.tools ?? []).filter((t: any) => t.type === "function").map((t: any) => ({
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      schema: plainSchema(t.parameters),
    })),
    webSearch: (b.tools ?? []).some((t: any) => t.type === "web_search"),
    toolChoice: choice === undefined
      ? undefined
      : typeof choice === "object"
      ? { name: choice.name }
      : choice === "required"
      ? "any"
      : choice,
    parallelToolCalls: b.parallel_tool_calls,
    maxTokens: b.max_output_tokens,
    temperature: b.temperature,
    topP: b.top_p,
    effort: b.reasoning?.effort,
    body: b,
  };
}

function usage(u: Usage): Record<string, unknown> {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cacheRead ?? 0 },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: u.input + u.output,
  };
}

/** The output items of a reply, as `response.output` and `output_item.done` carry them. */
function outputItems(reply: Reply): any[] {
  // the pages' titles come only in the answer's citations, as OpenAI writes them
  const cited = reply.blocks.flatMap((b) => b.type === "web_search" ? b.sources : []);
  return reply.blocks.map((b, i) => {
    switch (b.type) {
      case "web_search":
        return {
          id: `ws_up_${i}`,
          type: "web_search_call",
          status: "completed",
          action: {
            type: "search",
            query: b.query,
            sources: b.sources.map((source) => ({ type: "url", url: source.url })),
          },
        };
      case "thinking":
        return {
          id: `rs_up_${i}`,
          type: "reasoning",
          summary: [{ type: "summary_text", text: b.text }],
          encrypted_content: SIGNATURE,
        };
      case "text":
        return {
          id: `msg_up_${i}`,
          type: "message",
          status: "completed",
          role: "assistant",
          content: [{
            type: "output_text",
            text: b.text,
            annotations: cited.map(({ url, title }) => ({
              type: "url_citation",
              start_index: 0,
              end_index: b.text.length,
              url,
              title,
            })),
          }],
        };
      case "tool_call":
        return {
          id: `fc_up_${i}`,
          type: "function_call",
          status: "completed",
          call_id: b.id,
          name: b.name,
          arguments: JSON.stringify(b.args),
        };
    }
  });
}

/** How the reply ends: `completed`, or `incomplete` with its reason (the reply's own word). */
function ending(reply: Reply): Record<string, unknown> {
  const word = reply.finish ??
    (reply.stop === "length"
      ? "max_output_tokens"
      : reply.stop === "refusal"
      ? "content_filter"
      : "completed");
  return word === "completed"
    ? { status: "completed", incomplete_details: null }
    : { status: "incomplete", incomplete_details: { reason: word } };
}

const HEAD = { id: "resp_up_1", object: "response", created_at: 1763990000, model: "gpt-resp-1" };

/** The events of one item; `cut` leaves a call's arguments unfinished and the item open. */
function itemEvents(item: any, index: number, cut: boolean): Array<Record<string, unknown>> {
  const at = { output_index: index, item_id: item.id };
  switch (item.type) {
    case "reasoning": {
      const text = item.summary[0].text;
      return [
        {
          type: "response.output_item.added",
          output_index: index,
          item: { ...item, summary: [], encrypted_content: undefined },
        },
        {
          type: "response.reasoning_summary_part.added",
          ...at,
          summary_index: 0,
          part: { type: "summary_text", text: "" },
        },
        ...pieces(text, 4).map((delta) => ({
          type: "response.reasoning_summary_text.delta",
          ...at,
          summary_index: 0,
          delta,
        })),
        { type: "response.reasoning_summary_text.done", ...at, summary_index: 0, text },
        {
          type: "response.reasoning_summary_part.done",
          ...at,
          summary_index: 0,
          part: item.summary[0],
        },
        { type: "response.output_item.done", output_index: index, item },
      ];
    }
    case "message": {
      const text = item.content[0].text;
      return [
        {
          type: "response.output_item.added",
          output_index: index,
          item: { ...item, status: "in_progress", content: [] },
        },
        {
          type: "response.content_part.added",
          ...at,
          content_index: 0,
          part: { type: "output_text", text: "", annotations: [] },
        },
        ...pieces(text, 4).map((delta) => ({
          type: "response.output_text.delta",
          ...at,
          content_index: 0,
          delta,
        })),
        { type: "response.output_text.done", ...at, content_index: 0, text },
        { type: "response.content_part.done", ...at, content_index: 0, part: item.content[0] },
        { type: "response.output_item.done", output_index: index, item },
      ];
    }
    case "web_search_call":
      return [
        {
          type: "response.output_item.added",
          output_index: index,
          item: { ...item, status: "in_progress", action: { type: "search" } },
        },
        { type: "response.web_search_call.in_progress", ...at },
        { type: "response.web_search_call.searching", ...at },
        { type: "response.web_search_call.completed", ...at },
        { type: "response.output_item.done", output_index: index, item },
      ];
    default: {
      const args = argumentPieces(JSON.parse(item.arguments));
      const sent = cut ? args.slice(0, Math.ceil(args.length / 2)) : args;
      return [
        {
          type: "response.output_item.added",
          output_index: index,
          item: { ...item, status: "in_progress", arguments: "" },
        },
        ...sent.map((delta) => ({ type: "response.function_call_arguments.delta", ...at, delta })),
        ...(cut ? [] : [
          { type: "response.function_call_arguments.done", ...at, arguments: item.arguments },
          { type: "response.output_item.done", output_index: index, item },
        ]),
      ];
    }
  }
}

const upstream: UpstreamKit = {
  model: "gpt-resp-1",
  apiBase: (mock) => `${mock}/v1`,
  wantsStream: (request) => request.json?.stream === true,
  read,
  checkEnvelope(request, { stream, model, key, passThrough }) {
    assert.equal(request.path, "/v1/responses");
    assert.equal(request.headers.get("authorization"), `Bearer ${key}`);
    assert.equal(request.json.model, model);
    assert.equal(request.json.stream === true, stream, "stream");
    // The proxy keeps nothing: a converted request never asks the upstream to store it.
    if (!passThrough) assert.equal(request.json.store, false, "store");
    assert.equal(request.json.stream_options, undefined);
    assert.equal(request.json.max_tokens, undefined);
  },
  json(reply) {
    return {
      ...HEAD,
      ...ending(reply),
      output: outputItems(reply),
      usage: usage(reply.usage),
    };
  },
  stream(reply) {
    const items = outputItems(reply);
    const cutAt = reply.cut === "inside-arguments" ? cutCall(reply) : -1;
    const sent = cutAt >= 0 ? items.slice(0, cutAt + 1) : items;
    const open = { ...HEAD, status: "in_progress", output: [] };
    const events: Array<Record<string, unknown>> = [
      { type: "response.created", response: open },
      { type: "response.in_progress", response: open },
      ...sent.flatMap((item, i) => itemEvents(item, i, i === cutAt)),
    ];
    if (reply.midError !== undefined) {
      events.push({
        type: "response.failed",
        response: {
          ...HEAD,
          status: "failed",
          error: { code: "server_error", message: reply.midError },
          output: sent,
        },
      });
    } else if (!reply.cut) {
      const type = ending(reply).status === "completed"
        ? "response.completed"
        : "response.incomplete";
      events.push({ type, response: this.json(reply) });
    }
    const body = sseText(
      events.map((data, sequence_number) => ({
        event: data.type as string,
        data: { ...data, sequence_number },
      })),
    );
    return { body, type: "text/event-stream" };
  },
  failure(f: Failure) {
    return {
      status: f.status,
      headers: f.headers ?? {},
      body: { error: { message: f.message, type: errorType(f.status), param: null, code: null } },
    };
  },
  signature: { thinking: SIGNATURE, call: "" },
  callIds: true,
  // its pages' titles come only in the answer's citations, after a streamed search's result
  sourceTitles: "whole",
  // searches are counted by the `web_search_call` items
  usage: ["input", "output", "cacheRead", "reasoning", "searches"],
  finishes: [
    { raw: "completed", stop: "end" },
    { raw: "completed", stop: "tool" },
    { raw: "max_output_tokens", stop: "length" },
    { raw: "content_filter", stop: "refusal" },
  ],
  // `response.failed` carries `server_error`, a 500-class failure, for what others call overloaded
  midErrorStatus: 500,
  limits: { toolName: 64, callId: 64 },
  lacks: {
    "error results": "Responses call outputs have no error flag",
    "stop sequences": "Responses requests have no stop sequences",
  },
};

export const responses: WireKit = { dialect: "responses", caller, upstream };
