/** Scenarios of tools: declarations and choice, calls in answers, results, names and ids. */
import assert from "node:assert/strict";
import type { Scenario } from "../_scenario.ts";
import type { ToolChoice } from "../wire/kit.ts";
import {
  foreignMarks,
  HELLO,
  hi,
  IMAGE,
  LONG_NAME,
  one,
  text,
  texts,
  TOOLS,
  TWO_CALLS,
  usage,
  WEATHER_SCHEMA,
} from "./_common.ts";

export function tools(): Scenario[] {
  const choices: ToolChoice[] = ["auto", "any", "none", { name: "get_weather" }];
  return [
    ...choices.map((toolChoice) =>
      one({
        request: () => ({ ...hi(), tools: TOOLS, toolChoice }),
        reply: HELLO,
        checkSent: (sent) => {
          assert.deepEqual(sent.tools, [
            { name: "get_weather", description: "Weather for a city", schema: WEATHER_SCHEMA },
            { name: "get_time", schema: { type: "object" } },
          ]);
          assert.deepEqual(sent.toolChoice, toolChoice);
          assert.equal(sent.parallelToolCalls, undefined);
        },
      }, { name: `tools and tool choice ${JSON.stringify(toolChoice)}` })
    ),
    ...([undefined, "any"] as const).map((toolChoice) =>
      one({
        request: () => ({ ...hi(), tools: TOOLS, toolChoice, parallelToolCalls: false }),
        reply: HELLO,
        checkSent: (sent) => {
          assert.equal(sent.parallelToolCalls, false);
          // Without one, "auto" (the same as none) where the switch needs a tool choice to ride
          // on (Anthropic's), or where the caller's dialect writes it so.
          const expected = toolChoice === undefined ? [undefined, "auto"] : [toolChoice];
          assert.ok(expected.includes(sent.toolChoice as string), String(sent.toolChoice));
        },
      }, {
        name: `parallel tool calls switched off${toolChoice ? `, tool choice ${toolChoice}` : ""}`,
        callerNeeds: ["parallel tool calls switch"],
        upstreamNeeds: ["parallel tool calls switch"],
      })
    ),
    one({ request: () => ({ ...hi(), tools: TOOLS }), reply: TWO_CALLS }, {
      name: "two tool calls, their arguments split anywhere",
    }),
    one({
      request: () => ({ ...hi(), tools: TOOLS }),
      reply: { ...TWO_CALLS, blocks: [text("\n\n"), ...TWO_CALLS.blocks.slice(1)] },
      check: (answer, { ck }) => {
        const texts = answer.blocks.filter((b) => b.type === "text");
        // GLM and Kimi send it; Anthropic refuses such a block when Claude Code sends it back.
        if (ck.lacks["blank text"]) assert.deepEqual(texts, []);
        else assert.ok(texts.every((b) => b.type === "text" && b.text === "\n\n"), answer.text);
        assert.deepEqual(
          answer.blocks.flatMap((b) => b.type === "tool_call" ? [b.name] : []),
          ["get_weather", "get_time"],
        );
        assert.equal(answer.stop, "tool");
      },
    }, { name: "whitespace-only text beside tool calls" }),
    history(),
    unanswered(),
    longName(),
    longIds(),
  ];
}

/** A finished tool loop: two calls, their results (one an error) and the user's text after. */
function history(): Scenario {
  return one({
    request: () => ({
      tools: TOOLS,
      turns: [
        { role: "user", parts: [text("Weather and time in Paris")] },
        {
          role: "assistant",
          parts: [
            text("Checking both."),
            { type: "tool_call", id: "call_a", name: "get_weather", args: { city: "Paris" } },
            { type: "tool_call", id: "call_b", name: "get_time", args: {} },
          ],
        },
        {
          role: "user",
          parts: [
            {
              type: "tool_result",
              callId: "call_b",
              name: "get_time",
              content: [text("timeout")],
              isError: true,
            },
            { type: "tool_result", callId: "call_a", name: "get_weather", content: [text("18°C")] },
            text("Also, be quick."),
            IMAGE,
          ],
        },
      ],
    }),
    reply: HELLO,
    checkSent: (sent, { ck, uk, upstream }, received) => {
      assert.deepEqual(sent.turns.map((t) => t.role), ["user", "assistant", "user"]);
      const calls = sent.turns[1].parts.filter((p) => p.type === "tool_call");
      assert.deepEqual(calls.map((c) => [c.id, c.name, c.args]), [
        ["call_a", "get_weather", { city: "Paris" }],
        ["call_b", "get_time", {}],
      ]);
      assert.deepEqual(calls.map((c) => c.signature), [uk.unsignedCall, undefined]);
      for (const mark of foreignMarks(upstream)) assert.ok(!received.body.includes(mark), mark);
      assert.deepEqual(texts(sent.turns[1].parts), ["Checking both."]);
      const parts = sent.turns[2].parts;
      const results = parts.flatMap((p) => p.type === "tool_result" ? [p] : []);
      const byId = Object.fromEntries(results.map((r) => [r.id, r]));
      assert.deepEqual(results.map((r) => r.id), ["call_b", "call_a"], "in the caller's order");
      assert.equal(byId.call_a.text, "18°C");
      assert.equal(byId.call_a.isError, false);
      // An error the upstream's dialect cannot flag is said in the text (OpenAI: "Error: …").
      const flagged = !ck.lacks["error results"];
      assert.equal(byId.call_b.isError, flagged && !uk.lacks["error results"]);
      const said = flagged && uk.lacks["error results"];
      assert.equal(byId.call_b.text, said ? "Error: timeout" : "timeout");
      for (const r of results) {
        if (r.name !== undefined) {
          assert.equal(r.name, r.id === "call_a" ? "get_weather" : "get_time");
        }
      }
      // The results first, then what the user added, in the same turn.
      assert.deepEqual(parts.slice(results.length), [text("Also, be quick."), IMAGE]);
    },
  }, { name: "tool results after their calls, then the user's text and image, errors marked" });
}

