/**
 * What each dialect folder provides: a decoder and an encoder for each side, so any caller
 * works with any upstream through the internal model, and a fourth dialect is one more folder.
 */
import type { ProxyError } from "../errors.ts";
import type { SseEvent } from "../sse/parser.ts";
import type { Assembler } from "./assembler.ts";
import type {
  ConfigWire,
  CountTokensWire,
  DialectRoutes,
  ImagePricing,
  OverflowWording,
  PassthroughWire,
  RelayWire,
  UpstreamWire,
} from "./endpoint.ts";
import type { Converted, Dialect, Effort, Request, Response, StreamEvent } from "./types.ts";

/**
 * How an upstream is asked to think (models.yaml `thinking_style`); absent: its dialect's default
 * (`reasoning_effort` for OpenAI-dialect upstreams, `budget` for Anthropic ones, `reasoning` for
 * Responses ones). Each dialect takes the values its `config.thinkingStyles` lists, and models.yaml
 * refuses the others for its entries, so an encoder reads only its own.
 */
export type ThinkingStyle =
  | "reasoning_effort"
  | "deepseek"
  | "qwen"
  | "openrouter"
  | "budget"
  | "adaptive"
  | "reasoning"
  | "none";

/** What an upstream encoder needs to know of the model entry it is calling. */
export interface UpstreamTarget {
  /** The model name the upstream expects (`model_name`). */
  modelName: string;
  /** Cap on output tokens (`max_tokens` in models.yaml); the request gets min(cap, asked). */
  maxTokens: number;
  /** Used when the request sets none. */
  temperature?: number;
  /** A fixed effort that wins over the request's (OpenAI-dialect upstreams). */
  reasoningEffort?: Effort;
  /** Whether the upstream call streams. */
  stream: boolean;
  thinkingStyle?: ThinkingStyle;
  /** OpenAI-dialect upstreams: carry `cache_control` breakpoints on content parts. */
  promptCache?: boolean;
}

/** An encoded upstream request, and what is needed to read its answer back. */
export interface UpstreamRequest {
  body: Record<string, unknown>;
  /** Upstream tool name → the caller's, for names the encoder had to shorten. */
  toolNames: Map<string, string>;
}

/** What an upstream decoder needs to turn an answer into the caller's terms. */
export interface DecodeContext {
  /** Upstream tool name → the caller's (from `UpstreamRequest.toolNames`). */
  toolNames: Map<string, string>;
  /** Makes ids for calls and messages that arrive without one. */
  newId: (prefix: string) => string;
}

/** Turns one upstream stream's SSE events into facts for the Assembler. */
export interface StreamDecoder {
  /** One parsed SSE event from the upstream. */
  push(event: SseEvent): void;
  /** The upstream stream has ended (normally or not); the assembler's `end()` comes after. */
  end(): void;
  /**
   * True once the upstream has sent the last event of its dialect's stream (`[DONE]`,
   * `message_stop`, …): the stream is over even if the connection stays open, and anything
   * after it is no part of the answer.
   */
  readonly ended: boolean;
}

/** Turns the strict event stream into the caller's wire text (SSE, or Gemini's JSON array). */
export interface StreamEncoder {
  /** The text to write for one event ("" when the event has no wire form in this dialect). */
  encode(event: StreamEvent): string;
  /**
   * A keep-alive for the caller while the upstream sends only its own (SSE comments such as
   * `: OPENROUTER PROCESSING`), so the caller's timeouts do not fire; absent where the dialect
   * has none a caller accepts.
   */
  keepAlive?(): string;
  /** Content type of the stream. */
  readonly contentType: string;
}

export interface CallerOptions {
  /** Gemini: the model from the path. */
  model?: string;
  /** Gemini: streaming is decided by the method, not the body. */
  stream?: boolean;
  /**
   * The body passes through to an upstream of its own dialect, which holds whatever state it
   * names (Responses' `previous_response_id`): nothing is refused for needing stored state.
   */
  passThrough?: boolean;
}

