import assert from "node:assert/strict";
import { parseModels } from "../config/models.ts";
import { isRouter, type RouterEntry } from "../config/router.ts";
import { CODECS } from "../dialects.ts";
import type { Dialect, ImagePart, Part, Request, TextPart } from "../ir/types.ts";
import { chooseRoute } from "./choose_route.ts";

/** Models a, b, c… on one host, and a router `r` whose rules are `rules` (YAML flow items). */
function router(...rules: string[]): RouterEntry {
  const targets = "abcdefgh".split("").map((id) => `- {model_id: ${id}, api_base: 'https://h'}`);
  const yaml = `${targets.join("\n")}\n- {model_id: r, route: [${rules.join(", ")}]}\n`;
  const entry = parseModels(yaml, "models.yaml", () => undefined).resolve("r")!;
  assert.ok(isRouter(entry));
  return entry;
}

function request(extra: Partial<Request> = {}, content: Part[] = [text("hi")]): Request {
  return {
    model: "m",
    stream: false,
    system: [],
    messages: [{ role: "user", content }],
    tools: [],
    ...extra,
  };
}

function text(value: string): TextPart {
  return { type: "text", text: value };
}

const image: ImagePart = {
  type: "image",
  source: { kind: "base64", mediaType: "image/png", data: "" },
};

/** The model_id `r` picks, and how often the request was decoded. */
function pick(
  r: RouterEntry,
  req: Request,
  { caller = "anthropic", model = "m" }: { caller?: Dialect; model?: string } = {},
): { to: string; rule: number; decoded: number } {
  let decoded = 0;
  const choice = chooseRoute(r, {
    caller,
    model,
    request: () => (decoded++, req),
    images: CODECS[caller].imageTokens,
  });
  return { to: choice.model.modelId, rule: choice.rule, decoded };
}

Deno.test("chooseRoute() takes the default when no rule holds", () => {
  const r = router("{when: {images: true}, to: a}", "{to: b}");
  assert.deepEqual(pick(r, request()), { to: "b", rule: 2, decoded: 1 });
});

Deno.test("chooseRoute() model: a glob on the name as sent, [1m] included, decoding nothing", () => {
  const r = router(
    "{when: {model: 'claude-*haiku*'}, to: a}",
    "{when: {model: '*[1m]'}, to: b}",
    "{to: c}",
  );
  assert.deepEqual(pick(r, request(), { model: "claude-haiku-4-5-20251001" }), {
    to: "a",
    rule: 1,
    decoded: 0,
  });
  assert.equal(pick(r, request(), { model: "claude-opus-4-7[1m]" }).to, "b");
  assert.deepEqual(pick(r, request(), { model: "claude-sonnet-4-5" }), {
    to: "c",
    rule: 3,
    decoded: 0,
  });
});

Deno.test("chooseRoute() caller: the dialect the request came in, decoding nothing", () => {
  const r = router("{when: {caller: gemini}, to: a}", "{when: {caller: openai}, to: b}", "{to: c}");
  assert.deepEqual(pick(r, request(), { caller: "gemini" }), { to: "a", rule: 1, decoded: 0 });
  assert.equal(pick(r, request(), { caller: "openai" }).to, "b");
  assert.equal(pick(r, request(), { caller: "anthropic" }).to, "c");
});

Deno.test("chooseRoute() thinking: enabled, or an effort; never adaptive alone, disabled or absent", () => {
  const yes = router("{when: {thinking: true}, to: a}", "{to: b}");
  const no = router("{when: {thinking: false}, to: a}", "{to: b}");
  const cases: Array<[Request["thinking"], boolean]> = [
    [undefined, false],
    [{ mode: "disabled" }, false],
    [{ mode: "enabled", budgetTokens: 2048 }, true],
    [{ mode: "enabled", effort: "low" }, true],
    [{ mode: "adaptive" }, false],
    [{ mode: "adaptive", effort: "high" }, true],
  ];
  for (const [thinking, thinks] of cases) {
    const req = request(thinking ? { thinking } : {});
    assert.equal(pick(yes, req).to, thinks ? "a" : "b", JSON.stringify(thinking));
    assert.equal(pick(no, req).to, thinks ? "b" : "a", JSON.stringify(thinking));
  }
});

Deno.test("chooseRoute() images: an image or document anywhere, tool results included", () => {
  const yes = router("{when: {images: true}, to: a}", "{to: b}");
  const no = router("{when: {images: false}, to: a}", "{to: b}");
  const document: Part = {
    type: "document",
    source: { kind: "url", url: "https://x/a.pdf" },
  };
  const inResult: Part = {
    type: "tool_result",
    toolCallId: "t",
    content: [text("see"), image],
    isError: false,
  };
  const textResult: Part = {
    type: "tool_result",
    toolCallId: "t",
    content: [text("x")],
    isError: false,
  };
  for (
    const [content, has] of [[[image], true], [[document], true], [[inResult], true], [
      [textResult, text("no media")],
      false,
    ]] as Array<[Part[], boolean]>
  ) {
    assert.equal(pick(yes, request({}, content)).to, has ? "a" : "b");
    assert.equal(pick(no, request({}, content)).to, has ? "b" : "a");
  }
});

