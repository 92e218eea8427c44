/**
 * Routing from every caller to every upstream dialect, in every mode the caller has: a router's
 * conditions, alone and together, pick the entry that serves the request; that entry's upstream
 * alone receives it, with the entry's own key, and the caller gets a complete answer under the
 * name it sent, with `x-proxy-model` naming the entry.
 */
import assert from "node:assert/strict";
import type { Dialect } from "../../lib/ir/types.ts";
import { json, mockFetch, proxyHandler } from "../_harness.ts";
import { chunked } from "./_exchange.ts";
import type { Conversation, Feature, Mode, Reply } from "./wire/kit.ts";
import { DIALECTS, KITS } from "./wire/kits.ts";

const MOCK_URL = "http://127.0.0.1:9";
const CALLER_KEY = "sk-caller-0000";

/** The rules, in order: rule n routes to `r<n>-<target>`, the default to `r8-<other>`. */
function modelsYaml(caller: Dialect, target: Dialect, other: Dialect): string {
  const entry = (rule: number, dialect: Dialect) =>
    [
      `- model_id: r${rule}-${dialect}`,
      `  model_name: ${KITS[dialect].upstream.model}`,
      `  api_base: ${KITS[dialect].upstream.apiBase(MOCK_URL)}`,
      `  format: ${dialect}`,
      `  api_key: ${keyOf(rule, dialect)}`,
      "  max_tokens: 16K",
    ].join("\n");
  const entries = [1, 2, 3, 4, 5, 6, 7].map((rule) => entry(rule, target));
  entries.push(entry(8, other));
  return `${entries.join("\n")}
- model_id: router
  aliases: ["routed-*"]
  route:
    - {when: {model: "*haiku*"}, to: r1-${target}}
    - {when: {server_tool: web_search}, to: r2-${target}}
    - {when: {images: true, thinking: true}, to: r3-${target}}
    - {when: {images: true}, to: r4-${target}}
    - {when: {input_tokens_over: 3000}, to: r5-${target}}
    - {when: {thinking: true}, to: r6-${target}}
    - {when: {caller: ${caller}, model: "*-by-caller"}, to: r7-${target}}
    - to: r8-${other}
`;
}

function keyOf(rule: number, dialect: Dialect): string {
  return `sk-route-${rule}-${dialect}-0000`;
}

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

interface Case {
  name: string;
  /** The model name the caller sends. */
  model: string;
  conversation: Conversation;
  /** The rule that must pick the entry. */
  rule: number;
  callerNeeds?: Feature[];
}

const hello = (extra: Partial<Conversation> = {}, text = "hello"): Conversation => ({
  turns: [{ role: "user", parts: [{ type: "text", text }] }],
  ...extra,
});

const withImage = (extra: Partial<Conversation> = {}): Conversation => ({
  turns: [{
    role: "user",
    parts: [{ type: "text", text: "what is it?" }, {
      type: "image",
      source: { mediaType: "image/png", data: PNG },
    }],
  }],
  ...extra,
});

const LONG = "a long prompt ".repeat(2000);

const CASES: Case[] = [
  {
    name: "no condition holds: the default",
    model: "routed-plain",
    conversation: hello(),
    rule: 8,
  },
  {
    name: "model, before the image and the effort",
    model: "routed-haiku",
    conversation: withImage({ effort: "high" }),
    rule: 1,
  },
  {
    name: "server_tool",
    model: "routed-x",
    conversation: hello({ webSearch: true }),
    rule: 2,
    callerNeeds: ["web search"],
  },
  {
    name: "server_tool, before thinking",
    model: "routed-x",
    conversation: hello({ webSearch: true, effort: "high" }),
    rule: 2,
    callerNeeds: ["web search"],
  },
  {
    name: "images and thinking together",
    model: "routed-x",
    conversation: withImage({ effort: "high" }),
    rule: 3,
  },
  { name: "images", model: "routed-x", conversation: withImage(), rule: 4 },
  {
    name: "input_tokens_over, before thinking",
    model: "routed-x",
    conversation: hello({ effort: "low" }, LONG),
    rule: 5,
  },
  { name: "input_tokens_over", model: "routed-x", conversation: hello({}, LONG), rule: 5 },
  { name: "thinking", model: "routed-x", conversation: hello({ effort: "low" }), rule: 6 },
  { name: "caller and model", model: "routed-by-caller", conversation: hello(), rule: 7 },
];

const REPLY: Reply = {
  blocks: [{ type: "text", text: "routed" }],
  stop: "end",
  usage: { input: 10, output: 2 },
};

async function runCase(c: Case, caller: Dialect, target: Dialect, mode: Mode): Promise<void> {
  const other = DIALECTS[(DIALECTS.indexOf(target) + 1) % DIALECTS.length];
  const served = c.rule === 8 ? other : target;
  const entry = `r${c.rule}-${served}`;
  const uk = KITS[served].upstream;
  const ck = KITS[caller].caller;
  const mock = mockFetch((received) => {
    if (!uk.wantsStream(received)) return json(uk.json(REPLY));
    const { body, type } = uk.stream(REPLY, received);
    return chunked(body, 7, { headers: { "content-type": type } });
  });
  const proxy = proxyHandler(modelsYaml(caller, target, other), {}, {}, {}, mock.fetch);
  try {
    const call = ck.request(c.conversation, { model: c.model, mode, key: CALLER_KEY });
    const response = await proxy.handler(
      new Request(`http://127.0.0.1:8082${call.path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...call.headers },
        body: JSON.stringify(call.body),
      }),
    );
    const text = await response.text();
    assert.equal(response.status, 200, text);
    assert.equal(response.headers.get("x-proxy-model"), entry);
    assert.equal(mock.received.length, 1, "one upstream call");
    uk.checkEnvelope(mock.received[0], {
      stream: mode !== "whole",
      model: uk.model,
      key: keyOf(c.rule, served),
      passThrough: caller === served ? mode : undefined,
    });
    const answer = ck.read({ status: response.status, headers: response.headers, text }, mode);
    assert.ok(answer.finished, text);
    assert.deepEqual(answer.blocks, [{ type: "text", text: "routed" }]);
    if (ck.namesModel) assert.equal(answer.model, c.model, "the name the caller sent");
  } finally {
    await proxy.recorder.close();
  }
}

for (const caller of DIALECTS) {
  for (const target of DIALECTS) {
    Deno.test(`routing: ${caller} caller, rules to ${target}`, async (t) => {
      for (const c of CASES) {
        const lacks = c.callerNeeds?.map((f) => KITS[caller].caller.lacks[f]).find(Boolean);
        for (const mode of KITS[caller].caller.modes) {
          await t.step({
            name: `${c.name} (${mode})${lacks ? ` — skipped: ${lacks}` : ""}`,
            ignore: lacks !== undefined,
            fn: () => runCase(c, caller, target, mode),
          });
        }
      }
    });
  }
}
