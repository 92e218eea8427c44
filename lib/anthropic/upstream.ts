/** How an Anthropic upstream is called: `{api_base}/v1/messages`, `x-api-key`, a version. */
import type { UpstreamWire } from "../ir/endpoint.ts";

/** The API version sent when the caller chose none. */
const VERSION = "2023-06-01";

export const upstream: UpstreamWire = {
  url(address, operation) {
    const base = address.apiBase;
    const v1 = base.endsWith("/v1") ? base : `${base}/v1`;
    return operation === "count_tokens" ? `${v1}/messages/count_tokens` : `${v1}/messages`;
  },
  authorize(headers, key, caller) {
    headers.set("x-api-key", key);
    // An Anthropic caller's own version and beta flags go on; other callers get the default.
    headers.set("anthropic-version", caller?.get("anthropic-version") || VERSION);
    const beta = caller?.get("anthropic-beta");
    if (beta) headers.set("anthropic-beta", beta);
  },
  // Claude Code's billing line is Anthropic's to read.
  keepsBillingHeader: true,
};
