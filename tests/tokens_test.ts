/**
 * Token counting: the local estimate against the o200k reference tokenizer on the written
 * bodies (the tolerance is the assertion), and each counting path of `count_tokens` /
 * `:countTokens` through the real proxy to a mock upstream that checks what it receives.
 */
import assert from "node:assert/strict";
import { CODECS } from "../lib/dialects.ts";
import {
  estimateRequestBreakdown,
  estimateRequestTokens,
  textTokens,
} from "../lib/tokens/estimate.ts";
import { loadSample, referenceRequestTokens, SAMPLES } from "../bench/_token_reference.ts";
import { json, type Mock, type Proxy, startMock, startProxy } from "./_harness.ts";

/** Images priced as at Anthropic, for the samples (which hold few). */
const IMAGES = CODECS.anthropic.imageTokens;

const KEY = "sk-count-test-7f3a";

Deno.test("estimateRequestTokens() is within 10% of o200k over the written bodies", () => {
  let estimated = 0;
  let reference = 0;
  for (const sample of SAMPLES) {
    const request = loadSample(sample);
    const est = estimateRequestBreakdown(request, IMAGES);
    const ref = referenceRequestTokens(request);
    estimated += est.total;
    reference += ref.total;
    const error = est.total / ref.total - 1;
    assert.ok(Math.abs(error) <= 0.1, `${sample.name}: ${est.total} vs o200k ${ref.total}`);
    assert.equal(estimateRequestTokens(request, IMAGES), est.total);
  }
  const overall = estimated / reference - 1;
  assert.ok(Math.abs(overall) <= 0.1, `overall ${estimated} vs o200k ${reference}`);
});

Deno.test("estimateRequestTokens() never undercounts system prompts or tool definitions", () => {
  for (const sample of SAMPLES) {
    const request = loadSample(sample);
    const est = estimateRequestBreakdown(request, IMAGES);
    const ref = referenceRequestTokens(request);
    assert.ok(est.system >= ref.system, `${sample.name} system: ${est.system} < ${ref.system}`);
    assert.ok(est.tools >= ref.tools, `${sample.name} tools: ${est.tools} < ${ref.tools}`);
  }
});

Deno.test("textTokens() prices the pieces a BPE tokenizer cuts text into", () => {
  assert.equal(textTokens(""), 0);
  assert.equal(textTokens("hello"), 1);
  assert.equal(textTokens(" hello world"), 2);
  assert.equal(textTokens("1234567"), 3); // digits in runs of three
  assert.equal(textTokens('{"a":1}'), 5); // {" a ": 1 }
  assert.equal(textTokens("你好世界"), 3); // 0.72 a character
  assert.equal(textTokens("getUserName"), 3); // camelCase humps
});

Deno.test("estimateRequestTokens() counts an image by its pixel size", () => {
  // A PNG header of 1000 × 750 pixels: 1000 tokens at 750 pixels a token.
  const png = new Uint8Array(32);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(png.buffer).setUint32(16, 1000);
  new DataView(png.buffer).setUint32(20, 750);
  const data = btoa(String.fromCharCode(...png));
  const request = CODECS.anthropic.decodeRequest({
    model: "m",
    max_tokens: 10,
    messages: [{
      role: "user",
      content: [{ type: "image", source: { type: "base64", media_type: "image/png", data } }],
    }],
  }, { model: "m", stream: false }).value;
  assert.equal(estimateRequestTokens(request, IMAGES), 4 + 1000);
});

function modelsYaml(mock: Mock): string {
  return `
- model_id: up-anthropic
  model_name: claude-real-1
  api_base: ${mock.url}
  format: anthropic
- model_id: up-openai
  model_name: gpt-real-1
  api_base: ${mock.url}/v1
  format: openai
- model_id: up-gemini
  model_name: gemini-real-1
  api_base: ${mock.url}/v1beta
  format: gemini
`;
}

