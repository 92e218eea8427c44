/**
 * Anthropic Messages wire types, spelled as on the wire. Outbound shapes (what the proxy writes)
 * are strict; inbound ones (what an upstream answers) are optional and nullable everywhere,
 * because a lenient reader survives fields and events it does not know.
 */

// ---- Outbound: request body sent to an Anthropic upstream ----

export interface AnthropicTextBlock {
  type: "text";
  text: string;
  cache_control?: unknown;
}

export type AnthropicSource =
  | { type: "base64"; media_type: string; data: string }
  | { type: "url"; url: string };

export interface AnthropicImageBlock {
  type: "image";
  source: AnthropicSource;
  cache_control?: unknown;
}

export interface AnthropicDocumentBlock {
  type: "document";
  source: AnthropicSource;
  title?: string;
  cache_control?: unknown;
}

export interface AnthropicThinkingBlock {
  type: "thinking";
  thinking: string;
  signature: string;
}

export interface AnthropicRedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
}

export interface AnthropicToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: Record<string, unknown>;
  cache_control?: unknown;
}

export interface AnthropicToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content?: Array<AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock>;
  is_error?: boolean;
  cache_control?: unknown;
}

/** A search Anthropic ran (or the proxy tells as one), with the query as its whole input. */
export interface AnthropicServerToolUseBlock {
  type: "server_tool_use";
  id: string;
  name: "web_search";
  input: { query: string };
}

export interface AnthropicWebSearchResult {
  type: "web_search_result";
  url: string;
  title: string;
  /** Anthropic's encrypted page; "" for a page another upstream found. */
  encrypted_content: string;
  page_age: string | null;
}

export interface AnthropicWebSearchToolResultBlock {
  type: "web_search_tool_result";
  tool_use_id: string;
  content: AnthropicWebSearchResult[] | {
    type: "web_search_tool_result_error";
    error_code: string;
  };
}

export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock
  | AnthropicServerToolUseBlock
  | AnthropicWebSearchToolResultBlock;

export interface AnthropicMessage {
  role: "user" | "assistant" | "system";
  content: AnthropicContentBlock[];
}

export interface AnthropicTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  strict?: boolean;
  cache_control?: unknown;
}

export type AnthropicToolChoice =
  | { type: "auto"; disable_parallel_tool_use?: boolean }
  | { type: "any"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean }
  | { type: "none" };

export type AnthropicThinking =
  | { type: "enabled"; budget_tokens: number }
  | { type: "adaptive" }
  | { type: "disabled" };

export type AnthropicEffort = "low" | "medium" | "high" | "xhigh" | "max";

export interface AnthropicOutputConfig {
  effort?: AnthropicEffort;
  format?: { type: "json_schema"; schema: Record<string, unknown> };
}

export interface AnthropicRequestBody {
  model: string;
  max_tokens: number;
  messages: AnthropicMessage[];
  system?: AnthropicTextBlock[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  tools?: unknown[];
  tool_choice?: AnthropicToolChoice;
  thinking?: AnthropicThinking;
  output_config?: AnthropicOutputConfig;
  metadata?: { user_id: string };
}

// ---- Outbound: what an Anthropic caller receives ----

export type AnthropicStopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal";

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** Only when the answer searched. */
  server_tool_use?: { web_search_requests: number };
}

export type AnthropicResponseBlock =
  | AnthropicTextBlock
  | AnthropicThinkingBlock
  | AnthropicRedactedThinkingBlock
  | AnthropicToolUseBlock
  | AnthropicServerToolUseBlock
  | AnthropicWebSearchToolResultBlock;

export interface AnthropicMessageResponse {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

/** Error `type`s of Anthropic's envelope `{"type":"error","error":{type, message}}`. */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error";

// ---- Inbound: what an Anthropic upstream answers (lenient) ----

export interface InboundUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
  server_tool_use?: { web_search_requests?: number | null } | null;
}

export interface InboundBlock {
  type?: string;
  text?: string | null;
  thinking?: string | null;
  signature?: string | null;
  data?: string | null;
  id?: string | null;
  name?: string | null;
  input?: unknown;
  /** `web_search_tool_result`: the search it answers, and its results or error. */
  tool_use_id?: string | null;
  content?: unknown;
  /** `text`: the pages that support it. */
  citations?: unknown;
}

export interface InboundMessage {
  id?: string | null;
  model?: string | null;
  content?: InboundBlock[] | null;
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: InboundUsage | null;
}

export interface InboundDelta {
  type?: string;
  text?: string | null;
  thinking?: string | null;
  signature?: string | null;
  partial_json?: string | null;
  stop_reason?: string | null;
  stop_sequence?: string | null;
}

/** One parsed `data:` payload of an Anthropic stream; which fields are set depends on `type`. */
export interface InboundStreamEvent {
  type?: string;
  index?: number | null;
  message?: InboundMessage | null;
  content_block?: InboundBlock | null;
  delta?: InboundDelta | null;
  usage?: InboundUsage | null;
  error?: { type?: string | null; message?: string | null } | null;
}
