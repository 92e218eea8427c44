import assert from "node:assert/strict";
import { responseToEvents } from "./replay.ts";
import type { Response, StreamEvent } from "./types.ts";
import { emptyUsage } from "./types.ts";

Deno.test("responseToEvents() tells a web search and its results as blocks, in their place", () => {
  const response: Response = {
    id: "msg_1",
    model: "m",
    content: [
      { type: "web_search_call", id: "srvtoolu_1", query: "q" },
      {
        type: "web_search_result",
        callId: "srvtoolu_1",
        sources: [{ url: "https://a.example", title: "A", pageAge: "2 days ago" }],
      },
      { type: "text", text: "Found it." },
    ],
    stopReason: "end_turn",
    usage: { ...emptyUsage(), outputTokens: 5, serverToolUse: { webSearchRequests: 1 } },
  };
  const events = responseToEvents(response, () => "call_x");
  const starts = events.flatMap((e: StreamEvent) => e.type === "block_start" ? [e.block] : []);
  assert.deepEqual(starts, [
    { type: "web_search_call", id: "srvtoolu_1", query: "q" },
    {
      type: "web_search_result",
      callId: "srvtoolu_1",
      sources: [{ url: "https://a.example", title: "A", pageAge: "2 days ago" }],
    },
    { type: "text" },
  ]);
  const end = events.find((e) => e.type === "message_delta");
  assert.ok(end?.type === "message_delta");
  assert.deepEqual(end.usage.serverToolUse, { webSearchRequests: 1 });
});
