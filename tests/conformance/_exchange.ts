/**
 * The one way the conformance suite reaches the proxy: a caller's request through the real
 * handler to a mock upstream, both in process (the handler's injected `fetch` calls the mock):
 * the same code paths as over HTTP (tests/e2e_* keep those), without two ports per case.
 */
import type { Dialect } from "../../lib/ir/types.ts";
import { mockFetch, type MockHandler, proxyHandler, type Received } from "../_harness.ts";
import type { Call, HttpResult } from "./wire/kit.ts";
import { DIALECTS, KITS } from "./wire/kits.ts";

/** The model name a caller sends for each upstream dialect. */
export const MODEL = Object.fromEntries(DIALECTS.map((d) => [d, `up-${d}`])) as Record<
  Dialect,
  string
>;

export const KEY = "sk-conformance-0000";

/** Where the upstreams are (never connected to: the mock answers in process). */
const MOCK_URL = "http://127.0.0.1:9";

/**
 * One model per upstream dialect on the mock, each (or only `only`'s) with `extra` models.yaml
 * keys, which win over the suite's own (`max_tokens: 16K`).
 */
export function modelsYaml(
  mockUrl: string,
  extra: Record<string, unknown> = {},
  only?: Dialect,
): string {
  return DIALECTS.map((dialect) => {
    const keys: Record<string, unknown> = { max_tokens: "16K" };
    if (only === undefined || only === dialect) Object.assign(keys, extra);
    return [
      `- model_id: ${MODEL[dialect]}`,
      `  model_name: ${KITS[dialect].upstream.model}`,
      `  api_base: ${KITS[dialect].upstream.apiBase(mockUrl)}`,
      `  format: ${dialect}`,
      ...Object.entries(keys).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
    ].join("\n");
  }).join("\n") + "\n";
}

export interface Exchanged extends HttpResult {
  /** What the upstream received, in order. */
  received: Received[];
}

/**
 * Sends `call` to a fresh proxy whose upstreams are answered by `upstream`; `extra` models.yaml
 * keys go on every model, or only on `only`'s.
 */
export async function exchange(
  call: Call,
  upstream: MockHandler,
  extra: Record<string, unknown> = {},
  only?: Dialect,
): Promise<Exchanged> {
  const mock = mockFetch(upstream);
  const proxy = proxyHandler(modelsYaml(MOCK_URL, extra, only), {}, {}, {}, mock.fetch);
  try {
    const response = await proxy.handler(
      new Request(`http://127.0.0.1:8082${call.path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...call.headers },
        body: typeof call.body === "string" ? call.body : JSON.stringify(call.body),
      }),
    );
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, received: mock.received };
  } finally {
    await proxy.recorder.close();
  }
}

/** A response whose body is `text` as UTF-8 written `size` bytes at a time (mid-character too). */
export function chunked(
  text: string,
  size: number,
  init: ResponseInit = { headers: { "content-type": "text/event-stream" } },
): Response {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) controller.close();
        else controller.enqueue(bytes.slice(at, at += size));
      },
    }),
    init,
  );
}
