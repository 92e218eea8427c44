/**
 * The Responses dialect as the server serves it, in process (the handler with a fake upstream):
 * its routes and the model probe, its errors, statelessness on converted pairs and state passed
 * through to a Responses upstream, the one retry without `encrypted_content`, `thinking_style`
 * for `format: responses`, and token counting both ways.
 */
import assert from "node:assert/strict";
import { chatCompletion, handlerWith, json, post, sse } from "../lib/server/_fake_upstream.ts";
import { parseModels } from "../lib/config/models.ts";
import { encryptedContentOf } from "../lib/responses/reasoning_proof.ts";
import { responsesStream } from "./_responses_sse.ts";

const MODELS = `
- model_id: codex
  model_name: gpt-5-codex
  api_base: https://api.openai.example/v1
  format: responses
  max_tokens: 16K
- model_id: quiet-codex
  model_name: gpt-5-codex
  api_base: https://api.openai.example/v1
  format: responses
  thinking_style: none
- model_id: whole-codex
  model_name: gpt-5-codex
  api_base: https://api.openai.example/v1
  format: responses
  can_stream: false
- model_id: deepseek
  model_name: deepseek-chat
  api_base: https://api.deepseek.example/v1
- model_id: claude
  model_name: claude-real
  api_base: https://api.anthropic.example
  format: anthropic
`;

const HI = { model: "deepseek", input: "Hi" };

/** A Responses upstream's whole answer with the text "Hello.". */
function responseAnswer(model = "gpt-5-codex-2026-01-01") {
  return {
    id: "resp_up",
    object: "response",
    created_at: 1,
    status: "completed",
    model,
    output: [{
      id: "msg_up",
      type: "message",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text: "Hello.", annotations: [] }],
    }],
    usage: { input_tokens: 11, output_tokens: 3, total_tokens: 14 },
  };
}

Deno.test("POST /openai/v1/responses, /v1/responses and /openai/v1/v1/responses serve Responses callers", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json(chatCompletion("Hello.")));
  for (const path of ["/openai/v1/responses", "/v1/responses", "/openai/v1/v1/responses"]) {
    const answer = await handle(post(path, HI));
    assert.equal(answer.status, 200, path);
    const body = await answer.json();
    assert.equal(body.object, "response", path);
    assert.equal(body.model, "deepseek");
    assert.deepEqual(body.output.map((i: any) => i.content[0].text), ["Hello."]);
    assert.deepEqual(body.usage, {
      input_tokens: 11,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 14,
    });
  }
  assert.equal(sent.length, 3);
  assert.equal(sent[0].url, "https://api.deepseek.example/v1/chat/completions");
});

