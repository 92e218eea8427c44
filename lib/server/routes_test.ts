import assert from "node:assert/strict";
import { canonicalPath, isKnownPrefix, matchRoute } from "./routes.ts";

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
