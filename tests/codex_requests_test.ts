/**
 * What the real Codex CLI sent (tests/fixtures/requests/codex_request*.json), converted for each
 * upstream dialect: its base prompt, a developer message, is the system prompt everywhere; calls
 * and outputs stay paired by call id and no item id goes up; its reasoning level survives. Then
 * each capture through the real server to a mock upstream of each dialect.
 */
import assert from "node:assert/strict";
import { anthropicCodec } from "../lib/anthropic/mod.ts";
import { geminiCodec } from "../lib/gemini/mod.ts";
import type { UpstreamTarget } from "../lib/ir/codec.ts";
import { openaiCodec } from "../lib/openai/mod.ts";
import { responsesCodec } from "../lib/responses/mod.ts";
import { startMock, startProxy } from "./_harness.ts";
import { DIALECTS, KEY, MODEL, modelsYaml, normalAnswer } from "./_reliability.ts";
import { KITS } from "./conformance/wire/kits.ts";

const CAPTURES = [
  "codex_request.json",
  "codex_request_turn2.json",
  "codex_request_turn3.json",
  "codex_request_mcp.json",
  "codex_request_tool_search.json",
];

function capture(name: string): any {
  return JSON.parse(Deno.readTextFileSync(new URL(`./fixtures/requests/${name}`, import.meta.url)));
}

const UPSTREAMS = {
  openai: openaiCodec,
  anthropic: anthropicCodec,
  gemini: geminiCodec,
  responses: responsesCodec,
} as const;

const TARGET: UpstreamTarget = { modelName: "upstream-model", maxTokens: 64000, stream: true };

/** The system prompt each dialect's body carries, as one text in order. */
function systemText(dialect: keyof typeof UPSTREAMS, body: any): string {
  switch (dialect) {
    case "openai": {
      const leading = [];
      for (const m of body.messages) {
        if (m.role !== "system" && m.role !== "developer") break;
        leading.push(typeof m.content === "string" ? m.content : m.content.map((p: any) => p.text));
      }
      return leading.flat().join("\n");
    }
    case "anthropic":
      return body.system.map((p: any) => p.text).join("\n");
    case "gemini":
      return body.systemInstruction.parts.map((p: any) => p.text).join("\n");
    case "responses":
      return body.instructions;
  }
}

function upstreamBodies(body: unknown) {
  const request = responsesCodec.decodeRequest(body, {}).value;
  return Object.entries(UPSTREAMS).map(([dialect, codec]) => ({
    dialect: dialect as keyof typeof UPSTREAMS,
    body: codec.encodeRequest(request, TARGET).value.body as any,
  }));
}

Deno.test("Codex's developer messages are the system prompt on every upstream, in order", () => {
  for (const name of CAPTURES) {
    const input = capture(name).input;
    const developer = input.filter((item: any) => item.role === "developer")
      .flatMap((item: any) => item.content.map((part: any) => part.text));
    assert.ok(developer.length >= 2, name);
    for (const { dialect, body } of upstreamBodies(capture(name))) {
      const system = systemText(dialect, body);
      assert.ok(system.startsWith(developer[0]), `${name} → ${dialect}: the base prompt first`);
      let at = 0;
      for (const text of developer) {
        const found = system.indexOf(text, at);
        assert.ok(found >= at, `${name} → ${dialect}: developer text in order`);
        at = found + text.length;
      }
      // and no developer text is left among the messages
      const rest = JSON.stringify(body.messages ?? body.contents ?? body.input);
      assert.ok(!rest.includes(developer[0].slice(0, 200)), `${name} → ${dialect}`);
    }
  }
});

Deno.test("Codex's calls reach every upstream paired by call_id, and no item id goes up", () => {
  for (const name of CAPTURES) {
    const input = capture(name).input;
    const itemIds = input.map((item: any) => item.id).filter(Boolean);
    const callIds: string[] = [...new Set<string>(input.flatMap((i: any) => i.call_id ?? []))];
    for (const { dialect, body } of upstreamBodies(capture(name))) {
      const text = JSON.stringify(body);
      for (const id of itemIds) assert.ok(!text.includes(id), `${name} → ${dialect}: ${id}`);
      for (const id of callIds) {
        // once on the call, once on its result
        assert.equal(text.split(`"${id}"`).length - 1, 2, `${name} → ${dialect}: ${id}`);
      }
    }
  }
});

