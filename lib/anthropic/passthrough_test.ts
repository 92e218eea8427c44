import assert from "node:assert/strict";
import { passthrough } from "./passthrough.ts";

const TARGET = { modelName: "claude-real", maxTokens: 4096, stream: false };

function search(id: string, encrypted: string) {
  return [
    { type: "server_tool_use", id, name: "web_search", input: { query: "deno 2.9" } },
    {
      type: "web_search_tool_result",
      tool_use_id: id,
      content: [{
        type: "web_search_result",
        url: "https://deno.com/blog/v2.9",
        title: "Deno 2.9",
        encrypted_content: encrypted,
        page_age: null,
      }],
    },
  ];
}

function body(assistant: unknown[]) {
  return {
    model: "claude-x",
    max_tokens: 1000,
    messages: [
      { role: "user", content: "Is Deno 2.9 out?" },
      { role: "assistant", content: assistant },
      { role: "user", content: "And 3.0?" },
    ],
  };
}

Deno.test("passthrough.prepare() sends another upstream's search to Anthropic as text", () => {
  const out: Record<string, any> = body([
    ...search("srvtoolu_gemini1", ""),
    { type: "text", text: "Deno 2.9 is out." },
  ]);
  passthrough.prepare(out, TARGET);
  assert.deepEqual(out.messages[1].content, [
    { type: "text", text: 'Searched the web for "deno 2.9".' },
    { type: "text", text: "Web search results:\n- Deno 2.9: https://deno.com/blog/v2.9" },
    { type: "text", text: "Deno 2.9 is out." },
  ]);
  assert.equal(out.messages[2].content, "And 3.0?");
});

Deno.test("passthrough.prepare() keeps Anthropic's own searches, and the turn, as sent", () => {
  const own = body([...search("srvtoolu_01abc", "EqgfCioIARgB"), { type: "text", text: "Yes." }]);
  const out: Record<string, any> = structuredClone(own);
  passthrough.prepare(out, TARGET);
  assert.deepEqual(out.messages, own.messages);
  // In one turn with a foreign search, Anthropic's own stays a search.
  const mixed: Record<string, any> = body([
    ...search("srvtoolu_01abc", "EqgfCioIARgB"),
    ...search("srvtoolu_gemini1", ""),
  ]);
  passthrough.prepare(mixed, TARGET);
  assert.deepEqual(mixed.messages[1].content.map((b: { type: string }) => b.type), [
    "server_tool_use",
    "web_search_tool_result",
    "text",
    "text",
  ]);
});
