/** A non-2xx upstream answer as the ProxyError the caller sees. */
import { contextOverflow, kindOfStatus, ProxyError } from "../errors.ts";
import { redact } from "../redact.ts";
import { contextOverflowIn } from "./context_overflow.ts";
import { retryAfterMs } from "./retry_after.ts";

/** The error carrying the answer's status, its message (without `secrets`) and Retry-After. */
export function upstreamError(
  response: Response,
  text: string,
  errorMessage: (body: unknown) => string | undefined,
  secrets: string[],
): ProxyError {
  let message: string | undefined;
  try {
    message = errorMessage(JSON.parse(text));
  } catch {
    // not JSON: the text itself is the message
  }
  message ??= text.trim().slice(0, 500) || response.statusText || "no message";
  if (response.status >= 300 && response.status < 400) {
    message = `Upstream redirected (${response.status}); redirects are not followed`;
  }
  const status = response.status >= 400 && response.status <= 599 ? response.status : 502;
  // A context overflow, in whatever words: the caller gets its own dialect's (Claude Code
  // compacts on Anthropic's), so the body is read for it and not only the message.
  const overflow = status < 500 ? contextOverflowIn(text) : undefined;
  if (overflow) return contextOverflow(overflow);
  const error = new ProxyError(kindOfStatus(status), redact(message, secrets), status);
  const retryAfter = response.headers.get("retry-after");
  if (retryAfter && retryAfterMs(retryAfter, Date.now()) !== undefined) {
    error.retryAfter = retryAfter.trim();
  }
  return error;
}
