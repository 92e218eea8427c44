import assert from "node:assert/strict";
import { CODECS, type Dialect } from "../dialects.ts";
import type { DialectRoutes } from "../ir/endpoint.ts";
import { canonicalPath, isKnownPrefix, matchRoute, RouteTable } from "./routes.ts";

const none = new Headers();

Deno.test("canonicalPath() folds the doubled prefix, bare /v1 and /v1beta aliases", () => {
  assert.equal(canonicalPath("/anthropic/v1/v1/messages", none), "/anthropic/v1/messages");
  assert.equal(
    canonicalPath("/v1/messages/count_tokens", none),
    "/anthropic/v1/messages/count_tokens",
  );
  assert.equal(canonicalPath("/v1/chat/completions", none), "/openai/v1/chat/completions");
  assert.equal(
    canonicalPath("/v1beta/models/x:generateContent", none),
    "/gemini/v1beta/models/x:generateContent",
  );
  assert.equal(
    canonicalPath("/v1/models", new Headers({ authorization: "Bearer k" })),
    "/openai/v1/models",
  );
  assert.equal(
    canonicalPath("/v1/models", new Headers({ "x-goog-api-key": "k" })),
    "/gemini/v1beta/models",
  );
  assert.equal(
    canonicalPath("/v1/models", new Headers({ "x-api-key": "k" })),
    "/anthropic/v1/models",
  );
});

Deno.test("matchRoute() gives 405 with Allow, and 404 in the prefix's dialect", () => {
  assert.deepEqual(matchRoute("GET", "/anthropic/v1/messages", none), {
    ok: false,
    status: 405,
    dialect: "anthropic",
    allow: "POST",
  });
  assert.deepEqual(matchRoute("POST", "/openai/v1/nope", none), {
    ok: false,
    status: 404,
    dialect: "openai",
  });
  assert.deepEqual(matchRoute("POST", "/gemini/v1beta/models/a:embedContent", none), {
    ok: false,
    status: 404,
    dialect: "gemini",
  });
  const gemini = matchRoute("POST", "/gemini/v1beta/models/a%2Fb:streamGenerateContent", none);
  assert.ok(gemini.ok && gemini.endpoint.kind === "generate" && gemini.endpoint.model === "a/b");
});

Deno.test("isKnownPrefix() covers every prefix a HEAD warm-up may hit, and nothing else", () => {
  for (
    const p of [
      "/",
      "/anthropic",
      "/anthropic/v1/",
      "/openai/v1/x",
      "/gemini",
      "/v1",
      "/v1beta/models",
    ]
  ) {
    assert.ok(isKnownPrefix(p), p);
  }
  for (const p of ["/health", "/metrics", "/admin", "/anthropicx"]) assert.ok(!isKnownPrefix(p), p);
});

Deno.test("RouteTable: two dialects share a prefix, each with its own paths and bare paths", () => {
  const first = CODECS.openai.routes;
  const second: DialectRoutes = {
    prefix: "/openai/v1",
    aliases: ["/openai/v1/v1"],
    routes: [
      { method: "POST", path: "/responses", operation: "generate" },
      { method: "POST", path: "/responses/input_tokens", operation: "count_tokens" },
    ],
    barePaths: ["/responses"],
    headers: [],
    bearer: true,
  };
  const table = new RouteTable([["openai", first], ["second" as Dialect, second]]);
  const generate = table.match("POST", "/openai/v1/responses", none);
  assert.deepEqual(generate, { ok: true, endpoint: { kind: "generate", dialect: "second" } });
  const chat = table.match("POST", "/openai/v1/chat/completions", none);
  assert.ok(chat.ok && "dialect" in chat.endpoint && chat.endpoint.dialect === "openai");
  assert.deepEqual(table.match("GET", "/openai/v1/responses", none), {
    ok: false,
    status: 405,
    dialect: "second",
    allow: "POST",
  });
  // An unknown path under the shared prefix is the first dialect's 404.
  assert.deepEqual(table.match("POST", "/openai/v1/nope", none), {
    ok: false,
    status: 404,
    dialect: "openai",
  });
  assert.equal(table.canonical("/v1/responses", none), "/openai/v1/responses");
  assert.equal(
    table.canonical("/openai/v1/v1/responses/input_tokens", none),
    "/openai/v1/responses/input_tokens",
  );
});

Deno.test("canonicalPath() claims a bare path by its headers, bearer last, the first dialect without", () => {
  const both = new Headers({ authorization: "Bearer k", "x-api-key": "k" });
  assert.equal(canonicalPath("/v1/models", both), "/anthropic/v1/models");
  assert.equal(canonicalPath("/v1/models", none), "/anthropic/v1/models");
  assert.equal(canonicalPath("/v1", none), "/anthropic/v1");
  assert.equal(
    canonicalPath("/gemini/v1/models/x:countTokens", none),
    "/gemini/v1beta/models/x:countTokens",
  );
});
