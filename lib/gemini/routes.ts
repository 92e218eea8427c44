/** Where Gemini callers (@google/genai, Gemini CLI) reach the proxy. */
import type { DialectRoutes } from "../ir/endpoint.ts";

/** A model name in the path (`models/{model}:method`), percent-decoded by the server. */
const MODEL = "([^/:]+)";

/** `models/{model}:generateContent` and its siblings under `/gemini/v1beta`, or bare `/v1beta`. */
export const routes: DialectRoutes = {
  prefix: "/gemini/v1beta",
  aliases: ["/gemini/v1", "/gemini/v1beta/v1beta", "/v1beta"],
  routes: [
    { method: "GET", path: "/models", operation: "models" },
    { method: "GET", path: new RegExp(`^/models/${MODEL}$`), operation: "models" },
    {
      method: "POST",
      path: new RegExp(`^/models/${MODEL}:generateContent$`),
      operation: "generate",
      stream: false,
    },
    {
      method: "POST",
      path: new RegExp(`^/models/${MODEL}:streamGenerateContent$`),
      operation: "generate",
      stream: true,
    },
    {
      method: "POST",
      path: new RegExp(`^/models/${MODEL}:countTokens$`),
      operation: "count_tokens",
    },
  ],
  barePaths: [],
  headers: ["x-goog-api-key"],
  keyHeader: "x-goog-api-key",
  keyParam: "key",
  // Without `?alt=sse`, streamGenerateContent answers with one JSON array written as it grows.
  jsonArrayStream: (url) => url.searchParams.get("alt") !== "sse",
};
