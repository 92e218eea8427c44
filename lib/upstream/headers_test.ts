import assert from "node:assert/strict";
import { CODECS } from "../dialects.ts";
import { upstreamHeaders } from "./headers.ts";

Deno.test("upstreamHeaders() sends JSON, the dialect's auth, then extra_headers over them", () => {
  const headers = upstreamHeaders(CODECS.openai.upstream, "k", undefined, {
    "X-Extra": "1",
    authorization: "Bearer other",
  });
  assert.equal(headers.get("content-type"), "application/json");
  assert.equal(headers.get("x-extra"), "1");
  assert.equal(headers.get("authorization"), "Bearer other");
});
