/**
 * The conformance suite's runner: every case is a caller request (as the wire carries it), what
 * the mock upstream answers (JSON, SSE text or an error), and what must be true of the request
 * the upstream received and of the answer the caller got. Each case runs through the real proxy
 * over HTTP to a mock upstream on 127.0.0.1, as one `t.step`. Cases a pair cannot honour are
 * listed with `skip` and their reason.
 */
import type { Dialect } from "../../lib/ir/types.ts";
import {
  json,
  type Mock,
  parseSse,
  type Proxy,
  type Received,
  startMock,
  startProxy,
} from "../_harness.ts";

/** The model name a caller sends for each upstream dialect. */
export const MODEL: Record<Dialect, string> = {
  anthropic: "up-anthropic",
  openai: "up-openai",
  gemini: "up-gemini",
};

/** The model name the upstream receives for each dialect. */
export const UPSTREAM_MODEL: Record<Dialect, string> = {
  anthropic: "claude-real-1",
  openai: "gpt-real-1",
  gemini: "gemini-3-pro-preview",
};

export interface CallerResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body of a JSON answer. */
  json?: any;
  /** The parsed events of a stream (SSE, or the items of Gemini's JSON-array stream). */
  events?: Array<{ event?: string; data: any }>;
}

export interface UpstreamAnswer {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Raw SSE text, sent in pieces of `chunkSize` characters (default: whole). */
  sse?: string;
  chunkSize?: number;
}

export interface Case {
  name: string;
  caller: Dialect;
  upstream: Dialect;
  /** The caller's body; `model` is filled in for Anthropic and OpenAI callers. */
  request: Record<string, unknown>;
  /** Gemini callers: use `:streamGenerateContent` (with `alt=sse` unless `geminiArray`). */
  stream?: boolean;
  geminiArray?: boolean;
  /** Extra request headers (the key is always sent). */
  headers?: Record<string, string>;
  /** Extra models.yaml keys for the case's upstream model entry (e.g. `can_stream: false`). */
  model?: Record<string, unknown>;
  answer: UpstreamAnswer | ((req: Received) => UpstreamAnswer);
  checkUpstream?: (body: any, req: Received) => void;
  check: (result: CallerResult) => void;
  /** A case this pair cannot honour: the reason it is skipped. */
  skip?: string;
}

const KEY = "sk-conformance-0000";

function modelsYaml(
  mock: Mock,
  upstream: Dialect,
  extra: Record<string, unknown> | undefined,
): string {
  const lines: string[] = [];
  for (const dialect of ["anthropic", "openai", "gemini"] as Dialect[]) {
    const base = dialect === "gemini" ? `${mock.url}/v1beta` : mock.url;
    lines.push(`- model_id: ${MODEL[dialect]}`);
    lines.push(`  model_name: ${UPSTREAM_MODEL[dialect]}`);
    lines.push(`  api_base: ${base}`);
    lines.push(`  format: ${dialect}`);
    if (!(dialect === upstream && extra?.max_tokens !== undefined)) lines.push(`  max_tokens: 16K`);
    if (dialect !== upstream) continue;
    for (const [k, v] of Object.entries(extra ?? {})) lines.push(`  ${k}: ${JSON.stringify(v)}`);
  }
  return lines.join("\n") + "\n";
}

/** The URL and body a caller of a dialect sends. */
function callerRequest(c: Case, proxy: Proxy): { url: string; body: Record<string, unknown> } {
  const model = MODEL[c.upstream];
  switch (c.caller) {
    case "anthropic":
      return { url: `${proxy.url}/anthropic/v1/messages`, body: { ...c.request, model } };
    case "openai":
      return { url: `${proxy.url}/openai/v1/chat/completions`, body: { ...c.request, model } };
    case "gemini": {
      const method = c.stream ? "streamGenerateContent" : "generateContent";
      const query = c.stream && !c.geminiArray ? "?alt=sse" : "";
      return {
        url: `${proxy.url}/gemini/v1beta/models/${model}:${method}${query}`,
        body: c.request,
      };
    }
  }
}

function upstreamResponse(answer: UpstreamAnswer): Response {
  const headers = { ...answer.headers };
  if (answer.sse !== undefined) {
    const text = answer.sse;
    const size = answer.chunkSize ?? text.length;
    const pieces: string[] = [];
    for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
    const encoder = new TextEncoder();
    let i = 0;
    return new Response(
      new ReadableStream({
        pull(controller) {
          if (i >= pieces.length) controller.close();
          else controller.enqueue(encoder.encode(pieces[i++]));
        },
      }),
      {
        status: answer.status ?? 200,
        headers: { "content-type": "text/event-stream", ...headers },
      },
    );
  }
  return json(answer.json ?? {}, answer.status ?? 200, headers);
}

