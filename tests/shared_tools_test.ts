/**
 * A large request's `tools` sent again is reused, not parsed and written again
 * (lib/json/remembered_tools.ts). For every caller × upstream pair, a Claude-Code-sized request
 * is sent twice as Claude Code writes JSON (remembered or reused), then once indented, which is
 * never remembered: all three must reach the upstream byte for byte alike, and be answered alike. Each
 * caller's tools stay the same across the three upstreams, as in a session that switches models.
 */
import assert from "node:assert/strict";
import { CODECS } from "../lib/dialects.ts";
import { sharedToolsCounts } from "../lib/json/remembered_tools.ts";
import { startMock, startProxy } from "./_harness.ts";
import { DIALECTS, normalAnswer, type Written } from "./_reliability.ts";
import { KITS } from "./conformance/wire/kits.ts";

const MODEL: Record<Written, string> = { anthropic: "to-a", openai: "to-o", gemini: "to-g" };
const KEY = "sk-shared-tools-0001";
const FIXTURE = JSON.parse(
  Deno.readTextFileSync(
    new URL("./fixtures/requests/claude_code_request.json", import.meta.url),
  ),
);

/** The fixture, with a tool of its own so it is new to this process, written by `caller`. */
function callerBody(caller: Written, upstream: Written): Record<string, unknown> {
  const anthropic = {
    ...FIXTURE,
    model: MODEL[upstream],
    stream: false,
    tools: [...FIXTURE.tools, {
      name: `lookup_${caller}`,
      description: "Finds a term → its definition ✓",
      input_schema: { type: "object", properties: { term: { type: "string" } } },
    }],
  };
  if (caller === "anthropic") return anthropic;
  const request = CODECS.anthropic.decodeRequest(anthropic, {
    model: MODEL[upstream],
    stream: false,
  }).value;
  const target = { modelName: MODEL[upstream], maxTokens: 8192, stream: false };
  return CODECS[caller].encodeRequest(request, target).value.body;
}

Deno.test("tools sent again reach every upstream exactly as a first request's did", async () => {
  const mock = startMock((req) => normalAnswer(req.path, req.json));
  const proxy = startProxy(`
- model_id: to-a
  api_base: ${mock.url}
  format: anthropic
  max_tokens: 8K
- model_id: to-o
  api_base: ${mock.url}/v1
  format: openai
  max_tokens: 8K
- model_id: to-g
  model_name: gemini-2.5-pro
  api_base: ${mock.url}/v1beta
  format: gemini
  max_tokens: 8K
`);
  try {
    for (const caller of DIALECTS) {
      for (const upstream of DIALECTS) {
        const value = callerBody(caller, upstream);
        const bodies = [
          JSON.stringify(value),
          JSON.stringify(value),
          JSON.stringify(value, null, 2),
        ];
        const call = KITS[caller].caller.call({}, {
          model: MODEL[upstream],
          mode: "whole",
          key: KEY,
        });
        const url = proxy.url + call.path;
        const headers = { "content-type": "application/json", ...call.headers };
        const before = sharedToolsCounts();
        const answers: string[] = [];
        for (const body of bodies) {
          const response = await fetch(url, { method: "POST", headers, body });
          assert.equal(
            response.status,
            200,
            `${caller} → ${upstream}: ${await response.clone().text()}`,
          );
          answers.push((await response.text()).replace(/"(id|created)":("[^"]*"|\d+)/g, ""));
        }
        const after = sharedToolsCounts();
        const pair = `${caller} → ${upstream}`;
        const fresh = upstream === DIALECTS[0];
        assert.equal(after.remembered - before.remembered, fresh ? 1 : 0, `${pair}: remembered`);
        assert.equal(after.hits - before.hits, fresh ? 1 : 2, `${pair}: reused`);
        const [first, second, plain] = mock.received.slice(-3).map((r) => r.body);
        assert.equal(first, plain, `${pair}: remembered tools are written as parsed ones`);
        assert.equal(second, plain, `${pair}: reused tools are written as parsed ones`);
        assert.deepEqual([answers[1], answers[2]], [answers[0], answers[0]], pair);
      }
    }
  } finally {
    await proxy.close();
    await mock.close();
  }
});
