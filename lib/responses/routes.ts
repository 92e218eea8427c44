/**
 * Where Responses callers (Codex CLI, the Agents SDK, `client.responses`) reach the proxy: under
 * the OpenAI prefix they share with Chat Completions, since their SDKs and Codex's `base_url`
 * point at the same `/v1`.
 */
import type { DialectRoutes } from "../ir/endpoint.ts";

/**
 * `/openai/v1/responses` and its token counter; bare `/v1/responses…` too. The model list is
 * Chat Completions' route as well: registered before it, this dialect answers it, with the
 * `models` that Codex's probe reads beside OpenAI's `data`.
 */
export const routes: DialectRoutes = {
  prefix: "/openai/v1",
  // SDKs given a base URL that already ends in /v1 add another.
  aliases: ["/openai/v1/v1"],
  routes: [
    { method: "POST", path: "/responses", operation: "generate" },
    { method: "POST", path: "/responses/input_tokens", operation: "count_tokens" },
    { method: "GET", path: "/models", operation: "models" },
    { method: "GET", path: /^\/models\/([^/]+)$/, operation: "models" },
  ],
  barePaths: ["/responses"],
  headers: [],
  bearer: true,
};
