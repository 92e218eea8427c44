/**
 * Shared pieces of the error, fault, bad-input and security suites: a models.yaml with one model
 * per upstream dialect, a minimal caller request and upstream answer per dialect (whole and
 * streamed, the stream split into a head and a tail so faults can cut it), a caller that records
 * what came back, and checks of each dialect's error envelope. What a dialect's wire looks like
 * comes from its conformance wire kit (tests/conformance/wire/).
 */
import assert from "node:assert/strict";
import type { Dialect } from "../lib/ir/types.ts";
import { parseSse, type Proxy } from "./_harness.ts";
import type { Mode } from "./conformance/wire/kit.ts";
import { DIALECTS as ALL, KITS } from "./conformance/wire/kits.ts";

/**
 * The dialects these suites hold wire of their own for (error envelopes, streams cut by faults,
 * hostile bodies). A dialect added later is run over every pair by the conformance suite through
 * its wire kit at once, and by these suites once its cases here are written.
 */
export const DIALECTS = ["anthropic", "openai", "gemini"] as const;
export type Written = typeof DIALECTS[number];

/** Model ids in the suites' models.yaml, one per upstream dialect. */
export const MODEL = Object.fromEntries(ALL.map((d) => [d, `up-${d}`])) as Record<
  Dialect,
  string
>;

/** The names each upstream receives. */
export const UPSTREAM_MODEL = Object.fromEntries(
  ALL.map((d) => [d, KITS[d].upstream.model]),
) as Record<Dialect, string>;

export const KEY = "sk-caller-secret-key-1234";

/** The api_base of a dialect's upstream on a mock at `base`. */
export function apiBase(base: string, dialect: Dialect): string {
  return KITS[dialect].upstream.apiBase(base);
}