Deno.test("chooseRoute() server_tool: a declared search or fetch, never a client tool of that name", () => {
  const r = router(
    "{when: {server_tool: web_search}, to: a}",
    "{when: {server_tool: web_fetch}, to: b}",
    "{to: c}",
  );
  // Claude Code's client tool WebSearch is an ordinary tool: no server tool is declared.
  const client = request({
    tools: [{ name: "WebSearch", inputSchema: { type: "object" } }],
  });
  assert.equal(pick(r, client).to, "c");
  assert.equal(pick(r, request({ webSearch: {} })).to, "a");
  assert.equal(
    pick(r, request({ serverTools: [{ type: "web_search_20260209", name: "web_search" }] })).to,
    "a",
  );
  assert.equal(
    pick(r, request({ serverTools: [{ type: "web_fetch_20250910", name: "web_fetch" }] })).to,
    "b",
  );
  assert.equal(pick(r, request({ serverTools: [{ type: "code_execution_20250825" }] })).to, "c");
});

Deno.test("chooseRoute() input_tokens_over: the proxy's estimate against the threshold", () => {
  const r = router("{when: {input_tokens_over: 1000}, to: a}", "{to: b}");
  assert.equal(pick(r, request({}, [text("word ".repeat(50))])).to, "b", "well under");
  assert.equal(pick(r, request({}, [text("word ".repeat(3000))])).to, "a", "well over");
  // The cheap bound (two tokens a character) is over 1000, the estimate is not.
  assert.equal(pick(r, request({}, [text("word ".repeat(150))])).to, "b");
});

Deno.test("chooseRoute() needs every condition of a rule, takes the first rule that holds, and decodes once", () => {
  const r = router(
    "{when: {model: '*haiku*'}, to: a}",
    "{when: {images: true, thinking: true}, to: b}",
    "{when: {images: true}, to: c}",
    "{when: {thinking: true, caller: openai}, to: d}",
    "{when: {thinking: true}, to: e}",
    "{to: f}",
  );
  const thinking = { thinking: { mode: "adaptive" as const, effort: "high" as const } };
  assert.deepEqual(pick(r, request(thinking, [image]), { model: "claude-haiku" }), {
    to: "a",
    rule: 1,
    decoded: 0,
  });
  assert.deepEqual(pick(r, request(thinking, [image])), { to: "b", rule: 2, decoded: 1 });
  assert.equal(pick(r, request({}, [image])).to, "c");
  assert.equal(pick(r, request(thinking), { caller: "openai" }).to, "d");
  assert.deepEqual(pick(r, request(thinking)), { to: "e", rule: 5, decoded: 1 });
  assert.deepEqual(pick(r, request()), { to: "f", rule: 6, decoded: 1 });
});

const FIXTURE = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../tests/fixtures/requests/claude_code_request.json", import.meta.url),
  ),
);

/** Claude Code's request (or a change of it) as the router reads it. */
function claudeCode(change: (body: any) => void = () => {}): Request {
  const body = structuredClone(FIXTURE);
  change(body);
  return CODECS.anthropic.decodeRequest(body, { model: body.model, stream: true }).value;
}

/** The example router of the docs, in its order: the search before thinking. */
const EXAMPLE = [
  "{when: {model: 'claude-*haiku*'}, to: a}",
  "{when: {server_tool: web_search}, to: b}",
  "{when: {images: true}, to: c}",
  "{when: {input_tokens_over: 100000}, to: d}",
  "{when: {thinking: true}, to: e}",
  "{to: f}",
];

Deno.test("chooseRoute(): Claude Code's client WebSearch tool and its thinking key alone route nowhere", () => {
  const r = router(...EXAMPLE);
  const sonnet = { model: "claude-sonnet-4-5" };
  const plain = claudeCode((body) => {
    delete body.thinking;
    delete body.output_config;
  });
  assert.ok(plain.tools.some((tool) => tool.name === "WebSearch"), "the fixture has the tool");
  assert.equal(pick(r, plain, sonnet).to, "f", "no thinking, no server tool: the default");
  const disabled = claudeCode((body) => body.thinking = { type: "disabled" });
  assert.equal(pick(r, disabled, sonnet).to, "f", "a thinking key that says disabled");
  // As captured: adaptive thinking at effort high is thinking; adaptive alone is not.
  assert.equal(pick(r, claudeCode(), sonnet).to, "e");
  const adaptiveOnly = claudeCode((body) => delete body.output_config);
  assert.equal(pick(r, adaptiveOnly, sonnet).to, "f", "adaptive, declared on every request");
  const effortOnly = claudeCode((body) => delete body.thinking);
  assert.equal(pick(r, effortOnly, sonnet).to, "e", "an effort alone");
  const searching = claudeCode((body) =>
    body.tools.push({ type: "web_search_20250305", name: "web_search", max_uses: 8 })
  );
  assert.equal(pick(r, searching, sonnet).to, "b", "the server tool");
  assert.equal(pick(r, searching, { model: "claude-haiku-4-5" }).to, "a", "the first rule");
});

Deno.test("chooseRoute(): Claude Code's own search request goes to the search rule, not thinking", () => {
  // What Claude Code's WebSearch tool sends: the server tool, effort high, no thinking key.
  const search = CODECS.anthropic.decodeRequest({
    model: "claude-sonnet-4-5",
    max_tokens: 32000,
    messages: [{ role: "user", content: "Perform a web search for the query: deno 3 release" }],
    system: [{ type: "text", text: "You are an assistant for performing a web search tool use" }],
    tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 8 }],
    output_config: { effort: "high" },
    stream: true,
  }, { model: "claude-sonnet-4-5", stream: true }).value;
  assert.equal(pick(router(...EXAMPLE), search, { model: "claude-sonnet-4-5" }).to, "b");
  // The effort alone reads as thinking: a thinking rule put first would take the search.
  const thinkingFirst = [EXAMPLE[0], EXAMPLE[4], EXAMPLE[1], EXAMPLE[5]];
  assert.equal(pick(router(...thinkingFirst), search, { model: "claude-sonnet-4-5" }).to, "e");
});
