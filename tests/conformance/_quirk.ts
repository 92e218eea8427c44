/**
 * Pair-specific cases, written on the wire: a caller's body as its dialect carries it, what the
 * upstream answers (a neutral reply through its kit, or raw JSON or SSE), checks of what the
 * upstream received and of what the caller got. Each runs through `exchange` like the shared
 * suite, one step per case.
 */
import assert from "node:assert/strict";
import type { Dialect } from "../../lib/ir/types.ts";
import { json, parseSse, type Received } from "../_harness.ts";
import { chunked, exchange, KEY, MODEL } from "./_exchange.ts";
import type { Answer, Failure, Mode, Reply } from "./wire/kit.ts";
import { KITS } from "./wire/kits.ts";

export type UpstreamAnswer =
  | { reply: Reply }
  | { failure: Failure }
  | { json: unknown; status?: number; headers?: Record<string, string> }
  /** Raw SSE text, written `chunk` bytes at a time (whole when unset). */
  | { sse: string; chunk?: number };

export interface Got extends Answer {
  /** The parsed body of a JSON answer. */
  json?: any;
  /** The events of an SSE answer. */
  events?: Array<{ event?: string; data: any }>;
  /** The `x-proxy-warnings` header, decoded. */
  warnings: string;
}

export interface Quirk {
  name: string;
  caller: Dialect;
  upstream: Dialect;
  /** The caller's body as its wire carries it; the model is set by the caller's kit. */
  body: Record<string, unknown>;
  /** How the caller asks; from `body.stream` when unset. */
  mode?: Mode;
  headers?: Record<string, string>;
  /** models.yaml keys for the upstream's model entry. */
  models?: Record<string, unknown>;
  answer: UpstreamAnswer | ((received: Received) => UpstreamAnswer);
  checkUpstream?(body: any, received: Received): void;
  check(got: Got): void;
}

function respond(answer: UpstreamAnswer, upstream: Dialect, received: Received): Response {
  const uk = KITS[upstream].upstream;
  if ("reply" in answer) {
    if (!uk.wantsStream(received)) return json(uk.json(answer.reply));
    const { body, type } = uk.stream(answer.reply, received);
    return chunked(body, 7, { headers: { "content-type": type } });
  }
  if ("failure" in answer) {
    const { status, headers, body } = uk.failure(answer.failure);
    return json(body, status, headers);
  }
  if ("sse" in answer) return chunked(answer.sse, answer.chunk ?? (answer.sse.length || 1));
  return json(answer.json, answer.status, answer.headers);
}

/** Runs one case. */
export async function runQuirk(q: Quirk): Promise<void> {
  const mode = q.mode ?? (q.body.stream === true ? "stream" : "whole");
  const ck = KITS[q.caller].caller;
  const call = ck.call(q.body, { model: MODEL[q.upstream], mode, key: KEY });
  call.headers = { ...call.headers, ...q.headers };
  const result = await exchange(
    call,
    (received) =>
      respond(typeof q.answer === "function" ? q.answer(received) : q.answer, q.upstream, received),
    q.models,
    q.upstream,
  );
  if (q.checkUpstream) {
    if (result.received.length === 0) {
      throw new Error(`the upstream received nothing: ${result.text}`);
    }
    q.checkUpstream(result.received[0].json, result.received[0]);
  }
  const got: Got = {
    ...ck.read(result, mode),
    warnings: decodeURIComponent(result.headers.get("x-proxy-warnings") ?? ""),
  };
  const type = result.headers.get("content-type") ?? "";
  if (type.includes("text/event-stream")) got.events = parseSse(result.text);
  else {
    try {
      got.json = JSON.parse(result.text);
    } catch {
      // left as text
    }
  }
  q.check(got);
}

/** Registers cases as steps of one test. */
export async function runQuirks(t: Deno.TestContext, quirks: Quirk[]): Promise<void> {
  for (const q of quirks) {
    await t.step(`${q.caller} → ${q.upstream}: ${q.name}`, () => runQuirk(q));
  }
}

/** The one user message most cases send, in Anthropic's and OpenAI's shape. */
export const USER_HI = [{ role: "user", content: "Hi" }];

/** A reply with the text "Hello.". */
export const HELLO_REPLY: Reply = {
  blocks: [{ type: "text", text: "Hello." }],
  stop: "end",
  usage: { input: 10, output: 5 },
};

/** An upstream answer with the text "Hello.", in the form the request asked for. */
export const HELLO: UpstreamAnswer = { reply: HELLO_REPLY };

/** The caller got a 200. */
export const ok = (got: Got) => assert.equal(got.status, 200, got.text);
