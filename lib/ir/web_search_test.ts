import assert from "node:assert/strict";
import type { Request } from "./types.ts";
import {
  domainsOf,
  isWebSearchServerTool,
  otherServerTools,
  userLocationOf,
  webSearchText,
} from "./web_search.ts";

Deno.test("isWebSearchServerTool() knows every version of the web search tool, and only it", () => {
  assert.equal(isWebSearchServerTool({ type: "web_search_20250305", name: "web_search" }), true);
  assert.equal(isWebSearchServerTool({ type: "web_search_20260209", name: "web_search" }), true);
  assert.equal(isWebSearchServerTool({ type: "web_fetch_20250910", name: "web_fetch" }), false);
  assert.equal(isWebSearchServerTool("web_search_20250305"), false);
  assert.equal(isWebSearchServerTool(null), false);
});

Deno.test("otherServerTools() leaves out the web search, which other upstreams serve", () => {
  const fetch = { type: "web_fetch_20250910", name: "web_fetch" };
  const request = {
    serverTools: [{ type: "web_search_20250305", name: "web_search" }, fetch],
  } as Request;
  assert.deepEqual(otherServerTools(request), [fetch]);
  assert.deepEqual(otherServerTools({} as Request), []);
});

Deno.test("webSearchText() writes a search, its sources or its failure as plain text", () => {
  assert.equal(
    webSearchText({ type: "web_search_call", id: "s", query: 'deno "2.9"' }),
    'Searched the web for "deno \\"2.9\\"".',
  );
  assert.equal(
    webSearchText({
      type: "web_search_result",
      callId: "s",
      sources: [
        { url: "https://deno.com/blog", title: "Deno blog" },
        { url: "https://example.com", title: "" },
      ],
    }),
    "Web search results:\n- Deno blog: https://deno.com/blog\n- https://example.com: https://example.com",
  );
  assert.equal(
    webSearchText({ type: "web_search_result", callId: "s", sources: [] }),
    "The web search found nothing.",
  );
  assert.equal(
    webSearchText({
      type: "web_search_result",
      callId: "s",
      sources: [],
      errorCode: "unavailable",
    }),
    "The web search failed (unavailable).",
  );
});

Deno.test("userLocationOf() and domainsOf() keep only the well-typed fields of a search tool", () => {
  assert.deepEqual(
    userLocationOf({ type: "approximate", city: "Oslo", region: null, country: "NO", x: 1 }),
    { city: "Oslo", country: "NO" },
  );
  assert.equal(userLocationOf(undefined), undefined);
  assert.equal(userLocationOf("Oslo"), undefined);
  assert.deepEqual(domainsOf(["a.example", "b.example"]), ["a.example", "b.example"]);
  assert.equal(domainsOf(["a.example", 3]), undefined);
  assert.equal(domainsOf(undefined), undefined);
});
