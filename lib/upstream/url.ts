/**
 * Where and how to call a model's upstream (SPEC §3): the URL and the auth headers per `format`.
 * Only the model entry's `api_base` decides the host; nothing from the request can change it.
 */
import type { ModelEntry } from "../config/models.ts";
import type { Dialect } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";

export type Operation = "generate" | "count_tokens";

/** The upstream URL for an operation on a model. */
export function upstreamUrl(model: ModelEntry, operation: Operation, stream: boolean): string {
  const base = model.apiBase;
  switch (model.format) {
    case "openai":
      return `${base}/chat/completions`;
    case "anthropic": {
      const v1 = base.endsWith("/v1") ? base : `${base}/v1`;
      return operation === "count_tokens" ? `${v1}/messages/count_tokens` : `${v1}/messages`;
    }
    case "gemini": {
      const name = encodeURIComponent(model.modelName);
      if (operation === "count_tokens") return `${base}/models/${name}:countTokens`;
      return stream
        ? `${base}/models/${name}:streamGenerateContent?alt=sse`
        : `${base}/models/${name}:generateContent`;
    }
    default:
      return unreachable(model.format);
  }
}

/** Headers for the upstream call: content type, auth per format, Anthropic version and beta. */
export function upstreamHeaders(
  model: ModelEntry,
  key: string,
  caller: Dialect,
  callerHeaders: Headers,
): Headers {
  const headers = new Headers({ "content-type": "application/json" });
  switch (model.format) {
    case "openai":
      headers.set("authorization", `Bearer ${key}`);
      break;
    case "anthropic": {
      headers.set("x-api-key", key);
      const version = caller === "anthropic" ? callerHeaders.get("anthropic-version") : null;
      headers.set("anthropic-version", version || "2023-06-01");
      const beta = caller === "anthropic" ? callerHeaders.get("anthropic-beta") : null;
      if (beta) headers.set("anthropic-beta", beta);
      break;
    }
    case "gemini":
      headers.set("x-goog-api-key", key);
      break;
    default:
      unreachable(model.format);
  }
  for (const [name, value] of Object.entries(model.extraHeaders)) headers.set(name, value);
  return headers;
}
