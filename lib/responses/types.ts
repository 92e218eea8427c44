/**
 * OpenAI Responses API wire types, spelled as on the wire. Inbound shapes (what a Responses
 * upstream answers) are lenient: everything optional and nullable, since compatible servers
 * (vLLM, Ollama, DeepSeek, Qwen) fill in different subsets. Outbound shapes are strict. Caller
 * bodies are read field by field with the shared readers instead (a 400 names the bad field).
 */

// Inbound (lenient)

export interface ResponsesUsageIn {
  input_tokens?: number | null;
  output_tokens?: number | null;
  total_tokens?: number | null;
  input_tokens_details?: {
    cached_tokens?: number | null;
    cache_write_tokens?: number | null;
  } | null;
  output_tokens_details?: { reasoning_tokens?: number | null } | null;
}

export interface ResponsesErrorIn {
  code?: string | number | null;
  message?: string | null;
  type?: string | null;
  param?: string | null;
}

/** An output item as an upstream sends it (in `output`, `output_item.added` and `.done`). */
export interface OutputItemIn {
  type?: string | null;
  id?: string | null;
  status?: string | null;
  // message
  role?: string | null;
  content?: Array<OutputContentIn> | null;
  // reasoning
  summary?: Array<{ type?: string | null; text?: string | null }> | null;
  encrypted_content?: string | null;
  // function_call, custom_tool_call
  call_id?: string | null;
  name?: string | null;
  namespace?: string | null;
  arguments?: string | null;
  input?: string | null;
  // web_search_call
  action?: WebSearchActionIn | null;
}

/** A part of a message item's content. */
export interface OutputContentIn {
  type?: string | null;
  text?: string | null;
  refusal?: string | null;
  annotations?: AnnotationIn[] | null;
}

/** An annotation on output text; a `url_citation` names a page a search found. */
export interface AnnotationIn {
  type?: string | null;
  url?: string | null;
  title?: string | null;
  start_index?: number | null;
  end_index?: number | null;
}

/** What a `web_search_call` did: a `search` (its pages with `include`), or opening a page. */
export interface WebSearchActionIn {
  type?: string | null;
  query?: string | null;
  queries?: string[] | null;
  sources?: Array<{ type?: string | null; url?: string | null }> | null;
}

/** A response object as an upstream sends it (whole, or inside a stream event). */
export interface ResponseIn {
  id?: string | null;
  object?: string | null;
  model?: string | null;
  status?: string | null;
  output?: OutputItemIn[] | null;
  usage?: ResponsesUsageIn | null;
  error?: ResponsesErrorIn | null;
  incomplete_details?: { reason?: string | null } | null;
}

/** One stream event's data, any type (fields are those of the types that have them). */
export interface StreamEventIn {
  type?: string | null;
  sequence_number?: number | null;
  response?: ResponseIn | null;
  output_index?: number | null;
  item_id?: string | null;
  item?: OutputItemIn | null;
  summary_index?: number | null;
  content_index?: number | null;
  delta?: string | null;
  arguments?: string | null;
  // `error` events
  code?: string | number | null;
  message?: string | null;
  error?: ResponsesErrorIn | null;
}

// Outbound (strict)

export type InputContentOut =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string; detail: "auto" }
  | { type: "input_file"; filename: string; file_data: string }
  | { type: "input_file"; file_url: string };

export interface SummaryTextOut {
  type: "summary_text";
  text: string;
}

/** An input item the proxy sends to a Responses upstream (never with an item `id`). */
export type InputItemOut =
  | {
    type: "message";
    role: "user" | "developer";
    content: InputContentOut[];
  }
  | {
    type: "message";
    role: "assistant";
    content: Array<{ type: "output_text"; text: string }>;
  }
  | { type: "reasoning"; summary: SummaryTextOut[]; encrypted_content: string }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | { type: "function_call_output"; call_id: string; output: string | InputContentOut[] };

export interface FunctionToolOut {
  type: "function";
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict?: boolean;
}

export type ToolChoiceOut = "auto" | "required" | "none" | { type: "function"; name: string };

export interface OutputTextOut {
  type: "output_text";
  text: string;
  annotations: UrlCitationOut[];
}

/** A page that supports part of a message's text, by character offsets into it. */
export interface UrlCitationOut {
  type: "url_citation";
  start_index: number;
  end_index: number;
  url: string;
  title: string;
}

/** An output item the proxy writes for a Responses caller. */
export type OutputItemOut =
  | {
    id: string;
    type: "message";
    status: ItemStatus;
    role: "assistant";
    content: OutputTextOut[];
  }
  | {
    id: string;
    type: "reasoning";
    summary: SummaryTextOut[];
    encrypted_content?: string;
  }
  | {
    id: string;
    type: "function_call";
    status: ItemStatus;
    arguments: string;
    call_id: string;
    name: string;
    namespace?: string;
  }
  | {
    id: string;
    type: "custom_tool_call";
    status: ItemStatus;
    call_id: string;
    name: string;
    input: string;
    namespace?: string;
  }
  | {
    id: string;
    type: "tool_search_call";
    status: ItemStatus;
    call_id: string;
    execution: "client";
    /** The search's arguments as an object (`{query, limit}`), not JSON text. */
    arguments: unknown;
  }
  | {
    id: string;
    type: "web_search_call";
    status: "in_progress" | "completed" | "failed";
    action: { type: "search"; query: string; sources?: Array<{ type: "url"; url: string }> };
  };

export type ItemStatus = "in_progress" | "completed" | "incomplete";

export interface ResponsesUsageOut {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export type IncompleteReason = "max_output_tokens" | "content_filter";

/** The error codes Codex acts on in `response.failed` (others read as retryable). */
export type FailureCode =
  | "context_length_exceeded"
  | "rate_limit_exceeded"
  | "insufficient_quota"
  | "server_error";
