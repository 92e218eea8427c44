/**
 * The one error class a client ever sees. Every failure the proxy reports (its own rejections
 * and upstream failures) is a ProxyError, rendered into the caller's envelope in one place
 * (`errorResponse` in lib/server/exchange.ts), or into the dialect's error event once a stream
 * has started (its codec's `relay.errorEvent`, or its stream encoder).
 */

/** Dialect-neutral error kinds; each dialect's envelope maps them to its own names. */
export type ErrorKind =
  | "invalid_request"
  | "authentication"
  | "permission"
  | "not_found"
  | "method_not_allowed"
  | "request_too_large"
  | "rate_limit"
  | "api_error"
  | "bad_gateway"
  | "unavailable"
  | "timeout"
  | "overloaded";

const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_too_large: 413,
  rate_limit: 429,
  api_error: 500,
  bad_gateway: 502,
  unavailable: 503,
  timeout: 504,
  overloaded: 529,
};

/** A request longer than the model's context window: its tokens and the window, when known. */
export interface ContextOverflow {
  tokens?: number;
  limit?: number;
}

/** An error with an HTTP status and a kind, safe to show to the caller. */
export class ProxyError extends Error {
  readonly status: number;
  readonly kind: ErrorKind;
  /** Seconds, from an upstream's `Retry-After`, passed on to the caller. */
  retryAfter?: string;
  /**
   * A machine-readable code for envelopes that carry one (OpenAI `error.code`, such as
   * `previous_response_not_found`); other envelopes ignore it.
   */
  code?: string;
  /** Set when the request did not fit the context window: each dialect words that its own way. */
  overflow?: ContextOverflow;

  constructor(kind: ErrorKind, message: string, status = STATUS_OF_KIND[kind]) {
    super(message);
    this.name = "ProxyError";
    this.kind = kind;
    this.status = status;
  }
}

/** The kind that matches an HTTP status, for errors that arrive from upstream. */
export function kindOfStatus(status: number): ErrorKind {
  switch (status) {
    case 400:
    case 422:
      return "invalid_request";
    case 401:
      return "authentication";
    case 403:
      return "permission";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit";
    case 502:
      return "bad_gateway";
    case 503:
      return "unavailable";
    case 504:
      return "timeout";
    case 529:
      return "overloaded";
  }
  return status >= 500 ? "api_error" : "invalid_request";
}

/** Shorthand for the most common rejection: a 400 about the caller's body. */
export function invalidRequest(message: string): ProxyError {
  return new ProxyError("invalid_request", message);
}

/**
 * A request that does not fit the model's context window, as a 400 whose message is Anthropic's
 * wording, `prompt is too long: N tokens > M maximum` (Claude Code compacts the conversation on
 * it); the OpenAI and Gemini envelopes put the same numbers in their own words.
 */
export function contextOverflow(overflow: ContextOverflow): ProxyError {
  const { tokens, limit } = overflow;
  let message = "prompt is too long";
  if (tokens !== undefined && limit !== undefined) {
    message += `: ${tokens} tokens > ${limit} maximum`;
  } else if (tokens !== undefined) message += `: ${tokens} tokens`;
  else if (limit !== undefined) message += `: more than ${limit} tokens`;
  const error = new ProxyError("invalid_request", message);
  error.overflow = {
    ...(tokens !== undefined ? { tokens } : {}),
    ...(limit !== undefined ? { limit } : {}),
  };
  return error;
}