/** A call the user interrupted: it must still be answered before the upstream sees the turn. */
function unanswered(): Scenario {
  return one({
    request: () => ({
      tools: TOOLS,
      turns: [
        { role: "user", parts: [text("Time?")] },
        {
          role: "assistant",
          parts: [{ type: "tool_call", id: "call_x", name: "get_time", args: {} }],
        },
        { role: "user", parts: [text("Never mind, say hi.")] },
      ],
    }),
    reply: HELLO,
    checkSent: (sent, { uk }) => {
      const parts = sent.turns.at(-1)!.parts;
      const result = parts.find((p) => p.type === "tool_result");
      assert.ok(result?.type === "tool_result", JSON.stringify(sent.body));
      assert.equal(result.id, "call_x");
      assert.equal(result.text, "(no result: the call was not answered)");
      assert.equal(result.isError, !uk.lacks["error results"]);
      assert.deepEqual(texts(parts), ["Never mind, say hi."]);
    },
  }, { name: "a call the caller left unanswered gets an error result" });
}

function longName(): Scenario {
  return one({
    request: () => ({
      tools: [{
        name: LONG_NAME,
        schema: { type: "object", properties: { url: { type: "string" } } },
      }],
      toolChoice: { name: LONG_NAME },
      turns: [
        { role: "user", parts: [text("Go")] },
        {
          role: "assistant",
          parts: [{ type: "tool_call", id: "call_0", name: LONG_NAME, args: { url: "a" } }],
        },
        {
          role: "user",
          parts: [{
            type: "tool_result",
            callId: "call_0",
            name: LONG_NAME,
            content: [text("ok")],
          }],
        },
      ],
    }),
    reply: (sent) => ({
      blocks: [{ type: "tool_call", id: "call_1", name: sent.tools[0].name, args: { url: "b" } }],
      stop: "tool",
      usage,
    }),
    checkSent: (sent, { uk }) => {
      const name = sent.tools[0].name;
      assert.ok(name.length <= uk.limits.toolName && /^[A-Za-z0-9_-]+$/.test(name), name);
      assert.deepEqual(sent.toolChoice, { name });
      const call = sent.turns[1].parts.find((p) => p.type === "tool_call");
      assert.equal(
        call?.type === "tool_call" && call.name,
        name,
        "the history's call renamed alike",
      );
    },
    check: (answer) => {
      assert.equal(answer.blocks[0]?.type === "tool_call" && answer.blocks[0].name, LONG_NAME);
      assert.equal(answer.stop, "tool");
    },
  }, { name: "a tool name over 64 characters is fitted upstream and restored" });
}

function longIds(): Scenario {
  const ids = [
    "list_background_processes_1763990000000_0__x_c2lnbmF0dXJl",
    "mcp__plugin_github_github__list_pull_request_reviews_1732451234567_1",
  ];
  return one({
    request: () => ({
      tools: [{ name: "list" }, { name: "review" }],
      turns: [
        { role: "user", parts: [text("List and review.")] },
        {
          role: "assistant",
          parts: [
            { type: "tool_call", id: ids[0], name: "list", args: {} },
            { type: "tool_call", id: ids[1], name: "review", args: {} },
          ],
        },
        {
          role: "user",
          parts: [
            { type: "tool_result", callId: ids[0], name: "list", content: [text("none")] },
            { type: "tool_result", callId: ids[1], name: "review", content: [text("ok")] },
          ],
        },
      ],
    }),
    reply: HELLO,
    checkSent: (sent, { uk }) => {
      const calls = sent.turns[1].parts.flatMap((p) => p.type === "tool_call" ? [p] : []);
      const results = sent.turns[2].parts.flatMap((p) => p.type === "tool_result" ? [p] : []);
      assert.deepEqual(
        results.map((r) => r.id),
        calls.map((c) => c.id),
        "results match their calls",
      );
      const present = calls.flatMap((c) => c.id === undefined ? [] : [c.id]);
      assert.equal(new Set(present).size, present.length, "ids stay apart");
      for (const id of present) {
        assert.ok(id.length <= uk.limits.callId && /^[A-Za-z0-9_-]+$/.test(id), id);
      }
      // Gemini's ids are optional: one it cannot take is left out, the call found by its name.
      if (uk.callIds) assert.equal(present.length, 2);
      else assert.deepEqual(results.map((r) => r.name), ["list", "review"]);
      if (ids[0].length <= uk.limits.callId) {
        assert.equal(calls[0].id, ids[0], "an id that fits is kept");
      }
    },
  }, { name: "call ids over the upstream's limit are fitted alike on calls and results" });
}
