import assert from "node:assert/strict";
import { Assembler } from "./assembler.ts";
import type { StreamEvent } from "./types.ts";

function assembler() {
  let n = 0;
  return new Assembler({ id: "msg_1", model: "m", newCallId: () => `call_${++n}` });
}

/** Checks the strict-stream rules every encoder relies on and returns the events. */
function checkStrict(events: StreamEvent[]): StreamEvent[] {
  let open: number | undefined;
  let next = 0;
  for (const e of events) {
    if (e.type === "block_start") {
      assert.equal(open, undefined, "one block open at a time");
      assert.equal(e.index, next++, "indices in order");
      open = e.index;
    } else if (e.type === "block_delta") {
      assert.equal(e.index, open, "no delta outside its block");
    } else if (e.type === "block_stop") {
      assert.equal(e.index, open);
      open = undefined;
    }
  }
  return events;
}

function argsOf(events: StreamEvent[], index: number): string {
  return events.flatMap((e) =>
    e.type === "block_delta" && e.index === index && e.delta.type === "tool_args"
      ? [e.delta.json]
      : []
  ).join("");
}

Deno.test("Assembler gives thinking, text and a call their own blocks in order", () => {
  const a = assembler();
  a.start({ id: "up_1", usage: { inputTokens: 5 } });
  a.thinking("hmm");
  a.text("Hi");
  a.toolCall("0", { id: "c1", name: "Read", args: '{"path":' });
  a.toolCall("0", { args: '"a"}' });
  a.finish("end_turn");
  a.addUsage({ outputTokens: 9 });
  a.end();
  const events = checkStrict(a.drain());
  assert.deepEqual(events.map((e) => e.type), [
    "message_start",
    "block_start",
    "block_delta",
    "block_delta",
    "block_stop",
    "block_start",
    "block_delta",
    "block_stop",
    "block_start",
    "block_delta",
    "block_delta",
    "block_stop",
    "message_delta",
    "message_stop",
  ]);
  assert.deepEqual(events[0], {
    type: "message_start",
    id: "up_1",
    model: "m",
    usage: {
      inputTokens: 5,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    },
  });
  assert.deepEqual(events[3], {
    type: "block_delta",
    index: 0,
    delta: { type: "signature", signature: { origin: "proxy", value: "" } },
  });
  assert.equal(argsOf(events, 2), '{"path":"a"}');
  const delta = events[12];
  assert.equal(delta.type === "message_delta" && delta.stopReason, "tool_use");
  assert.equal(delta.type === "message_delta" && delta.usage.outputTokens, 9);
});

Deno.test("Assembler keeps interleaved tool calls apart, each one block of valid JSON", () => {
  const a = assembler();
  a.toolCall("0", { id: "a", name: "A", args: '{"x":' });
  a.toolCall("1", { id: "b", name: "B", args: '{"y":' });
  a.toolCall("0", { args: "1}" });
  a.toolCall("1", { args: "2}" });
  a.finish("tool_use");
  a.end();
  const events = checkStrict(a.drain());
  const starts = events.filter((e) => e.type === "block_start");
  assert.deepEqual(starts.map((e) => e.type === "block_start" && e.block), [
    { type: "tool_call", id: "a", name: "A" },
    { type: "tool_call", id: "b", name: "B" },
  ]);
  assert.deepEqual(JSON.parse(argsOf(events, 0)), { x: 1 });
  assert.deepEqual(JSON.parse(argsOf(events, 1)), { y: 2 });
});

Deno.test("Assembler streams sequential calls live: the next call closes a complete one", () => {
  const a = assembler();
  a.toolCall("0", { id: "a", name: "A", args: '{"x":1}' });
  a.toolCall("1", { id: "b", name: "B" });
  const events = checkStrict(a.drain());
  assert.deepEqual(events.map((e) => e.type), [
    "message_start",
    "block_start",
    "block_delta",
    "block_stop",
    "block_start",
  ]);
});

Deno.test("Assembler sends {} for a call without arguments and makes missing ids", () => {
  const a = assembler();
  a.toolCall("0", { name: "Now" });
  a.finish("tool_use");
  a.end();
  const events = checkStrict(a.drain());
  const start = events.find((e) => e.type === "block_start");
  assert.deepEqual(start?.type === "block_start" && start.block, {
    type: "tool_call",
    id: "call_1",
    name: "Now",
  });
  assert.equal(argsOf(events, 0), "{}");
});

