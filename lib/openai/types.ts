/**
 * OpenAI Chat Completions wire types, spelled as on the wire. Inbound shapes (what callers and
 * upstreams send us) are lenient: everything optional and nullable, since OpenAI-compatible
 * providers differ in what they fill in. Outbound shapes are strict.
 */

export interface ChatToolCallIn {
  index?: number | null;
  id?: string | null;
  type?: string | null;
  function?: { name?: string | null; arguments?: string | null } | null;
  extra_content?: { google?: { thought_signature?: string | null } | null } | null;
}

/** A message as callers and upstreams send it. */
export interface ChatMessageIn {
  role?: string;
  content?: unknown;
  name?: string;
  reasoning_content?: string | null;
  reasoning?: string | null;
  refusal?: string | null;
  tool_calls?: ChatToolCallIn[] | null;
  tool_call_id?: string;
}

export interface ChatUsageIn {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek's name for cached prompt tokens. */
  prompt_cache_hit_tokens?: number | null;
}

export interface ChatErrorIn {
  message?: string | null;
  type?: string | null;
  code?: string | number | null;
  param?: string | null;
}

/** A non-streamed answer from an upstream. */
export interface ChatCompletionIn {
  id?: string | null;
  model?: string | null;
  choices?: Array<{ message?: ChatMessageIn | null; finish_reason?: string | null }> | null;
  usage?: ChatUsageIn | null;
  error?: ChatErrorIn | string | null;
}

/** One `chat.completion.chunk` from an upstream stream. */
export interface ChatCompletionChunkIn {
  id?: string | null;
  model?: string | null;
  choices?: Array<{ delta?: ChatMessageIn | null; finish_reason?: string | null }> | null;
  usage?: ChatUsageIn | null;
  error?: ChatErrorIn | string | null;
}

// Outbound (strict)

/** A prompt-cache breakpoint as Qwen/DashScope and OpenRouter read it on a text part. */
export interface ChatCacheControl {
  type: string;
  ttl?: string;
}

export interface ChatTextPartOut {
  type: "text";
  text: string;
  cache_control?: ChatCacheControl;
}

export type ChatContentPartOut =
  | ChatTextPartOut
  | { type: "image_url"; image_url: { url: string } }
  | { type: "file"; file: { filename?: string; file_data: string } };

export interface ChatToolCallOut {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
  extra_content?: { google: { thought_signature: string } };
}

export type ChatMessageOut =
  | { role: "system"; content: string | ChatTextPartOut[] }
  | { role: "user"; content: string | ChatContentPartOut[] }
  | {
    role: "assistant";
    content: string | ChatTextPartOut[] | null;
    reasoning_content?: string;
    tool_calls?: ChatToolCallOut[];
  }
  | { role: "tool"; tool_call_id: string; content: string | ChatTextPartOut[] };

export interface ChatToolOut {
  type: "function";
  function: {
    name: string;
    description?: string;
    parameters: Record<string, unknown>;
    strict?: boolean;
  };
}

export type ChatToolChoiceOut =
  | "auto"
  | "required"
  | "none"
  | { type: "function"; function: { name: string } };

export interface ChatUsageOut {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";
