/**
 * Test harness: a real mock upstream over HTTP on 127.0.0.1 that records what it receives, and
 * the real proxy handler served on 127.0.0.1 with its log lines captured. No test touches the
 * internet.
 */
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

export interface Proxy {
  url: string;
  logs: string[];
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
  const logs: string[] = [];
  const resolved = {
    ...resolveSettings({}, () => undefined, {}, "config.json"),
    ...settings,
  };
  const models = parseModels(modelsYaml, "models.yaml", (name) => env[name]);
  const logger = createLogger({ level: "debug", format: "json", sink: (line) => logs.push(line) });
  const recorder = new Ledger({
    store: new MemoryStore(),
    price: (id) => models.get(id)?.price,
    logger,
    ...ledger,
  });
  const handler = createHandler({
    settings: resolved,
    models,
    stats: new Stats(recorder),
    logger,
    newId: randomId,
    now: () => Date.now(),
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    logs,
    close: async () => {
      await server.shutdown();
      await recorder.close();
    },
  };
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