Deno.test("a Responses caller's stream is decided by the body's stream flag", async () => {
  const { handle, sent } = handlerWith(MODELS, (call) =>
    call.json.stream
      ? sse([
        JSON.stringify({ ...chunk({ role: "assistant", content: "Hi" }) }),
        JSON.stringify({ ...chunk({}, "stop"), usage: { prompt_tokens: 2, completion_tokens: 1 } }),
        "[DONE]",
      ])
      : json(chatCompletion("Hi")));
  const streamed = await handle(post("/openai/v1/responses", { ...HI, stream: true }));
  assert.equal(streamed.headers.get("content-type"), "text/event-stream");
  const text = await streamed.text();
  assert.match(
    text,
    /^event: response\.created\ndata: \{"type":"response\.created","sequence_number":0,/,
  );
  assert.match(text, /event: response\.completed\n/);
  const whole = await handle(post("/openai/v1/responses", { ...HI, stream: false }));
  assert.match(whole.headers.get("content-type")!, /application\/json/);
  assert.deepEqual(sent.map((s) => s.json.stream === true), [true, false]);
});

function chunk(delta: unknown, finish: string | null = null) {
  return {
    id: "c",
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

Deno.test("GET /openai/v1/models carries Codex's models beside OpenAI's data, the same ids", async () => {
  const { handle } = handlerWith(MODELS, () => json({}));
  for (const path of ["/openai/v1/models", "/v1/models"]) {
    const answer = await handle(
      new Request(`http://127.0.0.1:8082${path}`, { headers: { authorization: "Bearer k" } }),
    );
    const body = await answer.json();
    const ids = ["codex", "quiet-codex", "whole-codex", "deepseek", "claude"];
    assert.deepEqual(body.data.map((m: any) => m.id), ids, path);
    assert.deepEqual(body.models.map((m: any) => m.slug), ids, path);
  }
  const one = await handle(new Request("http://127.0.0.1:8082/openai/v1/models/codex"));
  const model = await one.json();
  assert.deepEqual(model, {
    id: "codex",
    object: "model",
    created: model.created,
    owned_by: "llm-proxy",
  });
});

Deno.test("a Responses caller's errors are OpenAI's envelope with the codes it reads", async () => {
  const { handle } = handlerWith(MODELS, () => json({}));
  const unknown = await handle(post("/openai/v1/responses", { ...HI, model: "nope" }));
  assert.equal(unknown.status, 404);
  assert.deepEqual((await unknown.json()).error.code, "model_not_found");
  const bad = await handle(post("/openai/v1/responses", { ...HI, input: 5 }));
  assert.equal(bad.status, 400);
  const body = await bad.json();
  assert.equal(body.error.type, "invalid_request_error");
  assert.match(body.error.message, /^input: must be string or array/);
  const noKey = await handle(post("/openai/v1/responses", HI, {}));
  assert.equal(noKey.status, 401);
  assert.equal((await noKey.json()).error.type, "authentication_error");
});

Deno.test("a converted pair is stateless: previous_response_id is a 400, store: true answered as false", async () => {
  const { handle, sent, records } = handlerWith(MODELS, () => json(chatCompletion("Hi")));
  const previous = await handle(
    post("/openai/v1/responses", { ...HI, previous_response_id: "resp_abc" }),
  );
  assert.equal(previous.status, 400);
  const error = (await previous.json()).error;
  assert.equal(error.code, "previous_response_not_found");
  assert.equal(error.type, "invalid_request_error");
  assert.match(error.message, /keeps no stored responses.*"store": false/);
  assert.equal(sent.length, 0, "nothing went upstream");

  const stored = await handle(post("/openai/v1/responses", { ...HI, store: true }));
  assert.equal(stored.status, 200);
  assert.match(stored.headers.get("x-proxy-warnings") ?? "", /"store": true was answered as false/);
  assert.equal((await stored.json()).store, false);
  assert.match(records.at(-1)!.warnings.join(), /"store": true was answered as false/);
});

Deno.test("a Responses upstream holds the state: previous_response_id and store go through", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json(responseAnswer()));
  const body = {
    model: "codex",
    input: "And then?",
    previous_response_id: "resp_abc",
    store: true,
    max_output_tokens: 99999,
  };
  const answer = await handle(post("/openai/v1/responses", body));
  assert.equal(answer.status, 200);
  assert.equal(sent[0].url, "https://api.openai.example/v1/responses");
  assert.equal(sent[0].headers.get("authorization"), "Bearer sk-test-1234");
  assert.deepEqual(sent[0].json, { ...body, model: "gpt-5-codex", max_output_tokens: 16000 });
  const text = await answer.text();
  assert.equal(text, JSON.stringify({ ...responseAnswer(), model: "codex" }), "only renamed");
});

Deno.test("a Responses model that cannot stream still takes previous_response_id, told as a stream", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json(responseAnswer()));
  const body = {
    model: "whole-codex",
    input: [{ type: "item_reference", id: "msg_1" }, { role: "user", content: "And then?" }],
    previous_response_id: "resp_abc",
  };
  const answer = await handle(post("/openai/v1/responses", { ...body, stream: true }));
  assert.equal(answer.status, 200, await answer.clone().text());
  assert.equal(answer.headers.get("content-type"), "text/event-stream");
  assert.match(await answer.text(), /event: response\.completed\n/);
  assert.equal(sent[0].json.previous_response_id, "resp_abc");
  assert.deepEqual(sent[0].json.input, body.input);
  assert.equal(sent[0].json.stream, false);
});

Deno.test("a relayed Responses stream is renamed in each response, and its usage read at the end", async () => {
  const { handle, records } = handlerWith(MODELS, () =>
    new Response(
      responsesStream([responseAnswer().output[0]], {
        model: "gpt-5-codex-2026-01-01",
        usage: { input_tokens: 40, output_tokens: 7, total_tokens: 47 },
      }),
      { headers: { "content-type": "text/event-stream" } },
    ));
  const answer = await handle(
    post("/openai/v1/responses", { model: "codex", input: "Hi", stream: true }),
  );
  const text = await answer.text();
  assert.ok(!text.includes("gpt-5-codex-2026-01-01"), text);
  assert.equal(text.match(/"model":"codex"/g)?.length, 3, "created, in_progress, completed");
  assert.ok(text.endsWith("\n\n"));
  assert.equal(records.at(-1)!.usage?.inputTokens, 40);
  assert.equal(records.at(-1)!.usage?.outputTokens, 7);
});

const INVALID_PROOF = {
  error: {
    message: "The encrypted content for item rs_1 could not be verified. Reason: Encrypted " +
      "content organization_id did not match the target organization_id.",
    type: "invalid_request_error",
    param: null,
    code: "invalid_encrypted_content",
  },
};

/** An upstream that refuses any body still holding a reasoning item. */
function refusesProofs(stream: boolean) {
  return (call: { json: any }) => {
    const replayed = (call.json.input as any[]).some((i) => i.type === "reasoning");
    if (replayed) return json(INVALID_PROOF, 400);
    return stream
      ? new Response(responsesStream([responseAnswer().output[0]]), {
        headers: { "content-type": "text/event-stream" },
      })
      : json(responseAnswer());
  };
}

