/**
 * Test harness: a real mock upstream over HTTP on 127.0.0.1 that records what it receives, and
 * the real proxy handler served on 127.0.0.1 with its log lines captured. No test touches the
 * internet.
 */
import assert from "node:assert/strict";
import { parseModels } from "../lib/config/models.ts";
import { resolveSettings, type Settings } from "../lib/config/settings.ts";
import { createHandler } from "../lib/server/app.ts";
import { randomId } from "../lib/server/exchange.ts";
import { createLogger } from "../lib/server/log.ts";
import { Stats } from "../lib/server/stats.ts";
import { Ledger, type LedgerOptions } from "../lib/ledger/ledger.ts";
import { MemoryStore } from "../lib/ledger/memory_store.ts";

export interface Received {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: string;
  json: any;
}

export type MockHandler = (req: Received, signal: AbortSignal) => Response | Promise<Response>;

export interface Mock {
  url: string;
  received: Received[];
  /** Resolves when a request's connection is aborted by its client. */
  aborted: Promise<void>;
  handle(handler: MockHandler): void;
  close(): Promise<void>;
}

/** Starts a mock upstream; `handler` answers every request until replaced with `handle`. */
export function startMock(handler: MockHandler): Mock {
  let current = handler;
  const received: Received[] = [];
  let onAbort: () => void = () => {};
  const aborted = new Promise<void>((resolve) => onAbort = resolve);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const body = await req.text();
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const entry = {
      method: req.method,
      path: url.pathname,
      search: url.search,
      headers: req.headers,
      body,
      json,
    };
    received.push(entry);
    req.signal.addEventListener("abort", () => onAbort());
    return await current(entry, req.signal);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    received,
    aborted,
    handle(h) {
      current = h;
    },
    close: () => server.shutdown(),
  };
}

/**
 * The mock upstream in process: a `fetch` for the proxy's deps that hands each call to `handler`
 * as the HTTP mock would, without a port.
 */
export function mockFetch(handler: MockHandler): { fetch: typeof fetch; received: Received[] } {
  const received: Received[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    const body = init?.body === undefined ? "" : await new Response(init.body).text();
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const entry = {
      method: init?.method ?? "GET",
      path: url.pathname,
      search: url.search,
      headers: new Headers(init?.headers),
      body,
      json,
    };
    received.push(entry);
    return await handler(entry, init?.signal ?? new AbortController().signal);
  };
  return { fetch, received };
}

export interface Proxy {
  url: string;
  logs: string[];
  /** The server's counters, read in place (reading /metrics would itself be counted). */
  stats: Stats;
  close(): Promise<void>;
}

/**
 * Serves the real proxy handler on 127.0.0.1 with the given models.yaml text; `ledger` picks
 * its store and options (prices come from the models).
 */
export function startProxy(
  modelsYaml: string,
  settings: Partial<Settings> = {},
  env: Record<string, string> = {},
  ledger: Partial<LedgerOptions> = {},
): Proxy {
  const { handler, logs, stats, recorder } = proxyHandler(
    modelsYaml,
    settings,
    env,
    ledger,
    globalThis.fetch,
  );
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    logs,
    stats,
    close: async () => {
      await server.shutdown();
      await recorder.close();
    },
  };
}

/** The real proxy handler over `modelsYaml`, calling its upstreams with `fetch`. */
export function proxyHandler(
  modelsYaml: string,
  settings: Partial<Settings>,
  env: Record<string, string>,
  ledger: Partial<LedgerOptions>,
  fetch: typeof globalThis.fetch,
) {
  const logs: string[] = [];
  const resolved = {
    ...resolveSettings({}, () => undefined, {}, "config.json"),
    ...settings,
  };
  const models = parseModels(modelsYaml, "models.yaml", (name) => env[name]);
  // JSON lines at debug level, unless a test asks for the text format (info level).
  const logger = createLogger({
    level: settings.logFormat === "text" ? "info" : "debug",
    format: settings.logFormat ?? "json",
    sink: (line) => logs.push(line),
  });
  const recorder = new Ledger({
    store: new MemoryStore(),
    price: (id) => models.get(id)?.price,
    logger,
    ...ledger,
  });
  const stats = new Stats(recorder);
  const handler = createHandler({
    settings: resolved,
    models,
    stats,
    logger,
    newId: randomId,
    now: () => Date.now(),
    fetch,
  });
  return { handler, logs, stats, recorder };
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** An SSE response whose body is written in the given pieces, with an optional pause between. */
export function sse(pieces: string[], delayMs = 0): Response {
  const encoder = new TextEncoder();
  let i = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (i >= pieces.length) {
          controller.close();
          return;
        }
        if (delayMs && i > 0) await new Promise((r) => setTimeout(r, delayMs));
        controller.enqueue(encoder.encode(pieces[i++]));
      },
    }),
    { headers: { "content-type": "text/event-stream" } },
  );
}

