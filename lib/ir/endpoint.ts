/**
 * What a dialect tells the server about its HTTP side, besides converting bodies: where callers
 * reach it, how its upstreams are called, how a body of its own passes through, how a relayed
 * stream of its own is read, how tokens are counted, and which models.yaml values suit it. The
 * server, the upstream client and the configuration read all of this from the dialect's codec
 * and name no dialect themselves (as vercel/ai's providers own their URL, headers and errors).
 */
import type { ProxyError } from "../errors.ts";
import type { SseEvent } from "../sse/parser.ts";
import type { ImageSize } from "./image_size.ts";
import type { ThinkingStyle, UpstreamTarget } from "./codec.ts";
import type { Request } from "./types.ts";

/** What a route serves. */
export type Operation = "generate" | "count_tokens" | "models";

/** One endpoint a caller of the dialect may call, under the dialect's prefix. */
export interface Route {
  method: "GET" | "POST";
  /**
   * The path under the prefix: a string for an exact path, or a pattern whose first group is
   * the model name (percent-decoded before use).
   */
  path: string | RegExp;
  operation: Operation;
  /**
   * Whether the answer streams, when the path decides it (Gemini's `:streamGenerateContent`);
   * absent, the body's `stream` does.
   */
  stream?: boolean;
}

/** Where callers reach the dialect, and how a request without a prefix is recognised as its. */
export interface DialectRoutes {
  /** The canonical path prefix (`/anthropic/v1`); several dialects may share one. */
  prefix: string;
  /** Other prefixes folded into `prefix`, tried in order (`/anthropic/v1/v1`, `/v1beta`). */
  aliases: readonly string[];
  routes: readonly Route[];
  /** Paths under a bare `/v1` that are this dialect's (`/messages`, `/chat/`). */
  barePaths: readonly string[];
  /**
   * Request headers only this dialect's callers send (`x-api-key`, `anthropic-version`): they
   * claim a bare `/v1/…` request, and a CORS preflight allows them.
   */
  headers: readonly string[];
  /** Its callers send the key as `Authorization: Bearer` (claims a bare path after the rest). */
  bearer?: boolean;
  /** The header (of `headers`) that carries the caller's key, when it is not a bearer token. */
  keyHeader?: string;
  /** A query parameter that may carry the caller's key (Gemini's `?key=`). */
  keyParam?: string;
  /**
   * True when a streamed answer to this request is one JSON array rather than SSE (Gemini's
   * `streamGenerateContent` without `?alt=sse`); absent: always SSE.
   */
  jsonArrayStream?(url: URL): boolean;
}

/** The part of a model entry that says where its upstream is. */
export interface UpstreamAddress {
  /** `api_base`, without a trailing slash. */
  apiBase: string;
  /** The model name the upstream expects. */
  modelName: string;
}

/** How an upstream of the dialect is called. */
export interface UpstreamWire {
  /**
   * The URL for an operation (generate, or its own token counter). `jsonArray`: a stream the
   * caller wants as one JSON array, passed through as the upstream sends it.
   */
  url(
    address: UpstreamAddress,
    operation: "generate" | "count_tokens",
    stream: boolean,
    jsonArray?: boolean,
  ): string;
  /**
   * Sets the auth header for `key` and the dialect's own headers. `callerHeaders` is the
   * caller's request when it speaks the same dialect (a version or beta flag it chose is kept).
   */
  authorize(headers: Headers, key: string, callerHeaders: Headers | undefined): void;
  /**
   * Whether the upstream receives Claude Code's billing line in the system prompt; elsewhere its
   * changing nonce defeats the upstream's prefix cache, so it is taken out.
   */
  keepsBillingHeader?: boolean;
}

/** The output cap and model name a pass-through body is sent with, and how it is answered. */
export interface PassthroughTarget {
  modelName: string;
  maxTokens: number;
  /**
   * Whether the upstream is asked to stream: false also for a streaming caller when the model
   * cannot stream (`can_stream: false`); its whole answer is then told to the caller as a stream.
   */
  stream: boolean;
}