export interface StreamEncoderOptions {
  /** Gemini: false for the JSON-array form of `streamGenerateContent` (no `?alt=sse`). */
  sse?: boolean;
  /** OpenAI: end with a usage chunk (the caller asked `stream_options.include_usage`). */
  includeUsage?: boolean;
  /** Makes ids (e.g. `chatcmpl-…`) and gives the clock, so encoders stay pure. */
  newId: (prefix: string) => string;
  now: () => number;
}

export interface ModelInfo {
  id: string;
  displayName: string;
  contextTokens?: number;
  maxOutputTokens: number;
  created: number;
}

/**
 * The conversions of one dialect, both ways, through the internal model.
 *
 * Inputs may be deep-frozen and are never changed: a caller's body, a decoded request, an answer
 * or a stream event may hold values shared between requests (a remembered tools list and what
 * converters made of it, lib/json/remembered_tools.ts), so a converter builds new values and
 * leaves what it was given as it was. Every codec is run on frozen input (lib/ir/codec_test.ts).
 */
export interface DialectConverters {
  // Caller side
  /** Validates and decodes a caller's body; throws ProxyError (400) for bad input. */
  decodeRequest(body: unknown, options: CallerOptions): Converted<Request>;
  /**
   * The whole answer in this dialect. `request` is the caller's decoded request, for a dialect
   * whose answer repeats its settings or restores its tool kinds (Responses); others ignore it.
   */
  encodeResponse(
    response: Response,
    options: StreamEncoderOptions,
    request?: Request,
  ): Record<string, unknown>;
  createStreamEncoder(request: Request, options: StreamEncoderOptions): StreamEncoder;
  /** The error envelope of this dialect. */
  errorBody(error: ProxyError): Record<string, unknown>;
  /** The model list in this dialect's shape. */
  modelList(models: ModelInfo[]): Record<string, unknown>;

  // Upstream side
  encodeRequest(request: Request, target: UpstreamTarget): Converted<UpstreamRequest>;
  decodeResponse(body: unknown, context: DecodeContext): Converted<Response>;
  createStreamDecoder(assembler: Assembler, context: DecodeContext): StreamDecoder;
  /** The message inside an upstream's error body of this dialect, if it has one. */
  errorMessage(body: unknown): string | undefined;
  /**
   * The error a successful (2xx) answer of this dialect holds instead of an answer (gateways
   * answer 200 with an error body), with the status its type implies; undefined for an answer.
   */
  answerError(body: unknown): ProxyError | undefined;
}

/**
 * Everything one dialect provides to the server: its conversions and its HTTP side (see
 * lib/ir/endpoint.ts). A dialect is one folder exporting one of these, and one line in the
 * registry (lib/dialects.ts).
 */
export interface DialectCodec extends DialectConverters {
  /** Its name in the registry, in models.yaml `format` and in logs. */
  readonly dialect: Dialect;
  /** Where its callers reach the proxy. */
  readonly routes: DialectRoutes;
  /** The structural check of a caller's body, pass-through included: a 400 naming the field. */
  checkShape(body: Record<string, unknown>): void;
  /** One model in this dialect's shape, for a single-model listing. */
  modelInfo(model: ModelInfo): Record<string, unknown>;
  /** How its upstreams are called. */
  readonly upstream: UpstreamWire;
  /** How a body of this dialect passes through to an upstream of it. */
  readonly passthrough: PassthroughWire;
  /** How a relayed stream of this dialect is read. */
  readonly relay: RelayWire;
  /** Its token-count endpoint, for callers and at upstreams (either may be absent). */
  readonly countTokens: CountTokensWire;
  /** The models.yaml values that depend on `format`. */
  readonly config: ConfigWire;
  /** What an image costs at its provider, for local token estimates. */
  readonly imageTokens: ImagePricing;
  /** Its upstreams' words for a request over the context window. */
  readonly overflowWordings: readonly OverflowWording[];
}
