/** Where Anthropic callers (Claude Code, the Anthropic SDKs) reach the proxy. */
import type { DialectRoutes } from "../ir/endpoint.ts";

/** `/anthropic/v1/messages`, its token counter and the model list; bare `/v1/messages` too. */
export const routes: DialectRoutes = {
  prefix: "/anthropic/v1",
  // SDKs given a base URL that already ends in /v1 add another.
  aliases: ["/anthropic/v1/v1"],
  routes: [
    { method: "POST", path: "/messages", operation: "generate" },
    { method: "POST", path: "/messages/count_tokens", operation: "count_tokens" },
    { method: "GET", path: "/models", operation: "models" },
    { method: "GET", path: /^\/models\/([^/]+)$/, operation: "models" },
  ],
  barePaths: ["/messages"],
  headers: ["x-api-key", "anthropic-version", "anthropic-beta"],
  keyHeader: "x-api-key",
};
