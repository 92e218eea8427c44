/**
 * `context` in models.yaml, end to end: the output limit sent upstream fits the window, a request
 * that cannot fit is refused without an upstream call, and an upstream's overflow error, in any
 * provider's words, reaches each caller in its own (Claude Code compacts on Anthropic's). A
 * `[1m]` suffix on a model name is looked up without it.
 */
import assert from "node:assert/strict";
import { decodeRequest } from "../lib/anthropic/decode_request.ts";
/** The dialects this file writes requests and overflow errors for. */
type Dialect = "anthropic" | "openai" | "gemini";
import { CODECS } from "../lib/dialects.ts";
import { estimateRequestTokens } from "../lib/tokens/estimate.ts";
import { json, type Mock, type Proxy, startMock, startProxy } from "./_harness.ts";

const CHAT_ANSWER = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1763990000,
  model: "up-1",
  choices: [{ index: 0, message: { role: "assistant", content: "Hi." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
};

/** `words` words of prose: about that many tokens. */
const prose = (words: number) => "the quick brown fox jumps over a lazy dog ".repeat(words / 9);

/** Serves models.yaml lines for upstreams of every dialect on one mock. */
async function withProxy(
  entries: (mock: Mock) => string,
  fn: (proxy: Proxy, mock: Mock) => Promise<void>,
): Promise<void> {
  const mock = startMock(() => json(CHAT_ANSWER));
  const proxy = startProxy(entries(mock));
  try {
    await fn(proxy, mock);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

/** Sends `text` as one user message from a caller of `dialect` to `model`. */
async function ask(
  proxy: Proxy,
  dialect: Dialect,
  model: string,
  text: string,
  maxTokens = 32000,
): Promise<{ status: number; body: any }> {
  const request = {
    anthropic: [`/anthropic/v1/messages`, {
      model,
      max_tokens: maxTokens,
      messages: [{ role: "user", content: text }],
    }],
    openai: [`/openai/v1/chat/completions`, {
      model,
      max_tokens: maxTokens,
      messages: [{ role: "user", content: text }],
    }],
    gemini: [`/gemini/v1beta/models/${model}:generateContent`, {
      contents: [{ role: "user", parts: [{ text }] }],
      generationConfig: { maxOutputTokens: maxTokens },
    }],
  }[dialect] as [string, unknown];
  const response = await fetch(proxy.url + request[0], {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "sk-test-0000" },
    body: JSON.stringify(request[1]),
  });
  return { status: response.status, body: await response.json() };
}

/** The proxy's own estimate of a one-message request. */
function estimate(text: string): number {
  return estimateRequestTokens(
    decodeRequest({ model: "m", max_tokens: 1, messages: [{ role: "user", content: text }] }).value,
    CODECS.anthropic.imageTokens,
  );
}

Deno.test("context: the output limit sent is what the window leaves after the input", async () => {
  const text = prose(9000);
  const input = estimate(text);
  await withProxy(
    (mock) => `
- {model_id: small, api_base: "${mock.url}", format: openai, max_tokens: 16K, context: 20K}
- {model_id: big, api_base: "${mock.url}", format: openai, max_tokens: 16K, context: 1M}
`,
    async (proxy, mock) => {
      // Converted (Claude Code on an OpenAI-dialect model) and passed through (OpenAI caller).
      for (const caller of ["anthropic", "openai"] as const) {
        assert.equal((await ask(proxy, caller, "small", text)).status, 200);
        assert.equal(mock.received.at(-1)!.json.max_tokens, 20000 - input, caller);
      }
      assert.equal((await ask(proxy, "anthropic", "big", text)).status, 200);
      assert.equal(mock.received.at(-1)!.json.max_tokens, 16000);
      assert.equal((await ask(proxy, "anthropic", "big", text, 500)).status, 200);
      assert.equal(mock.received.at(-1)!.json.max_tokens, 500);
    },
  );
});

/** What each caller must read for an overflow of `tokens` over `limit`. */
function assertOverflow(
  dialect: Dialect,
  status: number,
  body: any,
  tokens: number,
  limit: number,
) {
  assert.equal(status, 400, JSON.stringify(body));
  switch (dialect) {
    case "anthropic":
      assert.deepEqual(body, {
        type: "error",
        error: {
          type: "invalid_request_error",
          message: `prompt is too long: ${tokens} tokens > ${limit} maximum`,
        },
      });
      break;
    case "openai":
      assert.equal(body.error.code, "context_length_exceeded");
      assert.equal(body.error.type, "invalid_request_error");
      assert.equal(
        body.error.message,
        `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${tokens} tokens.`,
      );
      break;
    case "gemini":
      assert.deepEqual(body.error, {
        code: 400,
        status: "INVALID_ARGUMENT",
        message:
          `The input token count (${tokens}) exceeds the maximum number of tokens allowed (${limit}).`,
      });
      break;
  }
}

Deno.test("context: a request whose input alone exceeds the window is a 400, never sent", async () => {
  const text = prose(9000);
  const input = estimate(text);
  await withProxy(
    (mock) => `
- {model_id: tiny-openai, api_base: "${mock.url}", format: openai, context: 4K}
- {model_id: tiny-anthropic, api_base: "${mock.url}", format: anthropic, context: 4K}
- {model_id: tiny-gemini, api_base: "${mock.url}/v1beta", format: gemini, context: 4K}
`,
    async (proxy, mock) => {
      for (const caller of ["anthropic", "openai", "gemini"] as const) {
        for (const upstream of ["openai", "anthropic", "gemini"] as const) {
          const { status, body } = await ask(proxy, caller, `tiny-${upstream}`, text);
          // Each caller decodes the same text alike, so the estimate is the same number.
          assertOverflow(caller, status, body, input, 4000);
        }
      }
      assert.equal(mock.received.length, 0, "no upstream call");
    },
  );
});

/** Each known upstream overflow error, and the numbers it tells (undefined: it tells none). */
const UPSTREAM_OVERFLOWS: Array<{
  name: string;
  format: Dialect;
  status: number;
  body: unknown;
  told?: [number, number];
}> = [
  {
    name: "OpenAI-style maximum context length",
    format: "openai",
    status: 400,
    body: {
      error: {
        message:
          "This model's maximum context length is 131072 tokens. However, you requested 140000 tokens (139000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    },
    told: [140000, 131072],
  },
  {
    name: "OpenAI code context_length_exceeded alone",
    format: "openai",
    status: 400,
    body: {
      error: {
        message: "Your input exceeds the context window of this model.",
        type: "invalid_request_error",
        param: "input",
        code: "context_length_exceeded",
      },
    },
  },
  {
    name: "Anthropic prompt is too long",
    format: "anthropic",
    status: 400,
    body: {
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "prompt is too long: 210000 tokens > 200000 maximum",
      },
    },
    told: [210000, 200000],
  },
  {
    name: "Gemini exceeds the maximum number of tokens",
    format: "gemini",
    status: 400,
    body: {
      error: {
        code: 400,
        message:
          "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
        status: "INVALID_ARGUMENT",
      },
    },
    told: [1200000, 1048576],
  },
  {
    name: "Kimi exceeded model token limit",
    format: "openai",
    status: 400,
    body: {
      error: {
        message:
          "Invalid request: Your request exceeded model token limit: 262144 (requested: 269030)",
        type: "invalid_request_error",
      },
    },
    told: [269030, 262144],
  },
];

for (const overflow of UPSTREAM_OVERFLOWS) {
  Deno.test(`context: an upstream's overflow error (${overflow.name}) reaches each caller in its words`, async () => {
    const text = prose(900);
    const [tokens, limit] = overflow.told ?? [estimate(text), 64000];
    const base = (mock: Mock) => overflow.format === "gemini" ? `${mock.url}/v1beta` : mock.url;
    await withProxy(
      (mock) =>
        `- {model_id: m, api_base: "${base(mock)}", format: ${overflow.format}, context: 64K}\n`,
      async (proxy, mock) => {
        mock.handle(() => json(overflow.body, overflow.status));
        for (const caller of ["anthropic", "openai", "gemini"] as const) {
          const { status, body } = await ask(proxy, caller, "m", text);
          assertOverflow(caller, status, body, tokens, limit);
        }
      },
    );
  });
}

Deno.test("a model name ending in [1m] is looked up without the suffix", async () => {
  await withProxy(
    (mock) =>
      `- {model_id: deepseek-v4-pro, api_base: "${mock.url}", aliases: ["claude-opus-*"]}\n`,
    async (proxy, mock) => {
      for (const name of ["deepseek-v4-pro[1m]", "claude-opus-4-8[1m]"]) {
        const { status, body } = await ask(proxy, "anthropic", name, "Hi");
        assert.equal(status, 200, JSON.stringify(body));
        assert.equal(body.model, name, "the answer carries the name the caller sent");
        assert.equal(mock.received.at(-1)!.json.model, "deepseek-v4-pro");
      }
    },
  );
});