/** A models.yaml with one model per upstream dialect at `base`, plus `extra` keys on each. */
export function modelsYaml(base: string, extra: Record<string, unknown> = {}): string {
  const lines: string[] = [];
  for (const dialect of ALL) {
    lines.push(`- model_id: ${MODEL[dialect]}`);
    lines.push(`  model_name: ${UPSTREAM_MODEL[dialect]}`);
    lines.push(`  api_base: ${apiBase(base, dialect)}`);
    lines.push(`  format: ${dialect}`);
    for (const [k, v] of Object.entries(extra)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
  }
  return lines.join("\n") + "\n";
}

/** The caller's key header in its dialect's usual place. */
export function authHeader(caller: Dialect, key = KEY): Record<string, string> {
  return KITS[caller].caller.auth(key);
}

const HI = { turns: [{ role: "user" as const, parts: [{ type: "text" as const, text: "Hi" }] }] };

/** The smallest valid request of a dialect. */
export function minimalBody(caller: Dialect, model: string): Record<string, unknown> {
  return KITS[caller].caller.request(HI, { model, mode: "whole", key: KEY }).body as Record<
    string,
    unknown
  >;
}

/** The generate URL a caller posts to (Gemini: model in the path; streams with `alt=sse`). */
export function generateUrl(proxy: Proxy, caller: Dialect, model: string, stream: boolean) {
  const mode: Mode = stream ? "stream" : "whole";
  return proxy.url + KITS[caller].caller.call({}, { model, mode, key: KEY }).path;
}

export interface Result {
  status: number;
  headers: Headers;
  text: string;
  json?: any;
  events?: Array<{ event?: string; data: any }>;
}

/** Reads a whole response into a Result. */
export async function readResult(response: Response): Promise<Result> {
  const text = await response.text();
  const result: Result = { status: response.status, headers: response.headers, text };
  if ((response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    result.events = parseSse(text);
  } else {
    try {
      result.json = JSON.parse(text);
    } catch {
      // left as text
    }
  }
  return result;
}

/** Sends the minimal request (or `body`) from `caller` for `model`. */
export async function callProxy(
  proxy: Proxy,
  caller: Dialect,
  model: string,
  options: {
    stream?: boolean;
    body?: Record<string, unknown>;
    headers?: Record<string, string>;
    signal?: AbortSignal;
  } = {},
): Promise<Result> {
  const stream = options.stream ?? false;
  const body = options.body ?? minimalBody(caller, model);
  if (stream && caller !== "gemini") body.stream = true;
  const response = await fetch(generateUrl(proxy, caller, model, stream), {
    method: "POST",
    headers: { "content-type": "application/json", ...authHeader(caller), ...options.headers },
    body: JSON.stringify(body),
    signal: options.signal,
  });
  return await readResult(response);
}

/** Checks an error body against a dialect's envelope for a status; returns its message. */
export function assertErrorBody(caller: Dialect, body: any, status: number): string {
  return KITS[caller].caller.errorMessage(body, status);
}

/** An HTTP error answer: status, JSON content type, envelope; returns its message. */
export function assertError(caller: Dialect, result: Result, status: number): string {
  assert.equal(result.status, status, `status of ${result.text.slice(0, 300)}`);
  assert.ok(
    (result.headers.get("content-type") ?? "").includes("application/json"),
    "an error is JSON",
  );
  assert.ok(result.json, `JSON body: ${result.text.slice(0, 300)}`);
  return assertErrorBody(caller, result.json, status);
}

/**
 * A stream that ended with an error event in the caller's dialect (of `status`'s kind, when
 * given) and never finished normally; returns the error's message. Read leniently: a
 * pass-through may have relayed an upstream's garbage before it.
 */
export function assertStreamError(caller: Written, result: Result, status?: number): string {
  assert.equal(result.status, 200, `stream status; body ${result.text.slice(0, 300)}`);
  const events = result.events;
  assert.ok(events && events.length > 0, `events: ${result.text.slice(0, 300)}`);
  const last = events[events.length - 1];
  const kind = status && KITS[caller].caller.errorKind(status);
  switch (caller) {
    case "anthropic": {
      assert.equal(last.event, "error", `last event of ${result.text.slice(-400)}`);
      assert.equal(last.data.type, "error");
      assert.ok(!events.some((e) => e.event === "message_stop"), "no message_stop");
      if (kind) assert.equal(last.data.error.type, kind);
      return last.data.error.message;
    }
    case "openai": {
      assert.ok(last.data?.error, `last event of ${result.text.slice(-400)}`);
      assert.ok(!events.some((e) => e.data === "[DONE]"), "no [DONE]");
      assert.ok(
        !events.some((e) => e.data?.choices?.some?.((c: any) => c.finish_reason)),
        "no finish_reason",
      );
      if (kind) assert.equal(last.data.error.type, kind);
      return last.data.error.message;
    }
    case "gemini": {
      assert.ok(last.data?.error, `last event of ${result.text.slice(-400)}`);
      assert.ok(
        !events.some((e) => e.data?.candidates?.some?.((c: any) => c.finishReason)),
        "no finishReason",
      );
      if (status) assert.equal(last.data.error.code, status);
      if (kind) assert.equal(last.data.error.status, kind);
      return last.data.error.message;
    }
  }
}

/** A successful answer in the caller's dialect with the text "ok". */
export function assertOk(caller: Dialect, result: Result, stream: boolean): void {
  assert.equal(result.status, 200, result.text.slice(0, 400));
  const answer = KITS[caller].caller.read(result, stream ? "stream" : "whole");
  assert.deepEqual(answer.blocks, [{ type: "text", text: "ok" }], result.text);
  assert.ok(answer.finished, result.text);
}

// ---- upstream answers ----

/** A whole successful answer of an upstream dialect: the text "ok". */
export function upstreamJson(dialect: Dialect): Record<string, unknown> {
  const reply = { blocks: [{ type: "text" as const, text: "ok" }], stop: "end" as const };
  return KITS[dialect].upstream.json({ ...reply, usage: { input: 3, output: 1 } }) as Record<
    string,
    unknown
  >;
}

function ev(data: unknown, event?: string): string {
  return (event ? `event: ${event}\n` : "") + `data: ${JSON.stringify(data)}\n\n`;
}

/** The start of a stream of an upstream dialect: up to and including a text delta "o". */
export function streamHead(dialect: Written): string {
  switch (dialect) {
    case "anthropic":
      return ev({
        type: "message_start",
        message: {
          id: "msg_1",
          type: "message",
          role: "assistant",
          model: UPSTREAM_MODEL.anthropic,
          content: [],
          stop_reason: null,
          usage: { input_tokens: 3, output_tokens: 0 },
        },
      }, "message_start") +
        ev(
          { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
          "content_block_start",
        ) +
        ev(
          { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "o" } },
          "content_block_delta",
        );
    case "openai":
      return ev({
        id: "c1",
        object: "chat.completion.chunk",
        created: 1,
        model: UPSTREAM_MODEL.openai,
        choices: [{ index: 0, delta: { role: "assistant", content: "o" }, finish_reason: null }],
      });
    case "gemini":
      return ev({
        candidates: [{ content: { role: "model", parts: [{ text: "o" }] }, index: 0 }],
        modelVersion: UPSTREAM_MODEL.gemini,
      });
  }
}

/** The rest of the stream: text "k" and the closing events. */
export function streamTail(dialect: Written): string {
  switch (dialect) {
    case "anthropic":
      return ev(
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "k" } },
        "content_block_delta",
      ) +
        ev({ type: "content_block_stop", index: 0 }, "content_block_stop") +
        ev({
          type: "message_delta",
          delta: { stop_reason: "end_turn", stop_sequence: null },
          usage: { output_tokens: 1 },
        }, "message_delta") +
        ev({ type: "message_stop" }, "message_stop");
    case "openai":
      return ev({
        id: "c1",
        object: "chat.completion.chunk",
        created: 1,
        model: UPSTREAM_MODEL.openai,
        choices: [{ index: 0, delta: { content: "k" }, finish_reason: null }],
      }) +
        ev({
          id: "c1",
          object: "chat.completion.chunk",
          created: 1,
          model: UPSTREAM_MODEL.openai,
          choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
        }) +
        ev({
          id: "c1",
          object: "chat.completion.chunk",
          created: 1,
          model: UPSTREAM_MODEL.openai,
          choices: [],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        }) +
        "data: [DONE]\n\n";
    case "gemini":
      return ev({
        candidates: [{
          content: { role: "model", parts: [{ text: "k" }] },
          finishReason: "STOP",
          index: 0,
        }],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
        modelVersion: UPSTREAM_MODEL.gemini,
      });
  }
}

