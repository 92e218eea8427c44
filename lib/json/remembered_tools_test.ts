import assert from "node:assert/strict";
import { asciiJsonText } from "./ascii_text.ts";
import { jsonBytes } from "./json_bytes.ts";
import {
  isShared,
  parseRequestText,
  perTool,
  rememberTools,
  sharedToolsCounts,
} from "./remembered_tools.ts";

const FIXTURE = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../tests/fixtures/requests/claude_code_request.json", import.meta.url),
  ),
);
/** A Claude Code body as Claude Code writes it (JSON.stringify), as the proxy reads it. */
function requestText(body: unknown): string {
  return asciiJsonText(new TextEncoder().encode(JSON.stringify(body)));
}
/** As `readJsonObject` does: parse, then (once the body has passed its checks) remember. */
function parse(text: string): Record<string, any> {
  const json = parseRequestText(text) as Record<string, any>;
  rememberTools(text, json);
  return json;
}
/** The fixture with tools no other test has sent (the remembered tools live per process). */
function freshBody(tag: string): Record<string, any> {
  return {
    ...FIXTURE,
    tools: [...FIXTURE.tools, {
      name: `probe_${tag}_${crypto.randomUUID()}`,
      description: "Ünïcode → kept",
      input_schema: { type: "object", properties: { q: { type: "string" } } },
    }],
  };
}

Deno.test("parseRequestText(): tools sent again are the same frozen value, equal to a parse", () => {
  const body = freshBody("again");
  const text = requestText(body);
  const before = sharedToolsCounts();
  const first = parse(text);
  const second = parse(requestText({ ...body, max_tokens: 7 }));
  const after = sharedToolsCounts();
  assert.equal(after.remembered - before.remembered, 1);
  assert.equal(after.hits - before.hits, 1);
  assert.deepEqual(first, JSON.parse(text));
  assert.deepEqual(second, { ...JSON.parse(text), max_tokens: 7 });
  assert.equal(second.tools, first.tools, "one value, not a copy");
  assert.ok(isShared(second.tools) && Object.isFrozen(second.tools[0].input_schema));
  assert.throws(() => {
    second.tools[0].name = "changed";
  }, TypeError);
});

Deno.test("parseRequestText(): the same text anywhere but the top-level tools is parsed as sent", () => {
  const body = freshBody("nested");
  parse(requestText(body)); // remembered
  const other = { name: "other", input_schema: { type: "object" } };
  const cases = [
    // The remembered text inside a tool call's input, before different top-level tools.
    {
      ...body,
      messages: [{
        role: "assistant",
        content: [{ type: "tool_use", id: "t", name: "x", input: { tools: body.tools } }],
      }, ...body.messages],
      tools: [other],
    },
    // Inside a tool call's input and as the top-level tools: the first is not the member.
    {
      ...body,
      messages: [{
        role: "assistant",
        content: [{ type: "tool_use", id: "t", name: "x", input: { tools: body.tools } }],
      }, ...body.messages],
    },
    // Two top-level "tools": JSON.parse keeps the last.
    JSON.parse(`{"tools":[],${JSON.stringify(body).slice(1)}`),
  ];
  for (const c of cases) {
    const text = requestText(c);
    assert.deepEqual(parse(text), JSON.parse(text));
  }
  // The marker a client can write itself, as the last of two top-level "tools" or in a key.
  const [head, tail] = [requestText(body).slice(0, -1), `"tools":"\\u0080"}`];
  const marked = [
    `${head},${tail}`,
    `{"x\\${requestText({ tools: body.tools }).slice(1, -1)},"tools":"\\u0080",` +
    `${requestText(body).slice(1)}`,
  ];
  for (const text of marked) assert.deepEqual(parse(text), JSON.parse(text));
  // A syntax error after the remembered tools is reported where it is in the text sent.
  const broken = requestText(body).slice(0, -1) + ',"max_tokens":}';
  assert.throws(() => parse(broken), { message: errorOf(() => JSON.parse(broken)) });
  const duplicate = `{"model":"m",${JSON.stringify({ tools: body.tools }).slice(1, -1)},` +
    `"tools":[${JSON.stringify(other)}],"messages":${JSON.stringify(body.messages)}}`;
  const text = requestText(JSON.parse(duplicate));
  assert.deepEqual(parseRequestText(asciiJsonText(new TextEncoder().encode(duplicate))), {
    ...JSON.parse(text),
  });
});

Deno.test("parseRequestText(): JSON written with spaces is never remembered, still parsed", () => {
  const body = freshBody("spaced");
  const text = asciiJsonText(new TextEncoder().encode(JSON.stringify(body, null, 1)));
  const before = sharedToolsCounts();
  for (let i = 0; i < 3; i++) assert.deepEqual(parse(text), JSON.parse(text));
  assert.equal(sharedToolsCounts().remembered, before.remembered);
});

Deno.test("jsonBytes() writes shared values from their cache, byte for byte", () => {
  const body = freshBody("bytes");
  parse(requestText(body));
  const shared = parse(requestText(body));
  assert.ok(isShared(shared.tools));
  let made = 0;
  const convert = perTool((_tool: unknown, key: string) => ({
    type: "object",
    note: key,
    n: ++made,
  }));
  const derived = convert(shared.tools[0], "dérivé");
  assert.ok(isShared(derived));
  assert.equal(convert(shared.tools[0], "dérivé"), derived, "made once per key");
  assert.notEqual(convert(shared.tools[0], "other"), derived);
  assert.equal(made, 2);
  assert.ok(!isShared(convert({}, "dérivé")), "from a value not shared: not shared");
  const failing = perTool((_tool: unknown, _key: string, fail: boolean) => {
    if (fail) throw new Error("no");
    return {};
  });
  assert.throws(() => failing(shared.tools[0], "", true));
  assert.ok(isShared(failing(shared.tools[0], "", false)), "a failure is not remembered");
  const cases: Record<string, unknown>[] = [
    shared, // the whole array shared (a pass-through)
    { // OpenAI: each schema two levels down
      model: "m",
      tools: shared.tools.map((t: any) => ({
        type: "function",
        function: { name: t.name, description: t.description, parameters: t.input_schema },
      })),
      skip: undefined,
    },
    { // Gemini: four levels down, beside values JSON.stringify leaves out
      tools: [{
        functionDeclarations: shared.tools.map((t: any) => ({
          name: t.name,
          parameters: t.input_schema,
          gone: undefined,
        })),
      }],
      list: [derived, undefined, () => 1, new Date(0)],
    },
  ];
  for (const c of cases) {
    assert.deepEqual(jsonBytes(c), new TextEncoder().encode(JSON.stringify(c)));
  }
});

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("no error");
}
