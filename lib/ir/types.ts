/**
 * The internal model every dialect converts through: one decoder and one encoder per dialect,
 * never a converter per pair. Field names are the proxy's own (camelCase); the wire types live in
 * each dialect's folder.
 */

/** The name of a dialect the proxy speaks, on either side (the registry's keys). */
export type { Dialect } from "../dialects.ts";

/** The dialect whose upstream made a signature; "proxy" marks one the proxy invented. */
export type SignatureOrigin = "anthropic" | "gemini" | "responses" | "proxy";

/**
 * Where a thinking signature (Gemini thought signature, Responses `encrypted_content`) was made.
 */
export interface Signature {
  origin: SignatureOrigin;
  /** The opaque value as that upstream sent it ("" for proxy-made ones). */
  value: string;
}

export type MediaSource =
  | { kind: "base64"; mediaType: string; data: string }
  | { kind: "url"; url: string; mediaType?: string };

export interface TextPart {
  type: "text";
  text: string;
  /** Anthropic `cache_control`, kept so an Anthropic upstream still receives it. */
  cacheControl?: unknown;
  /** Pages a search found that support parts of this text (whole answers only). */
  citations?: Citation[];
}

/** A page that supports `text.slice(start, end)` of the text part it is on. */
export interface Citation {
  url: string;
  title: string;
  start: number;
  end: number;
}

export interface ImagePart {
  type: "image";
  source: MediaSource;
  cacheControl?: unknown;
}

export interface DocumentPart {
  type: "document";
  source: MediaSource;
  filename?: string;
  cacheControl?: unknown;
}

export interface ThinkingPart {
  type: "thinking";
  text: string;
  signature?: Signature;
}

export interface RedactedThinkingPart {
  type: "redacted_thinking";
  data: string;
}

export interface ToolCallPart {
  type: "tool_call";
  /** The id as the caller knows it (see lib/ir/ids.ts for ids that carry signatures). */
  id: string;
  name: string;
  input: Record<string, unknown>;
  /** Gemini `thoughtSignature` that rode on this call. */
  signature?: Signature;
  cacheControl?: unknown;
}

export interface ToolResultPart {
  type: "tool_result";
  /** The id of the call this answers. */
  toolCallId: string;
  /** The called function's name when known (Gemini needs it; decoders fill it from history). */
  name?: string;
  content: Array<TextPart | ImagePart | DocumentPart>;
  isError: boolean;
  cacheControl?: unknown;
}

/** One page a web search found. */
export interface WebSearchSource {
  url: string;
  title: string;
  /** How old the page is, in the search engine's words ("3 weeks ago"). */
  pageAge?: string;
  /** Anthropic's encrypted copy of the page: only an Anthropic upstream can read it back. */
  encryptedContent?: string;
}

/**
 * A web search the upstream ran for the model (Anthropic `server_tool_use`, a Responses
 * `web_search_call`, a query in Gemini's grounding metadata).
 */
export interface WebSearchCallPart {
  type: "web_search_call";
  id: string;
  query: string;
}

/** What a web search found (Anthropic `web_search_tool_result`), or why it failed. */
export interface WebSearchResultPart {
  type: "web_search_result";
  /** The id of the search it answers. */
  callId: string;
  sources: WebSearchSource[];
  /** Anthropic's error code (`max_uses_exceeded`, `unavailable`…) for a search that failed. */
  errorCode?: string;
}

export type Part =
  | TextPart
  | ImagePart
  | DocumentPart
  | ThinkingPart
  | RedactedThinkingPart
  | ToolCallPart
  | ToolResultPart
  | WebSearchCallPart
  | WebSearchResultPart;

/**
 * One turn. `system` is a system message in the middle of the conversation (Claude Code sends
 * one); leading system text lives in `Request.system` instead.
 */
export interface Message {
  role: "user" | "assistant" | "system";
  content: Part[];
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object, as the caller wrote it. */
  inputSchema: Record<string, unknown>;
  strict?: boolean;
  cacheControl?: unknown;
}

export type ToolChoice =
  | { type: "auto" }
  | { type: "any" }
  | { type: "none" }
  | { type: "tool"; name: string };

/** How hard to think; `xhigh` and `max` are Claude Code's top levels (DeepSeek also takes `max`). */
export type Effort = "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

export interface ThinkingConfig {
  /** enabled: a fixed budget or effort; adaptive: the model decides; disabled: none. */
  mode: "enabled" | "adaptive" | "disabled";
  budgetTokens?: number;
  effort?: Effort;
}

