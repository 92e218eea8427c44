/** How a Gemini upstream is called: `{api_base}/models/{name}:method`, `x-goog-api-key`. */
import type { UpstreamWire } from "../ir/endpoint.ts";

export const upstream: UpstreamWire = {
  url(address, operation, stream, jsonArray) {
    const models = `${address.apiBase}/models/${encodeURIComponent(address.modelName)}`;
    if (operation === "count_tokens") return `${models}:countTokens`;
    if (!stream) return `${models}:generateContent`;
    return jsonArray
      ? `${models}:streamGenerateContent`
      : `${models}:streamGenerateContent?alt=sse`;
  },
  authorize(headers, key) {
    headers.set("x-goog-api-key", key);
  },
};
