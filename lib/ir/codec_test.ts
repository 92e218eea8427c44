/**
 * The codec contract's promise about inputs: they may be deep-frozen (a remembered tools list is)
 * and are never changed. Every codec, the Responses one included, runs here on frozen input and
 * gives what it gives on a fresh copy.
 */
import assert from "node:assert/strict";
import { CODECS, DIALECTS } from "../dialects.ts";
import { responsesCodec } from "../responses/mod.ts";
import type { DialectConverters, UpstreamTarget } from "./codec.ts";
import { responseToEvents } from "./replay.ts";
import type { Request, Response } from "./types.ts";

const FIXTURES = new URL("../../tests/fixtures/requests/", import.meta.url);
const TARGET: UpstreamTarget = { modelName: "up-model", maxTokens: 4096, stream: true };

/** A real client's request in each dialect that has one among the fixtures. */
const FIXTURE: Record<string, string> = {
  anthropic: "claude_code_request.json",
  openai: "opencode_request.json",
  gemini: "gemini_cli_request.json",
  responses: "codex_request_turn2.json",
};

const read = (name: string) => JSON.parse(Deno.readTextFileSync(new URL(name, FIXTURES)));

/** Claude Code's request in the internal model, for dialects without a fixture of their own. */
const CLAUDE_CODE = CODECS.anthropic.decodeRequest(read(FIXTURE.anthropic), {
  model: "asked-model",
  stream: true,
}).value;

/** A request body in a dialect: a client's own, else Claude Code's as the codec writes it. */
function bodyOf(name: string, codec: DialectConverters): unknown {
  if (FIXTURE[name]) return read(FIXTURE[name]);
  return codec.encodeRequest(CLAUDE_CODE, TARGET).value.body;
}

/** Every codec, registered or not yet (Responses), with a request body in its dialect. */
const CODECS_AND_REQUESTS: Array<[string, DialectConverters, unknown]> = DIALECTS.map((d) =>
  [d, CODECS[d], bodyOf(d, CODECS[d])] as [string, DialectConverters, unknown]
);
if (!Object.hasOwn(CODECS, "responses")) {
  CODECS_AND_REQUESTS.push(["responses", responsesCodec, bodyOf("responses", responsesCodec)]);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const fresh = <T>(value: T): T => structuredClone(value);

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

for (const [name, codec, body] of CODECS_AND_REQUESTS) {
  const decode = (b: unknown) => codec.decodeRequest(b, { model: "asked-model", stream: true });

  Deno.test(`${name}: decodeRequest() reads a deep-frozen body as a fresh one`, () => {
    assert.deepEqual(decode(deepFreeze(fresh(body))), decode(fresh(body)));
  });

  Deno.test(`${name}: encodeRequest() writes any caller's deep-frozen request as a fresh one`, () => {
    for (const [caller, callerCodec, callerBody] of CODECS_AND_REQUESTS) {
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