for (const stream of [false, true]) {
  Deno.test(`invalid_encrypted_content: sent once more without reasoning, passed through${stream ? ", streamed" : ""}`, async () => {
    const { handle, sent, records } = handlerWith(MODELS, refusesProofs(stream));
    const input = [
      { role: "user", content: "Fix it" },
      { type: "reasoning", id: "rs_1", summary: [], encrypted_content: "gAAAA-other-org" },
      { type: "function_call", call_id: "c1", name: "shell", arguments: "{}" },
      { type: "function_call_output", call_id: "c1", output: "done" },
    ];
    const answer = await handle(post("/openai/v1/responses", { model: "codex", input, stream }));
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.match(await answer.text(), /Hello\./);
    assert.equal(sent.length, 2);
    assert.deepEqual(sent[1].json.input, [input[0], input[2], input[3]]);
    assert.match(answer.headers.get("x-proxy-warnings") ?? "", /invalid_encrypted_content/);
    assert.match(records.at(-1)!.warnings.join(), /invalid_encrypted_content/);
  });

  Deno.test(`invalid_encrypted_content: sent once more without reasoning, converted${stream ? ", streamed" : ""}`, async () => {
    const { handle, sent } = handlerWith(MODELS, refusesProofs(stream));
    // Claude Code replays the reasoning a Responses upstream made, as its signature.
    const signature = encryptedContentOf({ origin: "responses", value: "x" }).replace(
      "x",
      "",
    );
    const anthropic = {
      model: "codex",
      max_tokens: 1000,
      stream,
      messages: [
        { role: "user", content: "Fix it" },
        {
          role: "assistant",
          content: [{
            type: "thinking",
            thinking: "Plan.",
            signature: `responses:gAAAA${signature}`,
          }, {
            type: "text",
            text: "Done.",
          }],
        },
        { role: "user", content: "Thanks" },
      ],
    };
    const answer = await handle(post("/anthropic/v1/messages", anthropic, { "x-api-key": "k" }));
    assert.equal(answer.status, 200, await answer.clone().text());
    assert.match(await answer.text(), /Hello\./);
    assert.equal(sent.length, 2);
    assert.ok(sent[0].json.input.some((i: any) => i.encrypted_content === "gAAAA"));
    assert.ok(!sent[1].json.input.some((i: any) => i.type === "reasoning"));
    assert.match(answer.headers.get("x-proxy-warnings") ?? "", /invalid_encrypted_content/);
  });
}

Deno.test("invalid_encrypted_content twice, or another 400, reaches the caller as the upstream said", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json(INVALID_PROOF, 400));
  const input = [
    { role: "user", content: "Fix it" },
    { type: "reasoning", summary: [], encrypted_content: "gAAAA" },
  ];
  const answer = await handle(post("/openai/v1/responses", { model: "codex", input }));
  assert.equal(answer.status, 400);
  assert.match((await answer.json()).error.message, /could not be verified/);
  assert.equal(sent.length, 2, "one retry only");
});

Deno.test("thinking_style none on a Responses model: no reasoning asked, converted or passed through", async () => {
  const { handle, sent } = handlerWith(MODELS, () => json(responseAnswer()));
  await handle(
    post("/openai/v1/chat/completions", {
      model: "quiet-codex",
      reasoning_effort: "high",
      messages: [{ role: "user", content: "Hi" }],
    }),
  );
  await handle(
    post("/openai/v1/responses", {
      model: "quiet-codex",
      input: "Hi",
      reasoning: { effort: "high" },
      include: ["reasoning.encrypted_content"],
    }),
  );
  for (const call of sent) {
    assert.equal(call.json.reasoning, undefined);
    assert.equal(call.json.include, undefined);
  }
});

Deno.test("format: responses only when written; thinking_style takes reasoning or none", () => {
  const parse = (yaml: string) => parseModels(yaml, "models.yaml", () => undefined);
  const inferred = parse("- {model_id: a, api_base: https://api.openai.com/v1}");
  assert.equal(inferred.entries[0].dialect, "openai");
  const written = parse("- {model_id: a, api_base: https://x/v1, format: responses}");
  assert.equal(written.entries[0].dialect, "responses");
  assert.equal(
    parse("- {model_id: a, api_base: https://x/v1, format: responses, thinking_style: reasoning}")
      .entries[0].thinkingStyle,
    "reasoning",
  );
  assert.throws(
    () =>
      parse("- {model_id: a, api_base: https://x/v1, format: responses, thinking_style: budget}"),
    /thinking_style" for format responses must be one of reasoning, none/,
  );
  assert.throws(
    () =>
      parse("- {model_id: a, api_base: https://x/v1, format: openai, thinking_style: reasoning}"),
    /must be one of reasoning_effort/,
  );
});