async function withProxy(
  answer: (path: string) => Response,
  fn: (mock: Mock, proxy: Proxy) => Promise<void>,
): Promise<void> {
  const mock = startMock((req) => answer(req.path));
  const proxy = startProxy(modelsYaml(mock));
  try {
    await fn(mock, proxy);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

const ANTHROPIC_COUNT_BODY = {
  system: [{ type: "text", text: "You are terse." }],
  messages: [{ role: "user", content: "What is the capital of France?" }],
  tools: [{
    name: "lookup",
    description: "Look a fact up",
    input_schema: { type: "object", properties: { q: { type: "string" } } },
  }],
};

const GEMINI_COUNT_BODY = {
  systemInstruction: { parts: [{ text: "You are terse." }] },
  contents: [{ role: "user", parts: [{ text: "What is the capital of France?" }] }],
  tools: [{
    functionDeclarations: [{
      name: "lookup",
      description: "Look a fact up",
      parameters: { type: "object", properties: { q: { type: "string" } } },
    }],
  }],
};

function countAnthropic(proxy: Proxy, model: string, body = ANTHROPIC_COUNT_BODY) {
  return fetch(`${proxy.url}/anthropic/v1/messages/count_tokens`, {
    method: "POST",
    headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ ...body, model }),
  });
}

function countGemini(proxy: Proxy, model: string, body: unknown = GEMINI_COUNT_BODY) {
  return fetch(`${proxy.url}/gemini/v1beta/models/${model}:countTokens`, {
    method: "POST",
    headers: { "x-goog-api-key": KEY },
    body: JSON.stringify(body),
  });
}

Deno.test("count_tokens on an Anthropic upstream is forwarded to its own counter", async () => {
  await withProxy(() => json({ input_tokens: 321 }), async (mock, proxy) => {
    const response = await countAnthropic(proxy, "up-anthropic");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { input_tokens: 321 });
    assert.equal(response.headers.get("x-proxy-token-count"), null);
    assert.equal(mock.received[0].path, "/v1/messages/count_tokens");
    assert.equal(mock.received[0].headers.get("x-api-key"), KEY);
    assert.equal(mock.received[0].json.model, "claude-real-1");
    assert.deepEqual(mock.received[0].json.messages, ANTHROPIC_COUNT_BODY.messages);
  });
});

Deno.test("Gemini :countTokens on an Anthropic upstream sends the converted request", async () => {
  await withProxy(() => json({ input_tokens: 55 }), async (mock, proxy) => {
    const response = await countGemini(proxy, "up-anthropic");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { totalTokens: 55 });
    const sent = mock.received[0];
    assert.equal(sent.path, "/v1/messages/count_tokens");
    assert.equal(sent.json.model, "claude-real-1");
    assert.equal(sent.json.max_tokens, undefined, "the counter takes no max_tokens");
    assert.equal(sent.json.stream, undefined);
    assert.deepEqual(
      sent.json.system.map((b: { text: string }) => b.text).join(""),
      "You are terse.",
    );
    assert.equal(sent.json.messages[0].role, "user");
    assert.equal(JSON.stringify(sent.json.messages[0].content).includes("capital of France"), true);
    assert.equal(sent.json.tools[0].name, "lookup");
    assert.deepEqual(sent.json.tools[0].input_schema.properties, { q: { type: "string" } });
  });
});

Deno.test("count_tokens on a Gemini upstream is forwarded to :countTokens, converted", async () => {
  await withProxy(() => json({ totalTokens: 77 }), async (mock, proxy) => {
    const response = await countAnthropic(proxy, "up-gemini");
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { input_tokens: 77 });
    const sent = mock.received[0];
    assert.equal(sent.path, "/v1beta/models/gemini-real-1:countTokens");
    assert.equal(sent.headers.get("x-goog-api-key"), KEY);
    const inner = sent.json.generateContentRequest;
    assert.equal(inner.model, "models/gemini-real-1");
    assert.deepEqual(inner.contents, [
      { role: "user", parts: [{ text: "What is the capital of France?" }] },
    ]);
    assert.deepEqual(inner.systemInstruction.parts, [{ text: "You are terse." }]);
    assert.equal(inner.tools[0].functionDeclarations[0].name, "lookup");
  });
});