Deno.test("Assembler ignores empty text and holds a thinking signature to the block's end", () => {
  const a = assembler();
  a.text("");
  a.thinking("a");
  a.thinkingSignature({ origin: "anthropic", value: "sig" });
  a.thinking("b");
  a.text("answer");
  a.finish("end_turn");
  a.end();
  const events = checkStrict(a.drain());
  const deltas = events.filter((e) => e.type === "block_delta" && e.index === 0);
  assert.deepEqual(deltas.map((e) => e.type === "block_delta" && e.delta), [
    { type: "thinking", text: "a" },
    { type: "thinking", text: "b" },
    { type: "signature", signature: { origin: "anthropic", value: "sig" } },
  ]);
});

Deno.test("Assembler turns a stream without a finish into an error, not a normal end", () => {
  const a = assembler();
  a.text("partial");
  a.end();
  const events = checkStrict(a.drain());
  const last = events.at(-1)!;
  assert.equal(last.type, "error");
  assert.equal(last.type === "error" && last.error.status, 502);
  assert.ok(!events.some((e) => e.type === "message_stop"));
});

Deno.test("Assembler emits nothing after a failure", () => {
  const a = assembler();
  a.text("x");
  a.fail(new (class extends Error {})() as never);
  a.text("more");
  a.end();
  const types = a.drain().map((e) => e.type);
  assert.deepEqual(types, ["message_start", "block_start", "block_delta", "error"]);
});

Deno.test("Assembler drops whitespace-only text before a call, keeps it before real text", () => {
  const a = assembler();
  a.text("\n\n");
  a.toolCall("0", { id: "c", name: "Read", args: "{}" });
  a.text("\n");
  a.finish("tool_use");
  a.end();
  const events = checkStrict(a.drain());
  const starts = events.flatMap((e) => e.type === "block_start" ? [e.block.type] : []);
  assert.deepEqual(starts, ["tool_call"], "no whitespace-only text block, before or after");

  const b = assembler();
  b.text("\n\n");
  b.text("Done.");
  b.text("\n");
  b.finish("end_turn");
  b.end();
  const texts = b.drain().flatMap((e) =>
    e.type === "block_delta" && e.delta.type === "text" ? [e.delta.text] : []
  );
  assert.deepEqual(texts, ["\n\nDone.", "\n"]);
});

/** Runs `body` with `String.prototype.trim` counting the characters it is asked to look at. */
function countingTrim(body: () => void): number {
  const original = String.prototype.trim;
  let examined = 0;
  String.prototype.trim = function (this: string) {
    examined += this.length;
    return original.call(this);
  };
  try {
    body();
  } finally {
    String.prototype.trim = original;
  }
  return examined;
}

Deno.test("Assembler looks at each whitespace delta once, however much whitespace it holds", () => {
  const a = assembler();
  const delta = " \n".repeat(50);
  const examined = countingTrim(() => {
    for (let i = 0; i < 2000; i++) a.text(delta);
    a.text("done");
  });
  const total = 2000 * delta.length + 4;
  assert.ok(examined <= 2 * total, `examined ${examined} characters of ${total}`);
  const events = checkStrict(a.drain());
  const texts = events.flatMap((e) =>
    e.type === "block_delta" && e.delta.type === "text" ? [e.delta.text] : []
  );
  assert.equal(texts.join(""), delta.repeat(2000) + "done", "the whitespace before text is kept");
});

Deno.test("Assembler reads an open call's arguments once, not again for each piece of another call", () => {
  const original = JSON.parse;
  let parsed = 0;
  JSON.parse = ((text: string, reviver?: (k: string, v: unknown) => unknown) => {
    parsed += text.length;
    return original(text, reviver);
  }) as typeof JSON.parse;
  const a = assembler();
  const unclosed = '{"path": "a}' + "}".repeat(100_000); // ends in } but the string never closes
  try {
    a.toolCall("0", { id: "a", name: "A", args: unclosed });
    for (let i = 0; i < 1000; i++) a.toolCall("1", { id: "b", name: "B", args: i ? " " : "{" });
    a.toolCall("1", { args: "}" });
  } finally {
    JSON.parse = original;
  }
  assert.ok(parsed < 100_000, `parsed ${parsed} characters`);
  a.finish("tool_use");
  a.end();
  const events = checkStrict(a.drain());
  // The string never closed: the arguments end as an object keeping their text.
  assert.equal(JSON.parse(argsOf(events, 0))._raw_arguments, unclosed);
  assert.equal(argsOf(events, 1), "{" + " ".repeat(999) + "}");
});

