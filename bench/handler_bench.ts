/**
 * The whole request handler in process, with `fetch` to the upstream replaced by a canned answer:
 * what the proxy's own code costs per request for the benchmark's lanes, without the HTTP stack.
 */
import {
  BIG,
  BIG_ROUTED,
  BIG_STREAM,
  call,
  CODEX_STREAM,
  SMALL_OPENAI,
  SMALL_RESPONSES,
} from "./_handler.ts";

Deno.bench("handler: anthropic → openai, 116 KB, non-stream", { group: "handler" }, async () => {
  await call("/anthropic/v1/messages", BIG);
});
Deno.bench(
  "handler: anthropic → router → openai, 116 KB, non-stream (five rules tried)",
  { group: "handler" },
  async () => {
    await call("/anthropic/v1/messages", BIG_ROUTED);
  },
);
Deno.bench(
  "handler: anthropic → openai, 116 KB, stream (20 chunks)",
  { group: "handler" },
  async () => {
    await call("/anthropic/v1/messages", BIG_STREAM);
  },
);
Deno.bench("handler: openai → anthropic, 2 KB, non-stream", { group: "handler" }, async () => {
  await call("/openai/v1/chat/completions", SMALL_OPENAI);
});
Deno.bench("handler: responses → openai, 2 KB, non-stream", { group: "handler" }, async () => {
  await call("/openai/v1/responses", SMALL_RESPONSES);
});
Deno.bench(
  "handler: responses → openai, Codex 43 KB, stream (20 chunks)",
  { group: "handler" },
  async () => {
    await call("/openai/v1/responses", CODEX_STREAM);
  },
);