/** An upstream dialect's error body with a message. */
export function upstreamErrorBody(dialect: Dialect, status: number, message: string): unknown {
  return KITS[dialect].upstream.failure({ status, message }).body;
}

/** The upstream dialect a mock request was meant for, from its path. */
export function dialectOfUpstreamPath(path: string): Written {
  if (path.includes("/v1beta/")) return "gemini";
  if (path.includes("/chat/completions")) return "openai";
  return "anthropic";
}

/** True when the mock request asked for a stream. */
export function wantsStream(path: string, body: any): boolean {
  return path.includes(":streamGenerateContent") || body?.stream === true;
}

/** An SSE response written from a pull-driven stream of pieces. */
export function sseResponse(pieces: string[], status = 200): Response {
  const encoder = new TextEncoder();
  let i = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i >= pieces.length) controller.close();
        else controller.enqueue(encoder.encode(pieces[i++]));
      },
    }),
    { status, headers: { "content-type": "text/event-stream" } },
  );
}

/** The normal answer of the mock for any upstream dialect, whole or streamed. */
export function normalAnswer(path: string, body: any): Response {
  const dialect = dialectOfUpstreamPath(path);
  if (wantsStream(path, body)) return sseResponse([streamHead(dialect), streamTail(dialect)]);
  return new Response(JSON.stringify(upstreamJson(dialect)), {
    headers: { "content-type": "application/json" },
  });
}

/** Every caller × upstream pair. */
export function pairs(): Array<[Written, Written]> {
  return DIALECTS.flatMap((c) => DIALECTS.map((u) => [c, u] as [Written, Written]));
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One text-delta event of an upstream dialect's stream. */
export function textDelta(dialect: Written, text: string): string {
  switch (dialect) {
    case "anthropic":
      return ev(
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
        "content_block_delta",
      );
    case "openai":
      return ev({
        id: "c1",
        object: "chat.completion.chunk",
        created: 1,
        model: UPSTREAM_MODEL.openai,
        choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
      });
    case "gemini":
      return ev({
        candidates: [{ content: { role: "model", parts: [{ text }] }, index: 0 }],
        modelVersion: UPSTREAM_MODEL.gemini,
      });
  }
}
