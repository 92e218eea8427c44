/**
 * What a conformance scenario is and how one runs for a caller, an upstream and a mode: each step
 * sends the caller's conversation through the proxy, answers as the upstream, checks what the
 * upstream received and what the caller got, in neutral terms. The checks every case gets (the
 * upstream's wire envelope, the caller's wire rules, the model name, exact usage, the answer's
 * blocks) live here; a scenario adds its own.
 */
import assert from "node:assert/strict";
import type { Dialect } from "../../lib/ir/types.ts";
import { json, type Received } from "../_harness.ts";
import { chunked, exchange, KEY, MODEL } from "./_exchange.ts";
import type {
  Answer,
  CallerKit,
  Conversation,
  Failure,
  Feature,
  Mode,
  Reply,
  Sent,
  UpstreamKit,
} from "./wire/kit.ts";
import { KITS } from "./wire/kits.ts";

export interface Context {
  caller: Dialect;
  /** The upstream of this step. */
  upstream: Dialect;
  /** The pair's upstream (the first step's). */
  pairUpstream: Dialect;
  mode: Mode;
  ck: CallerKit;
  uk: UpstreamKit;
  /** Whether the upstream was asked for a stream. */
  upstreamStreams: boolean;
  /** The answers of the earlier steps. */
  previous: Answer[];
}

export interface Step {
  /** This step's upstream, when it is not the pair's (a session that switches models). */
  upstream?: Dialect;
  request(ctx: Context): Conversation;
  reply: Reply | Failure | ((sent: Sent, ctx: Context) => Reply | Failure);
  checkSent?(sent: Sent, ctx: Context, received: Received): void;
  /** Replaces the default check of the answer's blocks and stop reason. */
  check?(answer: Answer, ctx: Context, reply: Reply | Failure): void;
}

export interface Scenario {
  name: string;
  /** Only whole answers, or only streams; both when unset. */
  streams?: "whole" | "stream";
  /** What the caller's dialect must be able to say. */
  callerNeeds?: Feature[];
  /** What the upstream's dialect must be able to say. */
  upstreamNeeds?: Feature[];
  /** Extra models.yaml keys of every model. */
  models?: Record<string, unknown>;
  /** The steps, or the steps for the pair's upstream (one per thing its dialect can say). */
  steps: Step[] | ((upstream: UpstreamKit) => Step[]);
}

/** The modes a scenario runs in for a caller. */
export function modesOf(scenario: Scenario, caller: Dialect): Mode[] {
  return KITS[caller].caller.modes.filter((mode) =>
    scenario.streams === undefined || (scenario.streams === "whole") === (mode === "whole")
  );
}

/** Why a scenario cannot run for a pair, from what the two kits say their dialects lack. */
export function lacking(
  scenario: Scenario,
  caller: Dialect,
  upstream: Dialect,
): string | undefined {
  for (const feature of scenario.callerNeeds ?? []) {
    const reason = KITS[caller].caller.lacks[feature];
    if (reason) return reason;
  }
  for (const feature of scenario.upstreamNeeds ?? []) {
    const reason = KITS[upstream].upstream.lacks[feature];
    if (reason) return reason;
  }
}

const isFailure = (r: Reply | Failure): r is Failure => "status" in r;

/** Runs every step of a scenario for one caller, upstream and mode. */
export async function runScenario(
  scenario: Scenario,
  caller: Dialect,
  pairUpstream: Dialect,
  mode: Mode,
): Promise<void> {
  const previous: Answer[] = [];
  const steps = typeof scenario.steps === "function"
    ? scenario.steps(KITS[pairUpstream].upstream)
    : scenario.steps;
  for (const step of steps) {
    const upstream = step.upstream ?? pairUpstream;
    const ck = KITS[caller].caller;
    const uk = KITS[upstream].upstream;
    const upstreamStreams = mode !== "whole" && scenario.models?.can_stream !== false;
    const ctx: Context = {
      caller,
      upstream,
      pairUpstream,
      mode,
      ck,
      uk,
      upstreamStreams,
      previous,
    };
    const call = ck.request(step.request(ctx), { model: MODEL[upstream], mode, key: KEY });
    let reply: Reply | Failure | undefined;
    const result = await exchange(call, (received) => {
      const refused = uk.refuses?.(received);
      reply = refused ??
        (typeof step.reply === "function" ? step.reply(uk.read(received), ctx) : step.reply);
      if (isFailure(reply)) {
        const { status, headers, body } = uk.failure(reply);
        return json(body, status, headers);
      }
      if (uk.wantsStream(received)) {
        const { body, type } = uk.stream(reply, received);
        return chunked(body, 7, { headers: { "content-type": type } });
      }
      return json(uk.json(reply));
    }, scenario.models);
    assert.equal(result.received.length, 1, `the upstream got one request: ${result.text}`);
    const received = result.received[0];
    const passThrough = caller === upstream ? mode : undefined;
    uk.checkEnvelope(received, { stream: upstreamStreams, model: uk.model, key: KEY, passThrough });
    step.checkSent?.(uk.read(received), ctx, received);
    const answer = ck.read(result, mode);
    (step.check ?? checkAnswer)(answer, ctx, reply!);
    if (!isFailure(reply!) && answer.finished) checkCommon(answer, reply!, ctx);
    previous.push(answer);
  }
}