/** How a same-dialect body is edited on its way through, and its answer renamed back. */
export interface PassthroughWire {
  /**
   * Body fields with which a caller would choose other models or run tools on the account that
   * pays (OpenRouter's `provider`, Anthropic's `mcp_servers`): dropped for an entry with its own
   * key unless `allow_params` lists them.
   */
  steeringFields: readonly string[];
  /**
   * Sets the model name, the output cap (every spelling the dialect accepts) and, where the body
   * says it, whether to stream on `body`, the proxy's own shallow copy of the caller's: top-level
   * fields may be replaced, nested values never changed in place. Also whatever the dialect's
   * upstreams need of a replayed body.
   */
  prepare(body: Record<string, unknown>, target: PassthroughTarget): void;
  /** Media replaced for a model that cannot read them (`vision: false`); the same body if none. */
  withoutMedia(body: Record<string, unknown>): { body: Record<string, unknown>; replaced: number };
  /** Thinking told the way `thinking_style` asks, on the proxy's own copy (absent: as sent). */
  restyleThinking?(body: Record<string, unknown>, style: ThinkingStyle): void;
  /**
   * Where an answer carries the model name the caller is told back (the upstream answers with
   * its own, often dated): in a whole answer, and in a stream event's JSON. Absent: the answer
   * names no model a caller compares (Gemini's `modelVersion` is left as it is).
   */
  modelPaths?: { answer: readonly string[]; event: readonly string[] };
}

/** How a relayed stream of the dialect is read for usage, errors and its end. */
export interface RelayWire {
  /**
   * Whether a stream event may carry usage, an error or the stream's end, tested on its raw
   * text before any parse: the relay parses only those. False only when certain.
   */
  carriesUsage(event: SseEvent): boolean;
  /**
   * An event in which the upstream reports an error in a form of its own (Anthropic's `event:
   * error`), besides a JSON object that starts with `error` or `"type": "error"`.
   */
  isErrorEvent?(event: SseEvent): boolean;
  /**
   * What the caller still needs after the event that ended the stream, to see the dialect's end
   * (an OpenAI stream ended by its usage chunk still gets `data: [DONE]`); "" for none.
   */
  closingAfter(event: SseEvent): string;
  /** The event that ends a stream with an error (SSE text). */
  errorEvent(error: ProxyError): string;
}

/** The dialect's token-count endpoint, for its callers and at its upstreams. */
export interface CountTokensWire {
  /** Callers of the dialect count at one of its routes (operation `count_tokens`). */
  caller?: {
    /** The body to decode as a request, from the count request's body. */
    request(body: Record<string, unknown>): unknown;
    /** The caller's answer. */
    answer(tokens: number): Record<string, unknown>;
    /** A same-dialect count request, sent on with only the upstream's model name. */
    renameModel(body: Record<string, unknown>, modelName: string): Record<string, unknown>;
  };
  /** Upstreams of the dialect have a counter of their own; absent, the count is local. */
  upstream?: {
    /** The body for the upstream's counter. */
    body(request: Request, target: Omit<UpstreamTarget, "stream">): Record<string, unknown>;
    /** The count in the counter's answer; undefined when it gives none. */
    read(answer: unknown): number | undefined;
  };
}

/** The models.yaml values that depend on an entry's `format`. */
export interface ConfigWire {
  /** The `thinking_style` values an upstream of the dialect can be told to use. */
  thinkingStyles: readonly ThinkingStyle[];
  /** Whether `prompt_cache` applies (`cache_control` on parts of a dialect without it). */
  promptCache: boolean;
  /** Whether an entry without `format` is the dialect's, by its `api_base` (or other keys). */
  claimsApiBase?(apiBase: string, entry: Record<string, unknown>): boolean;
}

/** An upstream's words for a request longer than the context window, and where its numbers are. */
export interface OverflowWording {
  sign: RegExp;
  tokens?: RegExp;
  limit?: RegExp;
}

/** What an image costs in input tokens at the dialect's provider. */
export type ImagePricing = (size: ImageSize) => number;
