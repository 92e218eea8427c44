/**
 * The whole request handler in process, its upstream `fetch` a canned answer: what the proxy's
 * own code costs per request, without the HTTP stack. Used by handler_bench.ts and profile.ts.
 */
import { parseModels } from "../lib/config/models.ts";
import { resolveSettings } from "../lib/config/settings.ts";
import { createHandler } from "../lib/server/app.ts";
import { createLogger } from "../lib/server/log.ts";
import { Stats } from "../lib/server/stats.ts";
import { fixtureText, ids } from "./_fixtures.ts";

const UPSTREAM = "http://upstream.invalid";
const handler = createHandler({
  settings: resolveSettings({}, () => undefined, {}, "config.json"),
  models: parseModels(
    `- model_id: o\n  api_base: ${UPSTREAM}/v1\n  format: openai\n  max_tokens: 64K\n` +
      `- model_id: a\n  api_base: ${UPSTREAM}\n  format: anthropic\n  max_tokens: 64K\n` +
      // The documented Claude Code router's rules (one target, as the caller's key allows): a
      // request with thinking reaches the fifth.
      `- model_id: r\n  route:\n` +
      `    - {when: {model: "claude-*haiku*"}, to: o}\n` +
      `    - {when: {server_tool: web_search}, to: o}\n` +
      `    - {when: {images: true}, to: o}\n` +
      `    - {when: {input_tokens_over: 100000}, to: o}\n` +
      `    - {when: {thinking: true}, to: o}\n` +
      `    - {to: o}\n`,
    "models.yaml",
    () => undefined,
  ),
  stats: new Stats(),
  logger: createLogger({ level: "info", format: "text", sink: () => {} }),
  ...ids,
  fetch: fakeUpstream,
});

const OPENAI_JSON = JSON.stringify({
  id: "c",
  object: "chat.completion",
  created: 1,
  model: "o",
  choices: [{
    index: 0,
    message: { role: "assistant", content: "Hello ".repeat(200) },
    finish_reason: "stop",
  }],
  usage: { prompt_tokens: 1200, completion_tokens: 256, total_tokens: 1456 },
});
const OPENAI_SSE = [
  ...Array.from(
    { length: 18 },
    (_, i) =>
      `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"o","choices":[{"index":0,"delta":{"content":"word ${i} "}}]}\n\n`,
  ),
  `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"o","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`,
  `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"o","choices":[],"usage":{"prompt_tokens":1200,"completion_tokens":256}}\n\ndata: [DONE]\n\n`,
];
const ANTHROPIC_JSON = JSON.stringify({
  id: "m",
  type: "message",
  role: "assistant",
  model: "a",
  content: [{ type: "text", text: "Hello ".repeat(200) }],
  stop_reason: "end_turn",
  usage: { input_tokens: 200, output_tokens: 256 },
});

const encoder = new TextEncoder();
const ANTHROPIC_SSE = [
  `event: message_start\ndata: {"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"a","content":[],"stop_reason":null,"usage":{"input_tokens":200,"output_tokens":1}}}\n\n`,
  `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n`,
  ...Array.from(
    { length: 16 },
    (_, i) =>
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"word ${i} "}}\n\n`,
  ),
  `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`,
  `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":256}}\n\n`,
  `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
];

/**
 * The pieces as a byte stream, as Deno's fetch bodies are, so the proxy reads it as it reads
 * theirs (a BYOB reader; for any other stream, it would pay for a failed attempt at one).
 */
function sseBody(pieces: string[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    type: "bytes",
    pull(c) {
      if (i < pieces.length) return c.enqueue(encoder.encode(pieces[i++]));
      c.close();
      c.byobRequest?.respond(0); // a reader waiting with its buffer learns of the end
    },
  });
}

/** A whole JSON answer with its length, as an upstream sends it. */
function jsonAnswer(json: string): Response {
  return new Response(sseBody([json]), {
    headers: {
      "content-type": "application/json",
      "content-length": String(encoder.encode(json).length),
    },
  });
}

function fakeUpstream(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = String(input);
  // The proxy sends bytes (lib/json/json_bytes.ts); decoding them here costs the stub ~20 µs.
  const body = init?.body;
  const text = body instanceof Uint8Array ? new TextDecoder().decode(body) : String(body ?? "");
  const streamed = text.includes('"stream":true');
  if (url.endsWith("/chat/completions")) {
    return Promise.resolve(
      streamed
        ? new Response(sseBody(OPENAI_SSE), { headers: { "content-type": "text/event-stream" } })
        : jsonAnswer(OPENAI_JSON),
    );
  }
  return Promise.resolve(
    streamed
      ? new Response(sseBody(ANTHROPIC_SSE), { headers: { "content-type": "text/event-stream" } })
      : jsonAnswer(ANTHROPIC_JSON),
  );
}

const CLAUDE_CODE = JSON.parse(fixtureText("requests/claude_code_request.json"));
// Bytes, as Deno.serve hands a body over: the benchmark does not pay for encoding it.
export const BIG = encoder.encode(JSON.stringify({ ...CLAUDE_CODE, model: "o", stream: false }));
/** The same request sent to the router, which picks `o` by its thinking. */
export const BIG_ROUTED = encoder.encode(
  JSON.stringify({ ...CLAUDE_CODE, model: "r", stream: false }),
);
export const BIG_STREAM = encoder.encode(
  JSON.stringify({ ...CLAUDE_CODE, model: "o", stream: true }),
);
export const SMALL_OPENAI = encoder.encode(JSON.stringify({
  model: "a",
  messages: [{ role: "system", content: "Be brief. ".repeat(20) }, {
    role: "user",
    content: "Explain the retry policy. ".repeat(60),
  }],
}));
/** Anthropic → Anthropic (pass-through), streamed, ~2 KB. */
export const SMALL_ANTHROPIC_STREAM = encoder.encode(JSON.stringify({
  model: "a",
  max_tokens: 1024,
  stream: true,
  system: "Be brief. ".repeat(20),
  messages: [{ role: "user", content: "Explain the retry policy. ".repeat(60) }],
}));
/** Responses → OpenAI, ~2 KB, non-stream (Codex's shape on a Chat Completions model). */
export const SMALL_RESPONSES = encoder.encode(JSON.stringify({
  model: "o",
  instructions: "Be brief. ".repeat(20),
  input: [{ role: "user", content: "Explain the retry policy. ".repeat(60) }],
  store: false,
}));
/** What Codex CLI sent on its second turn (43 KB), to an OpenAI upstream, streamed. */
export const CODEX_STREAM = encoder.encode(
  JSON.stringify({ ...JSON.parse(fixtureText("requests/codex_request_turn2.json")), model: "o" }),
);
const HEADERS = { "content-type": "application/json", "x-api-key": "sk-bench-000000000000" };

/** One request through the handler, its answer read to the end. */
export async function call(path: string, body: Uint8Array<ArrayBuffer>): Promise<void> {
  const response = await handler(
    new Request(`http://127.0.0.1:8082${path}`, { method: "POST", headers: HEADERS, body }),
  );
  if (!response.ok) throw new Error(`${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}
