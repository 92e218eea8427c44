/**
 * Web searches: a caller that lets the model search gets the upstream's searches back in its own
 * dialect's terms (Anthropic search blocks, Gemini grounding), and sends them back in a form the
 * upstream takes. Pairs where either side cannot search are skipped by their kits' reasons.
 */
import assert from "node:assert/strict";
import type { Context, Scenario } from "../_scenario.ts";
import type { Conversation, Reply } from "../wire/kit.ts";
import { text } from "./_common.ts";

const QUESTION = "Is Deno 2.9 out?";
const QUERY = "deno 2.9 release";
const ANSWER = "Deno 2.9 is out.";

const SEARCHED: Reply = {
  blocks: [
    {
      type: "web_search",
      query: QUERY,
      sources: [
        { url: "https://deno.com/blog/v2.9", title: "Deno 2.9" },
        { url: "https://github.com/denoland/deno/releases", title: "Releases" },
      ],
    },
    text(ANSWER),
  ],
  stop: "end",
  usage: { input: 40, output: 12, searches: 1 },
};

const ask = (): Conversation => ({
  turns: [{ role: "user", parts: [text(QUESTION)] }],
  webSearch: true,
});

/** The next turn, the searching answer sent back as its client keeps it. */
const askAgain = (ctx: Context): Conversation => ({
  turns: [
    { role: "user", parts: [text(QUESTION)] },
    { role: "assistant", replay: ctx.previous[0].replay },
    { role: "user", parts: [text("And 3.0?")] },
  ],
  webSearch: true,
});

const NOT_YET: Reply = { blocks: [text("Not yet.")], stop: "end", usage: { input: 60, output: 3 } };

const needs = { callerNeeds: ["web search" as const], upstreamNeeds: ["web search" as const] };

export function webSearch(): Scenario[] {
  return [{
    name: "a web search, the pages it found and the answer",
    ...needs,
    steps: [{
      request: ask,
      reply: SEARCHED,
      checkSent: (sent) => {
        assert.equal(sent.webSearch, true, "the upstream is asked for its own search");
        assert.deepEqual(sent.tools, []);
      },
    }],
  }, {
    name: "a web search sent back in the history",
    ...needs,
    steps: [{ request: ask, reply: SEARCHED }, {
      request: (ctx) => ({
        turns: [
          { role: "user", parts: [text(QUESTION)] },
          { role: "assistant", replay: ctx.previous[0].replay },
          { role: "user", parts: [text("And 3.0?")] },
        ],
        webSearch: true,
      }),
      reply: { blocks: [text("Not yet.")], stop: "end", usage: { input: 60, output: 3 } },
      checkSent: (sent, { caller, upstream, previous }) => {
        assert.equal(sent.turns.length, 3);
        const assistant = JSON.stringify(sent.turns[1]) + JSON.stringify(sent.body);
        assert.ok(assistant.includes(ANSWER), assistant);
        // Gemini clients keep no grounding in their history; Anthropic's send the blocks back
        if (caller === "anthropic") assert.ok(assistant.includes(QUERY), "the search went back");
        if (caller === "anthropic" && upstream !== "anthropic") {
          const said = sent.turns[1].parts.flatMap((p) => p.type === "text" ? [p.text] : []);
          // the pages as the caller got them (a streamed Responses search names only hosts)
          const search = previous[0].blocks.find((b) => b.type === "web_search");
          const pages = search?.type === "web_search" ? search.sources : [];
          assert.deepEqual(said, [
            `Searched the web for "${QUERY}".`,
            "Web search results:\n" + pages.map((p) => `- ${p.title}: ${p.url}`).join("\n"),
            ANSWER,
          ]);
        }
      },
    }],
  }, {
    // A router (or the user) sends the next turn to Anthropic, which reads back only its own
    // searches: another upstream's pages carry no encrypted content it could read.
    name: "a web search sent back to Anthropic on the next turn",
    ...needs,
    steps: [{ request: ask, reply: SEARCHED }, {
      upstream: "anthropic",
      request: askAgain,
      reply: NOT_YET,
      checkSent: (sent, { caller, pairUpstream }) => {
        const blocks = sent.body.messages.flatMap((m: any) =>
          Array.isArray(m.content) ? m.content : []
        );
        const results = blocks.filter((b: any) => b.type === "web_search_tool_result");
        for (const result of results) {
          assert.ok(
            result.content.every((page: any) => page.encrypted_content),
            `Anthropic refuses pages it did not encrypt: ${JSON.stringify(result)}`,
          );
        }
        const said = JSON.stringify(sent.turns[1]);
        assert.ok(said.includes(ANSWER), said);
        if (caller === "anthropic" && pairUpstream !== "anthropic") {
          assert.deepEqual(results, []);
          assert.ok(said.includes(`Searched the web for \\"${QUERY}\\"`), said);
        }
      },
    }],
  }];
}
