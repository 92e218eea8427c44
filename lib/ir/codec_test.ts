/**
 * The codec contract's promise about inputs: they may be deep-frozen (a remembered tools list is)
 * and are never changed. Every codec, the Responses one included, runs here on frozen input and
 * gives what it gives on a fresh copy.
 */
import assert from "node:assert/strict";
import { CODECS, DIALECTS } from "../dialects.ts";
import type { DialectConverters, UpstreamTarget } from "./codec.ts";
import { responseToEvents } from "./replay.ts";
import type { Request, Response } from "./types.ts";

const FIXTURES = new URL("../../tests/fixtures/requests/", import.meta.url);

/** Each codec with a real client's request in its dialect. */
const CODECS_AND_REQUESTS: Array<[string, DialectConverters, string]> = [
  ...DIALECTS.map((d): [string, DialectConverters, string] => [
    d,
    CODECS[d],
    {
      anthropic: "claude_code_request.json",
      openai: "opencode_request.json",
      gemini: "gemini_cli_request.json",
      responses: "codex_request_turn2.json",
    }[d],
  ]),
];

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const fresh = <T>(value: T): T => structuredClone(value);

const TARGET: UpstreamTarget = { modelName: "up-model", maxTokens: 4096, stream: true };
const OPTIONS = { newId: (prefix: string) => `${prefix}_1`, now: () => 1_700_000_000_000 };

const ANSWER: Response = {
  id: "msg_1",
  model: "asked-model",
  content: [
    { type: "thinking", text: "Look first.", signature: { origin: "anthropic", value: "sig" } },
    { type: "text", text: "Reading it." },
    { type: "tool_call", id: "call_1", name: "read_file", input: { path: "a.txt" } },
  ],
  stopReason: "tool_use",
  usage: {
    inputTokens: 10,
    outputTokens: 5,
    cacheReadTokens: 2,
    cacheWriteTokens: 0,
    reasoningTokens: 1,
  },
};

for (const [name, codec, fixture] of CODECS_AND_REQUESTS) {
  const body = JSON.parse(Deno.readTextFileSync(new URL(fixture, FIXTURES)));
  const decode = (b: unknown) => codec.decodeRequest(b, { model: "asked-model", stream: true });

  Deno.test(`${name}: decodeRequest() reads a deep-frozen body as a fresh one`, () => {
    assert.deepEqual(decode(deepFreeze(fresh(body))), decode(fresh(body)));
  });

  Deno.test(`${name}: encodeRequest() writes any caller's deep-frozen request as a fresh one`, () => {
    for (const [caller, callerCodec, callerFixture] of CODECS_AND_REQUESTS) {
      const callerBody = JSON.parse(Deno.readTextFileSync(new URL(callerFixture, FIXTURES)));
      const request: Request = callerCodec.decodeRequest(callerBody, {
        model: "asked-model",
        stream: true,
      }).value;
      assert.deepEqual(
        codec.encodeRequest(deepFreeze(fresh(request)), TARGET),
        codec.encodeRequest(fresh(request), TARGET),
        `${caller} → ${name}`,
      );
    }
  });

  Deno.test(`${name}: answers, whole and streamed, from deep-frozen values`, () => {
    const request = decode(fresh(body)).value;
    const frozenRequest = deepFreeze(fresh(request));
    const whole = codec.encodeResponse(deepFreeze(fresh(ANSWER)), OPTIONS, frozenRequest);
    assert.deepEqual(whole, codec.encodeResponse(fresh(ANSWER), OPTIONS, fresh(request)));
    const context = { toolNames: new Map<string, string>(), newId: OPTIONS.newId };
    assert.deepEqual(
      codec.decodeResponse(deepFreeze(fresh(whole)), context),
      codec.decodeResponse(fresh(whole), context),
    );
    const events = responseToEvents(fresh(ANSWER), () => "call_1");
    const write = (list: typeof events, req: Request) => {
      const out = codec.createStreamEncoder(req, OPTIONS);
      return list.map((event) => out.encode(event)).join("");
    };
    assert.equal(write(deepFreeze(fresh(events)), frozenRequest), write(events, fresh(request)));
  });
}
