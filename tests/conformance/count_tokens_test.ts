/**
 * Token counting across dialects: Gemini's `:countTokens` on every upstream, Anthropic's
 * `count_tokens` on Gemini, Responses' `input_tokens` both ways, and the local estimate where an
 * upstream cannot count (or its counter fails).
 */
import assert from "node:assert/strict";
import { json } from "../_harness.ts";
import { exchange, MODEL } from "./_exchange.ts";

const GOOG = { "x-goog-api-key": "k-1" };
const REQUEST = {
  systemInstruction: { parts: [{ text: "Be brief." }] },
  contents: [{ role: "user", parts: [{ text: "How many tokens is this sentence?" }] }],
};

async function count(
  path: string,
  headers: Record<string, string>,
  body: unknown,
  answer: Response,
) {
  const result = await exchange({ path, headers, body }, () => answer.clone());
  return { ...result, json: JSON.parse(result.text) };
}

Deno.test("conformance: token counting", async (t) => {
  await t.step("gemini → gemini: :countTokens forwarded as is", async () => {
    const r = await count(
      `/gemini/v1beta/models/${MODEL.gemini}:countTokens`,
      GOOG,
      REQUEST,
      json({ totalTokens: 42 }),
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { totalTokens: 42 });
    assert.equal(r.received[0].path, "/v1beta/models/gemini-3-pro-preview:countTokens");
    assert.deepEqual(r.received[0].json, REQUEST);
  });
  await t.step("gemini → anthropic: forwarded to count_tokens, converted", async () => {
    const r = await count(
      `/gemini/v1beta/models/${MODEL.anthropic}:countTokens`,
      GOOG,
      REQUEST,
      json({ input_tokens: 17 }),
    );
    assert.deepEqual(r.json, { totalTokens: 17 });
    assert.equal(r.received[0].path, "/v1/messages/count_tokens");
    assert.equal(r.received[0].json.model, "claude-real-1");
    assert.match(JSON.stringify(r.received[0].json.system), /Be brief\./);
    assert.equal(r.received[0].json.messages[0].role, "user");
  });
  await t.step("gemini → openai: estimated locally, and said so", async () => {
    const r = await count(
      `/gemini/v1beta/models/${MODEL.openai}:countTokens`,
      GOOG,
      REQUEST,
      json({}),
    );
    assert.equal(r.status, 200);
    assert.ok(r.json.totalTokens > 0 && r.json.totalTokens < 100, `${r.json.totalTokens}`);
    assert.match(r.headers.get("x-proxy-token-count")!, /estimated/);
    assert.equal(r.received.length, 0);
  });
  await t.step("gemini → openai: the generateContentRequest wrapper is accepted", async () => {
    const r = await count(
      `/gemini/v1beta/models/${MODEL.openai}:countTokens`,
      GOOG,
      { generateContentRequest: { model: `models/${MODEL.openai}`, ...REQUEST } },
      json({}),
    );
    assert.equal(r.status, 200);
    assert.ok(r.json.totalTokens > 0);
  });
  await t.step(
    "anthropic → gemini: count_tokens → :countTokens with the converted request",
    async () => {
      const r = await count(
        "/anthropic/v1/messages/count_tokens",
        { "x-api-key": "k-1", "anthropic-version": "2023-06-01" },
        {
          model: MODEL.gemini,
          system: "Be brief.",
          messages: [{ role: "user", content: "How many tokens?" }],
          tools: [
            {
              name: "read_file",
              input_schema: { type: "object", properties: { path: { type: "string" } } },
            },
            { name: "glob", input_schema: { type: "object" } },
          ],
        },
        json({ totalTokens: 23 }),
      );
      assert.deepEqual(r.json, { input_tokens: 23 });
      assert.equal(r.received[0].path, "/v1beta/models/gemini-3-pro-preview:countTokens");
      assert.equal(r.received[0].headers.get("x-goog-api-key"), "k-1");
      const inner = r.received[0].json.generateContentRequest;
      assert.equal(inner.model, "models/gemini-3-pro-preview");
      assert.deepEqual(inner.systemInstruction, { parts: [{ text: "Be brief." }] });
      assert.deepEqual(inner.contents, [{ role: "user", parts: [{ text: "How many tokens?" }] }]);
      assert.deepEqual(inner.tools[0].functionDeclarations.map((d: any) => d.name), [
        "read_file",
        "glob",
      ]);
    },
  );
  const BEARER = { authorization: "Bearer k-1" };
  const RESPONSES_REQUEST = {
    instructions: "Be brief.",
    input: [{ role: "user", content: "How many tokens is this sentence?" }],
    tools: [{ type: "function", name: "read_file", parameters: { type: "object" } }],
  };
  await t.step(
    "responses → responses: input_tokens forwarded with the upstream's model",
    async () => {
      const r = await count(
        "/openai/v1/responses/input_tokens",
        BEARER,
        { ...RESPONSES_REQUEST, model: MODEL.responses },
        json({ object: "response.input_tokens", input_tokens: 31 }),
      );
      assert.deepEqual(r.json, { object: "response.input_tokens", input_tokens: 31 });
      assert.equal(r.received[0].path, "/v1/responses/input_tokens");
      assert.deepEqual(r.received[0].json, { ...RESPONSES_REQUEST, model: "gpt-resp-1" });
    },
  );
  await t.step("responses → anthropic: forwarded to count_tokens, converted", async () => {
    const r = await count(
      "/v1/responses/input_tokens",
      BEARER,
      { ...RESPONSES_REQUEST, model: MODEL.anthropic },
      json({ input_tokens: 19 }),
    );
    assert.deepEqual(r.json, { object: "response.input_tokens", input_tokens: 19 });
    assert.equal(r.received[0].path, "/v1/messages/count_tokens");
    assert.match(JSON.stringify(r.received[0].json.system), /Be brief\./);
    assert.equal(r.received[0].json.tools[0].name, "read_file");
  });
  await t.step("responses → openai: estimated locally, and said so", async () => {
    const r = await count(
      "/openai/v1/responses/input_tokens",
      BEARER,
      { ...RESPONSES_REQUEST, model: MODEL.openai },
      json({}),
    );
    assert.equal(r.status, 200);
    assert.ok(r.json.input_tokens > 0 && r.json.input_tokens < 100, `${r.json.input_tokens}`);
    assert.equal(r.json.object, "response.input_tokens");
    assert.match(r.headers.get("x-proxy-token-count")!, /estimated/);
    assert.equal(r.received.length, 0);
  });
  await t.step(
    "anthropic → responses: count_tokens → /responses/input_tokens, converted",
    async () => {
      const r = await count(
        "/anthropic/v1/messages/count_tokens",
        { "x-api-key": "k-1" },
        {
          model: MODEL.responses,
          system: "Be brief.",
          messages: [{ role: "user", content: "How many tokens?" }],
          tools: [{ name: "glob", input_schema: { type: "object" } }],
        },
        json({ object: "response.input_tokens", input_tokens: 27 }),
      );
      assert.deepEqual(r.json, { input_tokens: 27 });
      const sent = r.received[0];
      assert.equal(sent.path, "/v1/responses/input_tokens");
      assert.equal(sent.headers.get("authorization"), "Bearer k-1");
      assert.deepEqual(sent.json, {
        model: "gpt-resp-1",
        instructions: "Be brief.",
        input: [{
          type: "message",
          role: "user",
          content: [{ type: "input_text", text: "How many tokens?" }],
        }],
        tools: [{ type: "function", name: "glob", parameters: { type: "object" } }],
      });
    },
  );
  await t.step("gemini → responses: an upstream error → estimated, and said so", async () => {
    const r = await count(
      `/gemini/v1beta/models/${MODEL.responses}:countTokens`,
      GOOG,
      REQUEST,
      json({ error: { message: "boom", type: "server_error", param: null, code: null } }, 500),
    );
    assert.equal(r.status, 200);
    assert.ok(r.json.totalTokens > 0);
    assert.match(r.headers.get("x-proxy-token-count")!, /estimated.*500/);
    assert.equal(r.received[0].path, "/v1/responses/input_tokens");
  });
  await t.step("anthropic → gemini: an upstream error → estimated, and said so", async () => {
    const r = await count(
      "/anthropic/v1/messages/count_tokens",
      { "x-api-key": "k" },
      { model: MODEL.gemini, messages: [{ role: "user", content: "Hi" }] },
      json({ error: { code: 500, message: "boom", status: "INTERNAL" } }, 500),
    );
    assert.equal(r.status, 200);
    assert.ok(r.json.input_tokens > 0);
    assert.match(r.headers.get("x-proxy-token-count")!, /estimated/);
  });
});
