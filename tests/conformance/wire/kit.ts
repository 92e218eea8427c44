/**
 * The wire kit every dialect implements for the conformance suite: how a caller of the dialect
 * writes a conversation and reads the answer it gets (whole or streamed), and how an upstream of
 * the dialect reads the request it receives and writes its answer. Scenarios are written once in
 * the neutral terms below and run over every caller × upstream pair through these kits.
 */
import type { Dialect } from "../../../lib/ir/types.ts";
import type { Received } from "../../_harness.ts";

// ---- the conversation a caller sends ----------------------------------------------------------

export type Media = { mediaType: string; data: string } | { url: string };

export type Content =
  | { type: "text"; text: string }
  | { type: "image"; source: Media }
  | { type: "document"; data: string; filename: string };

export type UserPart =
  | Content
  | { type: "tool_result"; callId: string; name: string; content: Content[]; isError?: boolean };

/** What an assistant turn written by hand holds; thinking comes back only as a replay. */
export type AssistantPart =
  | { type: "text"; text: string }
  | { type: "tool_call"; id: string; name: string; args: Record<string, unknown> };

export type Turn =
  | { role: "user"; parts: UserPart[] }
  | { role: "assistant"; parts: AssistantPart[] }
  /** An earlier answer sent back as its client keeps it (`Answer.replay`). */
  | { role: "assistant"; replay: unknown }
  /** A system message in the middle of the conversation (Claude Code sends one). */
  | { role: "system"; text: string };

export interface Tool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments; none for a tool without parameters. */
  schema?: Record<string, unknown>;
}

export type ToolChoice = "auto" | "any" | "none" | { name: string };

export type Effort = "low" | "high";

export interface Conversation {
  /** The system prompt, whole or in parts (Anthropic blocks, OpenAI messages, Gemini parts). */
  system?: string | string[];
  turns: Turn[];
  tools?: Tool[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: false;
  /** The caller's output limit; unset means "none" where the dialect allows that. */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  effort?: Effort;
  /** The caller lets the model search the web (its dialect's own search tool). */
  webSearch?: boolean;
}

// ---- what the upstream received, read back --------------------------------------------------

export type SentPart =
  | Content
  | { type: "thinking"; text: string; signature?: string }
  | { type: "tool_call"; id?: string; name: string; args: unknown; signature?: string }
  | {
    type: "tool_result";
    id?: string;
    name?: string;
    text: string;
    media: Content[];
    isError: boolean;
  };

export interface Sent {
  model?: string;
  stream: boolean;
  /** Every system text, joined with blank lines. */
  system: string;
  /** Turns in order; a tool result's turn is a user turn. */
  turns: Array<{ role: "user" | "assistant" | "system"; parts: SentPart[] }>;
  tools: Array<{ name: string; description?: string; schema: Record<string, unknown> }>;
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  effort?: "low" | "medium" | "high" | "adaptive";
  /** The upstream was asked for a web search (its dialect's own search tool). */
  webSearch: boolean;
  /** The parsed body, for checks of one dialect's own fields. */
  body: any;
}

// ---- what the upstream answers -----------------------------------------------------------------

export type Stop = "end" | "tool" | "length" | "refusal";

/** Token counts in one sense for all: input counts cached tokens, output counts reasoning. */
export interface Usage {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  /** Web searches the upstream ran. */
  searches?: number;
}

/** How an upstream's dialect says one stop reason; `calls: false` with `tool` is a tool finish
 * that came with no call (which is no tool stop). */
export interface Finish {
  raw: string;
  stop: Stop;
  calls?: false;
}

/** A web search with the pages it found (a dialect may write it as several blocks). */
export interface SearchBlock {
  type: "web_search";
  query: string;
  sources: Array<{ url: string; title: string }>;
}

export type ReplyBlock =
  | SearchBlock
  | { type: "text"; text: string }
  /** Signed with the upstream dialect's own signature, where it has one. */
  | { type: "thinking"; text: string }
  | {
    type: "tool_call";
    id: string;
    name: string;
    args: Record<string, unknown>;
    /** Carries the dialect's own call signature, where it has one (Gemini). */
    signed?: boolean;
  };

export interface Reply {
  blocks: ReplyBlock[];
  stop: Stop;
  /** The dialect's own word for the stop, when not its usual one. */
  finish?: string;
  usage: Usage;
  /** Streams: an error event after the blocks instead of the ending. */
  midError?: string;
  /** Streams: the stream ends without its closing events, after the blocks or inside the first
   * call's arguments. */
  cut?: "after-blocks" | "inside-arguments";
}

export interface Failure {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

// ---- what the caller got, read back -------------------------------------------------------------

export type AnswerBlock =
  | SearchBlock
  | { type: "text"; text: string }
  | { type: "thinking"; text: string; signature?: string }
  | { type: "tool_call"; id: string; name: string; args: unknown; signature?: string };

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  model?: string;
  blocks: AnswerBlock[];
  stop?: Stop;
  usage?: Partial<Usage>;
  /** An error answer, or the error event that ended a stream. */
  error?: { message: string; kind?: string };
  /** The answer ended as a complete one would (a stream's closing events, a whole 200). */
  finished: boolean;
  /** The assistant turn as its client keeps it for the next request. */
  replay?: unknown;
}

/** How a caller asks: one whole answer, a stream, or a dialect's other stream form. */
export type Mode = "whole" | "stream" | "stream as a JSON array";

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
}

/** Something a dialect cannot say; a kit lists those it lacks with the reason. */
export type Feature =
  | "mid-conversation system message"
  | "media in tool results"
  | "parallel tool calls switch"
  | "no output limit"
  | "error results"
  | "blank text"
  | "document names"
  | "stop sequences"
  | "web search";