Deno.test("Assembler fails a stream whose tool-call arguments pass maxArgumentChars", () => {
  const a = new Assembler({ id: "m", model: "m", newCallId: () => "c", maxArgumentChars: 1000 });
  a.toolCall("0", { id: "a", name: "A", args: "{" + " ".repeat(990) });
  a.toolCall("0", { args: " ".repeat(20) + "}" });
  const events = a.drain();
  const last = events.at(-1);
  assert.equal(last?.type, "error");
  assert.match(last?.type === "error" ? last.error.message : "", /longer than 1000 characters/);
  assert.equal(a.done, true);
});

Deno.test("Assembler closes arguments that are not JSON into an object keeping their text, with a warning", () => {
  const a = assembler();
  a.toolCall("0", { id: "c1", name: "run", args: "ls " });
  a.toolCall("0", { args: "-la" });
  a.toolCall("1", { id: "c2", name: "write", args: '{"path": "a.txt", "n": 1' });
  a.finish("tool_use");
  a.end();
  const events = checkStrict(a.drain());
  assert.deepEqual(JSON.parse(argsOf(events, 0)), { _raw_arguments: "ls -la" });
  // The number that never ended was not sent: its member is closed as null.
  assert.deepEqual(JSON.parse(argsOf(events, 1)), {
    path: "a.txt",
    n: null,
    _raw_arguments: '{"path": "a.txt", "n": 1',
  });
  assert.deepEqual(a.warnings, [
    'Tool call "run" had arguments that are not a JSON object',
    'Tool call "write" had arguments that are not a JSON object',
  ]);
});

Deno.test("Assembler gives a web search and its results blocks of their own, after the text so far", () => {
  const a = assembler();
  a.text("Let me look. ");
  a.text("\n\n");
  a.webSearchCall("srvtoolu_1", "deno release");
  a.webSearchResult("srvtoolu_1", [{ url: "https://deno.com", title: "Deno" }]);
  a.text("Deno 2.9 is out.");
  a.finish("end_turn");
  a.addUsage({ outputTokens: 3, serverToolUse: { webSearchRequests: 1 } });
  a.end();
  const events = checkStrict(a.drain());
  const blocks = events.flatMap((e) => e.type === "block_start" ? [e.block] : []);
  assert.deepEqual(blocks, [
    { type: "text" },
    { type: "web_search_call", id: "srvtoolu_1", query: "deno release" },
    {
      type: "web_search_result",
      callId: "srvtoolu_1",
      sources: [{ url: "https://deno.com", title: "Deno" }],
    },
    { type: "text" },
  ]);
  const texts = events.flatMap((e) =>
    e.type === "block_delta" && e.delta.type === "text" ? [e.delta.text] : []
  );
  // whitespace that follows open text stays in that block; the search closes it
  assert.deepEqual(texts, ["Let me look. ", "\n\n", "Deno 2.9 is out."]);
  const end = events.find((e) => e.type === "message_delta");
  assert.ok(end?.type === "message_delta");
  assert.equal(end.stopReason, "end_turn", "a search is no tool call of the caller's");
  assert.deepEqual(end.usage.serverToolUse, { webSearchRequests: 1 });
});

Deno.test("Assembler keeps a search's error code, and later usage replaces the search count", () => {
  const a = assembler();
  a.webSearchCall("s1", "q");
  a.webSearchResult("s1", [], "max_uses_exceeded");
  a.addUsage({ serverToolUse: { webSearchRequests: 1 } });
  a.addUsage({ serverToolUse: { webSearchRequests: 2 }, outputTokens: 4 });
  a.finish("end_turn");
  a.end();
  const events = checkStrict(a.drain());
  const result = events.find((e) => e.type === "block_start" && e.index === 1);
  assert.deepEqual(result?.type === "block_start" && result.block, {
    type: "web_search_result",
    callId: "s1",
    sources: [],
    errorCode: "max_uses_exceeded",
  });
  const end = events.find((e) => e.type === "message_delta");
  assert.ok(end?.type === "message_delta");
  assert.deepEqual(end.usage.serverToolUse, { webSearchRequests: 2 });
  assert.equal(end.usage.outputTokens, 4);
});