Deno.test("Codex's namespaced, freeform and search tools are plain functions upstream", () => {
  const names = (dialect: string, body: any): string[] => {
    switch (dialect) {
      case "openai":
        return body.tools.map((t: any) => t.function.name);
      case "gemini":
        return body.tools[0].functionDeclarations.map((t: any) => t.name);
      default: // the function tools: Anthropic's server tools and Responses' built-ins have a type
        return body.tools.filter((t: any) => !t.type || t.type === "function").map((t: any) =>
          t.name
        );
    }
  };
  for (const { dialect, body } of upstreamBodies(capture("codex_request_tool_search.json"))) {
    const declared = names(dialect, body);
    for (const tool of ["apply_patch", "tool_search", "mcp__stub__lookup_word"]) {
      assert.ok(declared.includes(tool), `${dialect}: ${tool} in ${declared.join(", ")}`);
    }
    assert.ok(!declared.some((n) => n === "web_search" || n === "lookup_word"), dialect);
  }
  // its live web_search tool is each upstream's own search, where there is one
  const searchTool = (t: any) => t.googleSearch || (t.type && t.type !== "function");
  const searches = upstreamBodies(capture("codex_request_tool_search.json"))
    .map(({ dialect, body }) => [dialect, body.tools.filter(searchTool)]);
  assert.deepEqual(Object.fromEntries(searches), {
    openai: [],
    anthropic: [{ type: "web_search_20250305", name: "web_search" }],
    gemini: [], // "upstream-model" is no Gemini 3, which alone searches beside functions
    responses: [{ type: "web_search" }],
  });
  const anthropic = upstreamBodies(capture("codex_request_turn3.json"))[1].body;
  const patch = anthropic.messages.flatMap((m: any) => m.content)
    .find((b: any) => b.type === "tool_use" && b.name === "apply_patch");
  assert.deepEqual(patch.input, { input: capture("codex_request_turn3.json").input[8].input });
});

Deno.test("Codex's reasoning.effort reaches upstreams that take its level; none turns thinking off", () => {
  const effort = (value: string, codec: typeof openaiCodec, target: Partial<UpstreamTarget>) => {
    const body = {
      ...capture("codex_request.json"),
      reasoning: { effort: value, summary: "auto" },
    };
    const request = responsesCodec.decodeRequest(body, {}).value;
    const out = codec.encodeRequest(request, { ...TARGET, ...target }).value.body as any;
    return { thinking: out.thinking, effort: out.output_config?.effort ?? out.reasoning_effort };
  };
  const claude = { thinkingStyle: "adaptive" } as const;
  const deepseek = { thinkingStyle: "deepseek" } as const;
  assert.deepEqual(effort("xhigh", anthropicCodec, claude), {
    thinking: { type: "adaptive" },
    effort: "xhigh",
  });
  assert.deepEqual(effort("max", anthropicCodec, claude), {
    thinking: { type: "adaptive" },
    effort: "max",
  });
  assert.deepEqual(effort("max", openaiCodec, deepseek), {
    thinking: { type: "enabled" },
    effort: "max",
  });
  assert.deepEqual(effort("none", openaiCodec, deepseek), {
    thinking: { type: "disabled" },
    effort: undefined,
  });
});

Deno.test("each captured Codex request is served by the real server on each upstream dialect", async () => {
  const mock = startMock((req) => normalAnswer(req.path, req.json));
  const proxy = startProxy(modelsYaml(mock.url));
  try {
    for (const name of CAPTURES) {
      const sent = capture(name);
      const itemIds: string[] = sent.input.map((item: any) => item.id).filter(Boolean);
      const developer: string = sent.input.find((i: any) => i.role === "developer").content[0]
        .text;
      for (const dialect of DIALECTS) {
        const before = mock.received.length;
        const response = await fetch(`${proxy.url}/openai/v1/responses`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ ...sent, model: MODEL[dialect] }),
        });
        const result = { status: response.status, headers: response.headers };
        const answer = KITS.responses.caller.read(
          { ...result, text: await response.text() },
          "stream",
        );
        const pair = `${name} → ${dialect}`;
        assert.equal(answer.status, 200, pair);
        assert.ok(answer.finished, `${pair}: ${answer.text.slice(-300)}`);
        assert.deepEqual(answer.blocks, [{ type: "text", text: "ok" }], pair);
        assert.equal(mock.received.length, before + 1, pair);
        const upstream = mock.received.at(-1)!;
        // (Gemini names the model in its URL)
        const model = dialect === "gemini" ? upstream.path : upstream.json.model;
        assert.ok(model.includes(KITS[dialect].upstream.model), pair);
        if (dialect === "responses") {
          // passed through: Codex's own items, for an upstream that reads them as Codex's
          assert.deepEqual(upstream.json.input, sent.input, pair);
          continue;
        }
        assert.ok(upstream.body.includes(JSON.stringify(developer).slice(1, 200)), pair);
        for (const id of itemIds) assert.ok(!upstream.body.includes(`"${id}"`), `${pair}: ${id}`);
      }
    }
  } finally {
    await proxy.close();
    await mock.close();
  }
});