export interface CallOptions {
  model: string;
  mode: Mode;
  key: string;
}

/** A request as a caller sends it to the proxy. */
export interface Call {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface CallerKit {
  modes: Mode[];
  /** Whether its answers name the model (the one the caller asked for). */
  namesModel: boolean;
  request(conversation: Conversation, options: CallOptions): Call;
  /** A body as its wire carries it, sent by this dialect's caller (the model set where it goes). */
  call(body: Record<string, unknown>, options: CallOptions): Call;
  /** The headers that carry a key where this dialect's clients put it. */
  auth(key: string): Record<string, string>;
  /** Reads an answer, whole or streamed, checking the dialect's wire rules on the way. */
  read(result: HttpResult, mode: Mode): Answer;
  /** Checks an error body against the dialect's envelope for `status`; returns its message. */
  errorMessage(body: unknown, status: number): string;
  /** The error kind (type or status name) the dialect gives an HTTP status. */
  errorKind(status: number): string;
  /**
   * Which thinking signatures a caller sees: every thinking block signed ("always"), only those
   * its own dialect made, verbatim ("own"), or none ("none").
   */
  signatures: "always" | "own" | "none";
  /** False when the pages of its searches carry no titles (Responses': URLs only). */
  sourceTitles?: false;
  /**
   * The signature on the first call after thinking that an upstream signed none of, carrying that
   * thinking, for a dialect whose clients replay a call's signature but drop thoughts.
   */
  carriedThinking?: (text: string) => string;
  /** The usage fields the dialect can state. */
  usage: Array<keyof Usage>;
  lacks: Partial<Record<Feature, string>>;
}

/** What an upstream request must look like. */
export interface Envelope {
  stream: boolean;
  model: string;
  key: string;
  /** Set for a pass-through: the caller's mode, whose form the request keeps. */
  passThrough?: Mode;
}

export interface UpstreamKit {
  /** The real model name the suite's models.yaml gives this upstream. */
  model: string;
  /** The `api_base` of this dialect's upstream on a mock server. */
  apiBase(mockUrl: string): string;
  wantsStream(request: Received): boolean;
  /** Reads a received request back into neutral terms. */
  read(request: Received): Sent;
  /** Checks what the dialect's wire requires: path, key header, stream fields, the model. */
  checkEnvelope(request: Received, expected: Envelope): void;
  /** What the real upstream refuses that a request may still hold (an error answer), if any. */
  refuses?(request: Received): Failure | undefined;
  json(reply: Reply): unknown;
  /** A streamed answer in the form `request` asked for (SSE, or Gemini's JSON array). */
  stream(reply: Reply, request?: Received): { body: string; type: string };
  failure(failure: Failure): { status: number; headers: Record<string, string>; body: unknown };
  /** The signatures its answers carry ("" where the dialect signs nothing). */
  signature: { thinking: string; call: string };
  /** Whether its answers give tool calls their own ids. */
  callIds: boolean;
  /** What the first call of a step carries when no signature of this dialect came with it. */
  unsignedCall?: string;
  usage: Array<keyof Usage>;
  /** Every stop reason its answers can carry, with what it means. */
  finishes: Finish[];
  /**
   * "whole" when its searches' pages have titles only in a whole answer (Responses names them in
   * citations, which a streamed search's result does not wait for).
   */
  sourceTitles?: "whole";
  /**
   * The status its mid-stream error event (`Reply.midError`) stands for, in the terms of the
   * callers' error kinds: 503 (overloaded) unless the dialect can only say another.
   */
  midErrorStatus?: number;
  limits: { toolName: number; callId: number };
  lacks: Partial<Record<Feature, string>>;
}

export interface WireKit {
  dialect: Dialect;
  caller: CallerKit;
  upstream: UpstreamKit;
}

// ---- helpers shared by the kits ---------------------------------------------------------------

/**
 * A tool's schema as compared across dialects: none is an empty object schema, an empty
 * `properties` is dropped, and OpenAPI's upper-case types (Gemini) read as JSON Schema's.
 */
export function plainSchema(schema: unknown, openApi = false): Record<string, unknown> {
  if (schema === undefined || schema === null) return { type: "object" };
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== "object") return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "type" && typeof value === "string" && openApi) out.type = value.toLowerCase();
      else if (key === "properties" && Object.keys(value as object).length === 0) continue;
      else if (key === "properties") {
        out.properties = Object.fromEntries(
          Object.entries(value as object).map(([name, child]) => [name, walk(child)]),
        );
      } else out[key] = walk(value);
    }
    return out;
  };
  return walk(schema) as Record<string, unknown>;
}

/** SSE text from events (`event:` lines only where a name is given). */
export function sseText(events: Array<{ event?: string; data: unknown }>, eol = "\n"): string {
  return events.map(({ event, data }) =>
    (event ? `event: ${event}${eol}` : "") +
    `data: ${typeof data === "string" ? data : JSON.stringify(data)}${eol}${eol}`
  ).join("");
}

/** A call's arguments as JSON, or as the text that came when it is not (a stream cut inside). */
export function parsedArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `text` cut into pieces of `size` characters (the last may be shorter). */
export function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [""];
}

/** The arguments of a call as its stream carries them, split mid-token and mid-escape. */
export function argumentPieces(args: Record<string, unknown>): string[] {
  return pieces(JSON.stringify(args), 3);
}

/** The index of the call whose arguments an "inside-arguments" cut leaves unfinished: the first. */
export function cutCall(reply: Reply): number {
  return reply.blocks.findIndex((b) => b.type === "tool_call");
}
