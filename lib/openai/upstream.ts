/** How an OpenAI-compatible upstream is called: `{api_base}/chat/completions`, a bearer key. */
import type { UpstreamWire } from "../ir/endpoint.ts";

export const upstream: UpstreamWire = {
  url: (address) => `${address.apiBase}/chat/completions`,
  authorize(headers, key) {
    headers.set("authorization", `Bearer ${key}`);
  },
};