/** Reads a whole response body as text. */
export async function text(response: Response): Promise<string> {
  return await response.text();
}

/** Parses SSE text into `{event, data}` pairs (data JSON-parsed when it can be). */
export function parseSse(body: string): Array<{ event?: string; data: any }> {
  const out: Array<{ event?: string; data: any }> = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    if (!block.trim()) continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    const joined = data.join("\n");
    let parsed: unknown = joined;
    try {
      parsed = JSON.parse(joined);
    } catch {
      // [DONE] and other plain text
    }
    out.push(event === undefined ? { data: parsed } : { event, data: parsed });
  }
  return out;
}

/**
 * Runs one request against the proxy and checks what every request must leave behind, whatever
 * went wrong on the way: once `run` has read (or cancelled) the answer, the in-flight gauge is
 * back to zero, the log has exactly one new line, the request counters grew by exactly one, and
 * the server still answers. Returns what `run` returned and the request's log line, parsed
 * (a text-format line comes back as `{ text }`).
 */
export async function oneRequest<T>(
  proxy: Proxy,
  run: () => Promise<T>,
): Promise<{ result: T; line: Record<string, any> }> {
  const logged = proxy.logs.length;
  const counted = await requestsCounted(proxy.stats);
  const result = await run();
  // A cancelled stream finishes on the server's side a moment after the caller stops reading.
  for (let i = 0; i < 1000; i++) {
    if (proxy.stats.inFlight === 0 && proxy.logs.length > logged) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await new Promise((resolve) => setTimeout(resolve, 20)); // room for a second line, if any
  assert.equal(proxy.stats.inFlight, 0, "the in-flight gauge is back to zero");
  const lines = proxy.logs.slice(logged);
  assert.equal(lines.length, 1, `exactly one log line for the request:\n${lines.join("\n")}`);
  assert.equal(await requestsCounted(proxy.stats), counted + 1, "the stats count the request once");
  const health = await fetch(`${proxy.url}/health`);
  await health.body?.cancel();
  assert.equal(health.status, 200, "the server still answers");
  return { result, line: lines[0].startsWith("{") ? JSON.parse(lines[0]) : { text: lines[0] } };
}

/** The sum of `proxy_requests_total` over every label set. */
async function requestsCounted(stats: Stats): Promise<number> {
  let sum = 0;
  for (const line of (await stats.prometheus()).split("\n")) {
    if (line.startsWith("proxy_requests_total{")) sum += Number(line.slice(line.lastIndexOf(" ")));
  }
  return sum;
}

/**
 * Sends `head` (the request line and headers, without the blank line) and `body` over a plain
 * TCP connection, for what fetch will not send (a malformed Host, raw bytes in a header), and
 * reads the whole answer (the connection is closed after it).
 */
export async function rawRequest(
  url: string,
  head: string,
  body = "",
): Promise<{ status: number; headers: Headers; text: string }> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const bytes = new TextEncoder().encode(body);
  const request = `${head}\r\nconnection: close\r\ncontent-length: ${bytes.length}\r\n\r\n`;
  await conn.write(Uint8Array.from(request, (c) => c.charCodeAt(0))); // bytes as written
  await conn.write(bytes);
  let all = new Uint8Array(0);
  const buffer = new Uint8Array(16 * 1024);
  for (;;) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) break;
    const grown = new Uint8Array(all.length + n);
    grown.set(all);
    grown.set(buffer.subarray(0, n), all.length);
    all = grown;
  }
  conn.close();
  const latin1 = String.fromCharCode(...all);
  const split = latin1.indexOf("\r\n\r\n");
  const lines = latin1.slice(0, split).split("\r\n");
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let rest: Uint8Array = all.subarray(split + 4);
  if (headers.get("transfer-encoding") === "chunked") rest = unchunk(rest);
  return { status: Number(lines[0].split(" ")[1]), headers, text: new TextDecoder().decode(rest) };
}

/** The body of a chunked answer, from its bytes. */
function unchunk(bytes: Uint8Array): Uint8Array {
  const parts: number[] = [];
  let at = 0;
  for (;;) {
    let end = at;
    while (end < bytes.length && bytes[end] !== 13) end++;
    const size = parseInt(String.fromCharCode(...bytes.subarray(at, end)), 16);
    if (!size) return Uint8Array.from(parts);
    parts.push(...bytes.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Waits until a server started as a process answers `GET /health` (about 10 s at most). */
export async function waitUntilUp(url: string): Promise<void> {
  for (let i = 0;; i++) {
    try {
      await (await fetch(`${url}/health`)).body?.cancel();
      return;
    } catch (error) {
      if (i > 200) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** An OpenAI chat completion saying "hi", with the given usage. */
export function chatCompletion(usage: Record<string, unknown>): Response {
  return json({
    id: "c",
    object: "chat.completion",
    created: 1,
    model: "up",
    choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
    usage,
  });
}