/** Runs one case against a fresh proxy and mock upstream. */
export async function runCase(c: Case): Promise<void> {
  const mock = startMock(() => json({}));
  const proxy = startProxy(modelsYaml(mock, c.upstream, c.model));
  try {
    mock.handle((req) =>
      upstreamResponse(typeof c.answer === "function" ? c.answer(req) : c.answer)
    );
    const { url, body } = callerRequest(c, proxy);
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...authHeader(c.caller), ...c.headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const result: CallerResult = { status: response.status, headers: response.headers, text };
    const type = response.headers.get("content-type") ?? "";
    if (type.includes("text/event-stream")) result.events = parseSse(text);
    else {
      try {
        const parsed = JSON.parse(text);
        if (Array.isArray(parsed)) result.events = parsed.map((data) => ({ data }));
        else result.json = parsed;
      } catch {
        // left as text
      }
    }
    if (c.checkUpstream) {
      if (mock.received.length === 0) throw new Error("the upstream received no request");
      c.checkUpstream(mock.received[0].json, mock.received[0]);
    }
    c.check(result);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

function authHeader(caller: Dialect): Record<string, string> {
  switch (caller) {
    case "anthropic":
      return { "x-api-key": KEY, "anthropic-version": "2023-06-01" };
    case "openai":
      return { authorization: `Bearer ${KEY}` };
    case "gemini":
      return { "x-goog-api-key": KEY };
  }
}

/** Registers cases as steps of one test, skipping (with the reason printed) what must be. */
export async function runCases(t: Deno.TestContext, cases: Case[]): Promise<void> {
  for (const c of cases) {
    await t.step({
      name: `${c.caller} → ${c.upstream}: ${c.name}${c.skip ? ` (skipped: ${c.skip})` : ""}`,
      ignore: c.skip !== undefined,
      fn: () => runCase(c),
    });
  }
}

/** Reads a fixture file as text (`tests/fixtures/<path>`). */
export function fixture(path: string): string {
  return Deno.readTextFileSync(new URL(`../fixtures/${path}`, import.meta.url));
}

/** Reads a JSON fixture. */
export function fixtureJson(path: string): any {
  return JSON.parse(fixture(path));
}

/** The text of an Anthropic stream's tool_use block at `index`, joined from its deltas. */
export function joinedToolInput(
  events: Array<{ event?: string; data: any }>,
  index: number,
): string {
  return events
    .filter((e) =>
      e.data?.type === "content_block_delta" && e.data.index === index &&
      e.data.delta?.type === "input_json_delta"
    )
    .map((e) => e.data.delta.partial_json)
    .join("");
}

/**
 * Checks the Anthropic stream rules (SPEC §5): message_start first, blocks in index order, one
 * open at a time, no delta outside its block, thinking ending with one signature, then
 * message_delta and message_stop; no empty text block.
 */
export function assertAnthropicStream(events: Array<{ event?: string; data: any }>): void {
  const fail = (message: string) => {
    throw new Error(`${message}\n${JSON.stringify(events.map((e) => e.data), null, 1)}`);
  };
  if (events[0]?.event !== "message_start") fail("the stream must begin with message_start");
  let open: { index: number; type: string; signatures: number; text: string } | undefined;
  let next = 0;
  let sawDelta = false;
  for (const { event, data } of events.slice(1)) {
    if (event !== data?.type) fail(`event name ${event} differs from data.type ${data?.type}`);
    switch (event) {
      case "content_block_start":
        if (open) fail("a block started while another was open");
        if (data.index !== next++) fail(`block index ${data.index} out of order`);
        open = { index: data.index, type: data.content_block.type, signatures: 0, text: "" };
        break;
      case "content_block_delta":
        if (!open || open.index !== data.index) fail("a delta outside its block");
        if (data.delta.type === "signature_delta") open!.signatures++;
        if (data.delta.type === "text_delta") open!.text += data.delta.text;
        break;
      case "content_block_stop":
        if (!open || open.index !== data.index) fail("a stop for a block that is not open");
        if (open!.type === "thinking" && open!.signatures !== 1) {
          fail("a thinking block must end with exactly one signature_delta");
        }
        if (open!.type === "text" && open!.text === "") fail("an empty text block");
        open = undefined;
        break;
      case "message_delta":
        if (open) fail("message_delta while a block is open");
        sawDelta = true;
        break;
      case "message_stop":
        if (!sawDelta) fail("message_stop without message_delta");
        break;
      case "ping":
      case "error":
        break;
      default:
        fail(`unexpected event ${event}`);
    }
  }
}