/** What every complete answer holds: the caller's model name and the upstream's usage, exactly. */
function checkCommon(answer: Answer, reply: Reply, { ck, uk, upstream }: Context): void {
  if (ck.namesModel) assert.equal(answer.model, MODEL[upstream], "the model the caller asked for");
  assert.ok(answer.usage, "usage");
  for (const field of ck.usage) {
    const stated = uk.usage.includes(field) ? reply.usage[field] : undefined;
    if (stated === undefined) {
      assert.ok(
        !answer.usage[field],
        `${field}: ${answer.usage[field]}, but the upstream said none`,
      );
    } else assert.equal(answer.usage[field], stated, `usage ${field}`);
  }
}

/**
 * The default check: a failure reaches the caller with its status, message and Retry-After; a
 * reply reaches it block for block, each thinking block signed as the caller's dialect shows
 * signatures, each call with the upstream's id where it gives one (and, for a caller that has
 * them carry it, the unsigned thinking before it), with the reply's stop reason.
 */
export function checkAnswer(answer: Answer, ctx: Context, reply: Reply | Failure): void {
  if (isFailure(reply)) {
    assert.equal(answer.status, reply.status, answer.text);
    assert.equal(answer.error?.message, reply.message);
    for (const [name, value] of Object.entries(reply.headers ?? {})) {
      assert.equal(answer.headers.get(name), value, `${name} kept`);
    }
    return;
  }
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.error, undefined, answer.text);
  assert.ok(answer.finished, `the answer must end as a complete one: ${answer.text.slice(-500)}`);
  const { ck, uk, caller, upstream } = ctx;
  const own = caller === upstream;
  const expected = reply.blocks.filter((b) => b.type !== "text" || b.text.trim() !== "");
  assert.deepEqual(answer.blocks.map((b) => b.type), expected.map((b) => b.type), answer.text);
  const ids = new Set<string>();
  let unsigned: string[] = []; // thinking since the last call that the upstream signed none of
  expected.forEach((want, i) => {
    const got = answer.blocks[i];
    if (want.type === "text" && got.type === "text") assert.equal(got.text, want.text);
    if (want.type === "web_search" && got.type === "web_search") {
      assert.equal(got.query, want.query);
      const titled = ck.sourceTitles !== false &&
        (uk.sourceTitles !== "whole" || ctx.mode === "whole");
      const pages = (sources: typeof want.sources) =>
        sources.map(({ url, title }) => titled ? { url, title } : { url });
      assert.deepEqual(pages(got.sources), pages(want.sources));
    }
    if (want.type === "thinking" && got.type === "thinking") {
      assert.equal(got.text, want.text);
      if (!own && !uk.signature.thinking) unsigned.push(want.text);
      if (ck.signatures === "none") assert.equal(got.signature, undefined);
      else if (own) assert.equal(got.signature, uk.signature.thinking || undefined);
      else if (ck.signatures === "own") {
        assert.equal(got.signature, undefined, "a foreign signature");
      } else assert.ok(got.signature, "every thinking block is signed");
    }
    if (want.type === "tool_call" && got.type === "tool_call") {
      assert.equal(got.name, want.name);
      assert.deepEqual(got.args, want.args);
      // Ids of their own, unless a pass-through relays an upstream that gives none.
      if (!own || uk.callIds) {
        assert.ok(got.id && !ids.has(got.id), `a call id of its own: ${got.id}`);
        ids.add(got.id);
      }
      if (uk.callIds) assert.equal(got.id, want.id);
      const signed = own && want.signed && ck.signatures === "own";
      const carried = unsigned.length ? ck.carriedThinking?.(unsigned.join("\n\n")) : undefined;
      unsigned = [];
      assert.equal(got.signature, signed ? uk.signature.call : carried);
    }
  });
  assert.equal(answer.stop, reply.stop);
}
