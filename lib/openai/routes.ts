/** Where OpenAI Chat Completions callers (opencode, the OpenAI SDK, Qwen Code) reach the proxy. */
import type { DialectRoutes } from "../ir/endpoint.ts";

/** `/openai/v1/chat/completions` and the model list; bare `/v1/chat/…` too. */
export const routes: DialectRoutes = {
  prefix: "/openai/v1",
  // SDKs given a base URL that already ends in /v1 add another.
  aliases: ["/openai/v1/v1"],
  routes: [
    { method: "POST", path: "/chat/completions", operation: "generate" },
    { method: "GET", path: "/models", operation: "models" },
    { method: "GET", path: /^\/models\/([^/]+)$/, operation: "models" },
  ],
  barePaths: ["/chat/"],
  headers: [],
  bearer: true,
};