Deno.test("count_tokens sends no billing line to a Gemini counter, only to Anthropic's", async () => {
  const billing =
    "x-anthropic-billing-header: cc_version=2.1.241.a3f; cc_entrypoint=cli; cch=5e0c2;";
  const body = {
    ...ANTHROPIC_COUNT_BODY,
    system: [{ type: "text", text: billing }, ...ANTHROPIC_COUNT_BODY.system],
  };
  await withProxy(() => json({ totalTokens: 77, input_tokens: 77 }), async (mock, proxy) => {
    assert.equal((await countAnthropic(proxy, "up-gemini", body)).status, 200);
    assert.ok(!mock.received[0].body.includes("cch="), mock.received[0].body);
    assert.equal((await countGemini(proxy, "up-anthropic")).status, 200);
    assert.equal((await countAnthropic(proxy, "up-anthropic", body)).status, 200);
    assert.equal(mock.received[2].json.system[0].text, billing);
  });
});

Deno.test("Gemini :countTokens on a Gemini upstream passes through", async () => {
  await withProxy(() => json({ totalTokens: 12 }), async (mock, proxy) => {
    const response = await countGemini(proxy, "up-gemini");
    assert.deepEqual(await response.json(), { totalTokens: 12 });
    assert.equal(mock.received[0].path, "/v1beta/models/gemini-real-1:countTokens");
    assert.deepEqual(mock.received[0].json.contents, GEMINI_COUNT_BODY.contents);
  });
});

Deno.test("count_tokens on an OpenAI upstream is counted locally and says so", async () => {
  const expected = estimateRequestTokens(
    CODECS.anthropic.decodeRequest({ ...ANTHROPIC_COUNT_BODY, model: "m", max_tokens: 1 }, {
      model: "m",
      stream: false,
    }).value,
    CODECS.openai.imageTokens,
  );
  await withProxy(() => json({}, 500), async (mock, proxy) => {
    const anthropic = await countAnthropic(proxy, "up-openai");
    assert.equal(anthropic.status, 200);
    assert.deepEqual(await anthropic.json(), { input_tokens: expected });
    assert.match(anthropic.headers.get("x-proxy-token-count") ?? "", /^estimated/);
    const gemini = await countGemini(proxy, "up-openai");
    assert.equal(gemini.status, 200);
    const { totalTokens } = await gemini.json();
    assert.ok(totalTokens > 10 && totalTokens < 200, `totalTokens ${totalTokens}`);
    assert.match(gemini.headers.get("x-proxy-token-count") ?? "", /^estimated/);
    assert.equal(mock.received.length, 0, "an OpenAI upstream has no counter to call");
  });
});

Deno.test("a failing upstream counter falls back to the local count with a header", async () => {
  await withProxy(
    () => json({ type: "error", error: { type: "api_error", message: "boom" } }, 500),
    async (mock, proxy) => {
      const response = await countGemini(proxy, "up-anthropic");
      assert.equal(response.status, 200);
      const { totalTokens } = await response.json();
      assert.ok(totalTokens > 10, `totalTokens ${totalTokens}`);
      const note = response.headers.get("x-proxy-token-count") ?? "";
      assert.match(note, /^estimated/);
      assert.match(note, /500/);
      assert.equal(mock.received.length, 1);
    },
  );
});

/** A base64 PNG header claiming `width` × `height` pixels (no pixels follow). */
function pngHeader(width: number, height: number): string {
  const png = new Uint8Array(32);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(png.buffer).setUint32(16, width);
  new DataView(png.buffer).setUint32(20, height);
  return btoa(String.fromCharCode(...png));
}

Deno.test("count_tokens prices an image as the upstream's provider does, a forged header included", async () => {
  await withProxy(() => json({}, 500), async (_mock, proxy) => {
    const count = async (width: number, height: number) => {
      const image = {
        type: "image",
        source: { type: "base64", media_type: "image/png", data: pngHeader(width, height) },
      };
      const response = await fetch(`${proxy.url}/anthropic/v1/messages/count_tokens`, {
        method: "POST",
        headers: { "x-api-key": "sk-count-0000000000", "content-type": "application/json" },
        body: JSON.stringify({
          model: "up-openai",
          messages: [{ role: "user", content: [image] }],
        }),
      });
      return (await response.json()).input_tokens as number;
    };
    // One message (4) and the image as OpenAI prices it after fitting 2048, then 768.
    assert.equal(await count(3840, 2160), 4 + 1105);
    const forged = await count(4_294_967_295, 4_294_967_295);
    assert.ok(Number.isSafeInteger(forged), String(forged));
    assert.equal(forged, 4 + 765);
  });
});
