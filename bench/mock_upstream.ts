/**
 * A fast mock upstream for the end-to-end benchmark and the load script:
 * `deno run --allow-net bench/mock_upstream.ts <port>`. It answers OpenAI `/chat/completions`
 * and Anthropic `/messages` from bodies built once at start, whole or as a stream of 20 events.
 * A path that starts with `/slow<N>/` spaces the stream's events N ms apart (long-lived streams
 * for the load test).
 */

const encoder = new TextEncoder();
const WORDS = "The quick brown fox jumps over the lazy dog while the proxy converts it. ";

function sse(data: unknown, event?: string): string {
  return (event ? `event: ${event}\n` : "") +
    `data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`;
}

function openaiEvents(): Uint8Array[] {
  const chunk = (choices: unknown[], usage?: unknown) => ({
    id: "chatcmpl-mock",
    object: "chat.completion.chunk",
    created: 1700000000,
    model: "mock-model",
    choices,
    ...(usage ? { usage } : {}),
  });
  const events = [sse(chunk([{ index: 0, delta: { role: "assistant", content: "" } }]))];
  for (let i = 0; i < 16; i++) {
    events.push(sse(chunk([{ index: 0, delta: { content: WORDS } }])));
  }
  events.push(sse(chunk([{ index: 0, delta: {}, finish_reason: "stop" }])));
  events.push(sse(chunk([], {
    prompt_tokens: 1200,
    completion_tokens: 256,
    total_tokens: 1456,
    prompt_tokens_details: { cached_tokens: 1000 },
  })));
  events.push("data: [DONE]\n\n");
  return events.map((e) => encoder.encode(e));
}

function anthropicEvents(): Uint8Array[] {
  const events = [
    sse({
      type: "message_start",
      message: {
        id: "msg_mock",
        type: "message",
        role: "assistant",
        model: "mock-model",
        content: [],
        stop_reason: null,
        usage: { input_tokens: 200, cache_read_input_tokens: 1000, output_tokens: 1 },
      },
    }, "message_start"),
    sse(
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      "content_block_start",
    ),
  ];
  for (let i = 0; i < 16; i++) {
    events.push(
      sse(
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: WORDS } },
        "content_block_delta",
      ),
    );
  }
  events.push(sse({ type: "content_block_stop", index: 0 }, "content_block_stop"));
  events.push(
    sse({
      type: "message_delta",
      delta: { stop_reason: "end_turn" },
      usage: { output_tokens: 256 },
    }, "message_delta"),
  );
  events.push(sse({ type: "message_stop" }, "message_stop"));
  return events.map((e) => encoder.encode(e));
}

const OPENAI_JSON = encoder.encode(JSON.stringify({
  id: "chatcmpl-mock",
  object: "chat.completion",
  created: 1700000000,
  model: "mock-model",
  choices: [{
    index: 0,
    message: { role: "assistant", content: WORDS.repeat(16) },
    finish_reason: "stop",
  }],
  usage: { prompt_tokens: 1200, completion_tokens: 256, total_tokens: 1456 },
}));
const ANTHROPIC_JSON = encoder.encode(JSON.stringify({
  id: "msg_mock",
  type: "message",
  role: "assistant",
  model: "mock-model",
  content: [{ type: "text", text: WORDS.repeat(16) }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 200, cache_read_input_tokens: 1000, output_tokens: 256 },
}));
const OPENAI_EVENTS = openaiEvents();
const ANTHROPIC_EVENTS = anthropicEvents();
const STREAM_FLAG = encoder.encode('"stream":true');

function stream(events: Uint8Array[], delayMs: number): ReadableStream<Uint8Array> {
  if (delayMs === 0) {
    return new ReadableStream({
      start(controller) {
        for (const e of events) controller.enqueue(e);
        controller.close();
      },
    });
  }
  let i = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream({
    pull(controller) {
      if (i >= events.length) return controller.close();
      const event = events[i++];
      if (i === 1) return controller.enqueue(event);
      return new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          controller.enqueue(event);
          resolve();
        }, delayMs);
      });
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}

/** Whether the body asks for a stream: looks for `"stream":true` without parsing it. */
function wantsStream(body: Uint8Array): boolean {
  outer: for (let i = 0; i + STREAM_FLAG.length <= body.length; i++) {
    for (let j = 0; j < STREAM_FLAG.length; j++) {
      if (body[i + j] !== STREAM_FLAG[j]) continue outer;
    }
    return true;
  }
  return false;
}

async function handle(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  const body = new Uint8Array(await request.arrayBuffer());
  const slow = /^\/slow(\d+)\//.exec(path);
  const delayMs = slow ? Number(slow[1]) : 0;
  const streamed = wantsStream(body);
  const sseHeaders = { "content-type": "text/event-stream" };
  const jsonHeaders = { "content-type": "application/json" };
  if (path.endsWith("/chat/completions")) {
    return streamed
      ? new Response(stream(OPENAI_EVENTS, delayMs), { headers: sseHeaders })
      : new Response(OPENAI_JSON, { headers: jsonHeaders });
  }
  if (path.endsWith("/messages")) {
    return streamed
      ? new Response(stream(ANTHROPIC_EVENTS, delayMs), { headers: sseHeaders })
      : new Response(ANTHROPIC_JSON, { headers: jsonHeaders });
  }
  return new Response(`{"error":{"message":"no mock at ${path}"}}`, { status: 404 });
}

if (import.meta.main) {
  const port = Number(Deno.args[0] ?? 0);
  Deno.serve({
    hostname: "127.0.0.1",
    port,
    onListen: ({ port }) => console.log(`mock upstream on ${port}`),
  }, handle);
}