/**
 * The web search a caller lets the model run on the upstream's side (Anthropic's
 * `web_search_20250305` server tool, a Responses `web_search` tool, Gemini's `googleSearch`),
 * with the limits the caller set; each upstream honours what it can.
 */
export interface WebSearchTool {
  maxUses?: number;
  allowedDomains?: string[];
  blockedDomains?: string[];
  userLocation?: { city?: string; region?: string; country?: string; timezone?: string };
}

export type ResponseFormat =
  | { type: "json_object" }
  | { type: "json_schema"; name?: string; schema: Record<string, unknown>; strict?: boolean };

/** A request as the proxy understands it, whichever dialect it came in. */
export interface Request {
  /** The model name the caller sent. */
  model: string;
  stream: boolean;
  /** Leading system prompt, in order. */
  system: TextPart[];
  messages: Message[];
  tools: ToolDefinition[];
  /**
   * Anthropic server tools (`{type: "web_search_20250305", …}`), raw, as an Anthropic upstream
   * takes them; other upstreams serve only the web search among them (`webSearch`).
   */
  serverTools?: unknown[];
  /** The caller allows a web search, whichever dialect it asked in. */
  webSearch?: WebSearchTool;
  toolChoice?: ToolChoice;
  /** false when the caller forbids parallel tool calls. */
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  thinking?: ThinkingConfig;
  responseFormat?: ResponseFormat;
  /** An end-user id (Anthropic `metadata.user_id`, OpenAI `user`). */
  user?: string;
  /** OpenAI callers: whether the stream should end with a usage chunk. */
  includeUsage?: boolean;
  /**
   * The caller's own settings as it wrote them, for a dialect whose answers repeat them (a
   * Responses answer echoes `instructions`, `tools`, `tool_choice`…, and its encoder restores
   * freeform and namespaced tools from `tools`). Read only by the caller's own encoders.
   */
  callerSettings?: Readonly<Record<string, unknown>>;
}

export type StopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal";

/** Token usage in Anthropic's sense: `inputTokens` excludes cached tokens. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Reasoning tokens, already counted inside `outputTokens`. */
  reasoningTokens: number;
  /** Searches the upstream ran (and bills apart from tokens), when it ran any. */
  serverToolUse?: { webSearchRequests: number };
}

/** A whole (non-streamed) answer. */
export interface Response {
  id: string;
  /** The model name to show the caller (the name it sent). */
  model: string;
  content: Array<
    | TextPart
    | ThinkingPart
    | RedactedThinkingPart
    | ToolCallPart
    | WebSearchCallPart
    | WebSearchResultPart
  >;
  stopReason: StopReason;
  stopSequence?: string;
  usage: Usage;
}

/** What a lossy step returns: the value and what it had to drop. */
export interface Converted<T> {
  value: T;
  warnings: string[];
}

/** The kind of block open in a stream. */
export type BlockStart =
  | { type: "text" }
  | { type: "thinking" }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_call"; id: string; name: string; signature?: Signature }
  /** A search, whole at its start (its block has no deltas). */
  | { type: "web_search_call"; id: string; query: string }
  /** What a search found, whole at its start. */
  | { type: "web_search_result"; callId: string; sources: WebSearchSource[]; errorCode?: string };

export type BlockDelta =
  | { type: "text"; text: string }
  | { type: "thinking"; text: string }
  | { type: "signature"; signature: Signature }
  | { type: "tool_args"; json: string };

/**
 * The strict stream every caller encoder consumes, built by the Assembler: `message_start`,
 * then blocks (one open at a time, indices 0, 1, 2… in order), `message_delta`, `message_stop`;
 * or an `error` at any point, after which nothing follows.
 */
export type StreamEvent =
  | { type: "message_start"; id: string; model: string; usage: Usage }
  | { type: "block_start"; index: number; block: BlockStart }
  | { type: "block_delta"; index: number; delta: BlockDelta }
  | { type: "block_stop"; index: number }
  | { type: "message_delta"; stopReason: StopReason; stopSequence?: string; usage: Usage }
  | { type: "message_stop" }
  | { type: "error"; error: import("../errors.ts").ProxyError };

/** Zero usage, for starting a count. */
export function emptyUsage(): Usage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}

/** Compile-time exhaustiveness check for switches over our own unions. */
export function unreachable(x: never): never {
  throw new TypeError(`Unexpected value: ${JSON.stringify(x)}`);
}
