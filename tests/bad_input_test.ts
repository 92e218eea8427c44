/**
 * Bad input: a generated corpus of malformed and hostile requests per caller dialect, sent over
 * HTTP through the real proxy, and a seeded fuzz test over the three codecs' decodeRequest (and
 * every upstream encoder after it). Nothing may produce a 5xx, a crash or a hang; what the proxy
 * rejects is a 4xx in the caller's envelope.
 */
import assert from "node:assert/strict";
import { anthropicCodec } from "../lib/anthropic/mod.ts";
import { ProxyError } from "../lib/errors.ts";
import { geminiCodec } from "../lib/gemini/mod.ts";
import type { DialectCodec } from "../lib/ir/codec.ts";
import { openaiCodec } from "../lib/openai/mod.ts";
import { type Mock, type Proxy, startMock, startProxy } from "./_harness.ts";
import {
  assertError,
  assertErrorBody,
  authHeader,
  callProxy,
  DIALECTS,
  generateUrl,
  minimalBody,
  MODEL,
  modelsYaml,
  normalAnswer,
  readResult,
  type Result,
  type Written,
} from "./_reliability.ts";

const CODECS: Record<Written, DialectCodec> = {
  anthropic: anthropicCodec,
  openai: openaiCodec,
  gemini: geminiCodec,
};

const FIXTURE: Record<Written, string> = {
  anthropic: "claude_code_request.json",
  openai: "opencode_request.json",
  gemini: "gemini_cli_request.json",
};

function fixture(dialect: Written): any {
  const path = new URL(`./fixtures/requests/${FIXTURE[dialect]}`, import.meta.url);
  return JSON.parse(Deno.readTextFileSync(path));
}

/** A model of another dialect, so the caller's decoder runs. */
function converted(caller: Written): string {
  return MODEL[caller === "openai" ? "anthropic" : "openai"];
}

async function withProxy(fn: (proxy: Proxy, mock: Mock) => Promise<void>): Promise<void> {
  const mock = startMock((req) => normalAnswer(req.path, req.json));
  const proxy = startProxy(modelsYaml(mock.url), { timeoutSeconds: 5 });
  try {
    await fn(proxy, mock);
  } finally {
    await proxy.close();
    await mock.close();
  }
}

/** Never a 5xx; a 4xx is in the caller's envelope. Returns a failure description or "". */
function judge(caller: Written, name: string, result: Result): string {
  if (result.status >= 500) return `${name}: ${result.status} ${result.text.slice(0, 200)}`;
  if (result.status >= 400) {
    try {
      assertErrorBody(caller, result.json, result.status);
    } catch (error) {
      return `${name}: bad envelope ${(error as Error).message}`;
    }
  }
  return "";
}

// ---- the generated corpus ----

type Path = Array<string | number>;

/** Every path into a JSON value, breadth first (so each top-level field comes early). */
function paths(value: unknown): Path[] {
  const out: Path[] = [];
  const queue: Array<[unknown, Path]> = [[value, []]];
  while (queue.length) {
    const [v, p] = queue.shift()!;
    if (p.length) out.push(p);
    if (Array.isArray(v)) v.slice(0, 3).forEach((x, i) => queue.push([x, [...p, i]]));
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) queue.push([x, [...p, k]]);
    }
  }
  return out;
}

function setAt(root: any, path: Path, value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) node = node?.[key];
  if (typeof node !== "object" || node === null) return;
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = value;
}

function getAt(root: any, path: Path): unknown {
  return path.reduce((node, key) => node?.[key], root);
}

/** A value of another type than `value`. */
function wrongType(value: unknown): unknown {
  if (typeof value === "string") return 12345;
  if (typeof value === "number") return "12345";
  if (typeof value === "boolean") return "true";
  if (Array.isArray(value)) return { not: "an array" };
  if (value && typeof value === "object") return "not an object";
  return [];
}

for (const caller of DIALECTS) {
  Deno.test(`${caller} caller: a wrong type or a missing value at every field of a real request is never a 5xx`, async () => {
    await withProxy(async (proxy) => {
      const base = fixture(caller);
      const all = paths(base);
      const picked = all.filter((_, i) => i < 150 || i % Math.ceil(all.length / 150) === 0);
      const failures: string[] = [];
      let rejected = 0;
      for (const model of [converted(caller), MODEL[caller]]) {
        for (const path of picked) {
          for (const mode of ["wrong", "missing"] as const) {
            const body = structuredClone(base);
            setAt(body, path, mode === "wrong" ? wrongType(getAt(body, path)) : undefined);
            body.stream = false;
            if (caller !== "gemini" && path[0] !== "model") body.model = model;
            const result = await callProxy(proxy, caller, model, { body });
            if (result.status >= 400) rejected++;
            const failure = judge(caller, `${model} ${mode} ${path.join(".")}`, result);
            if (failure) failures.push(failure);
          }
        }
      }
      assert.deepEqual(failures, []);
      assert.ok(rejected > picked.length / 2, `most mutations are rejected (${rejected})`);
    });
  });
}

/** Hostile bodies per caller dialect: each must be a 4xx. */
function hostile(caller: Written): Array<[string, () => BodyInit]> {
  const model = converted(caller);
  const body = () => minimalBody(caller, model) as any;
  const json = (b: unknown) => () => JSON.stringify(b);
  const nested = "[".repeat(100_000) + "]".repeat(100_000);
  const deepObject = '{"a":'.repeat(50_000) + "1" + "}".repeat(50_000);
  const list = caller === "gemini" ? "contents" : "messages";
  const unknownBlock = caller === "gemini"
    ? { role: "user", parts: [{ hologram: { x: 1 } }] }
    : { role: "user", content: [{ type: "hologram", data: "x" }] };
  return [
    ["100k nested arrays", () => {
      const text = JSON.stringify(body());
      return text.replace(`"${list}":`, `"deep": ${nested}, "${list}":`);
    }],
    ["50k nested objects", () => {
      const text = JSON.stringify(body());
      return text.replace(`"${list}":`, `"deep": ${deepObject}, "${list}":`);
    }],
    ["invalid UTF-8", () => {
      const text = new TextEncoder().encode(JSON.stringify(body()));
      const bad = new Uint8Array(text.length + 2);
      bad.set(text.subarray(0, 20));
      bad.set([0xc3, 0x28], 20);
      bad.set(text.subarray(20), 22);
      return bad;
    }],
    ["a lone surrogate escape", () => JSON.stringify(body()).replace('"Hi"', '"\\ud800"')],
    ["an unknown block type", json({ ...body(), [list]: [unknownBlock] })],
    ["messages of numbers", json({ ...body(), [list]: [1, 2, 3] })],
    [
      "a prototype-polluting key",
      () => JSON.stringify(body()).replace("{", '{"__proto__": {"admin": true},'),
    ],
    ["a NUL byte", () => JSON.stringify(body()).replace('"Hi"', '"\\u0000"') + "\u0000"],
  ];
}

for (const caller of DIALECTS) {
  Deno.test(`${caller} caller: hostile bodies are a 4xx, never a 5xx or a hang`, async () => {
    await withProxy(async (proxy) => {
      const failures: string[] = [];
      for (const [name, make] of hostile(caller)) {
        const started = performance.now();
        const response = await fetch(generateUrl(proxy, caller, converted(caller), false), {
          method: "POST",
          headers: { "content-type": "application/json", ...authHeader(caller) },
          body: make(),
        });
        const result = await readResult(response);
        const failure = judge(caller, name, result);
        if (failure) failures.push(failure);
        // A lone surrogate, a NUL inside a string and a __proto__ key are valid JSON: they may pass.
        const mayPass = /surrogate|prototype|NUL/.test(name);
        if (!mayPass && (result.status < 400 || result.status >= 500)) {
          failures.push(
            `${name}: expected a 4xx, got ${result.status} ${result.text.slice(0, 150)}`,
          );
        }
        if (performance.now() - started > 5000) failures.push(`${name}: took too long`);
      }
      assert.deepEqual(failures, []);
    });
  });
}

/** A tool result that answers no call of the conversation, per caller dialect. */
function orphanResult(caller: Written): Record<string, unknown> {
  switch (caller) {
    case "anthropic":
      return {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_none", content: "x" }],
      };
    case "openai":
      return { role: "tool", tool_call_id: "call_none", content: "x" };
    case "gemini":
      return {
        role: "user",
        parts: [{ functionResponse: { id: "none", response: { output: "x" } } }],
      };
  }
}

// Every upstream rejects a tool result whose call is nowhere in the conversation; the proxy says
// so itself, in the caller's dialect, before calling anyone.
Deno.test("a tool result without its call is a 400 from the proxy itself, for every caller", async () => {
  await withProxy(async (proxy, mock) => {
    const failures: string[] = [];
    for (const caller of DIALECTS) {
      const body = minimalBody(caller, converted(caller)) as any;
      if (caller === "gemini") body.contents = [orphanResult(caller)];
      else {body.messages = [
          { ...body.messages[0] },
          { role: "assistant", content: "ok" },
          orphanResult(caller),
        ];}
      const result = await callProxy(proxy, caller, converted(caller), { body });
      if (result.status !== 400) failures.push(`${caller}: ${result.status}`);
      else assertError(caller, result, 400);
    }
    void mock;
    assert.deepEqual(failures, []);
  });
});

Deno.test("thousands of tools and huge strings are served or refused, never a 5xx or a hang", async () => {
  await withProxy(async (proxy) => {
    for (const caller of DIALECTS) {
      const body = minimalBody(caller, converted(caller)) as any;
      const schema = { type: "object", properties: { a: { type: "string" } } };
      if (caller === "anthropic") {
        body.tools = Array.from(
          { length: 3000 },
          (_, i) => ({ name: `t${i}`, input_schema: schema }),
        );
      } else if (caller === "openai") {
        body.tools = Array.from({ length: 3000 }, (_, i) => ({
          type: "function",
          function: { name: `t${i}`, parameters: schema },
        }));
      } else {
        body.tools = [{
          functionDeclarations: Array.from(
            { length: 3000 },
            (_, i) => ({ name: `t${i}`, parameters: schema }),
          ),
        }];
      }
      const started = performance.now();
      const result = await callProxy(proxy, caller, converted(caller), { body });
      assert.equal(judge(caller, "3000 tools", result), "");
      assert.ok(performance.now() - started < 5000);

      const big = minimalBody(caller, converted(caller)) as any;
      const text = "é".repeat(5_000_000);
      if (caller === "gemini") big.contents[0].parts[0].text = text;
      else big.messages[0].content = text;
      assert.equal(
        judge(
          caller,
          "10 MB text",
          await callProxy(proxy, caller, converted(caller), { body: big }),
        ),
        "",
      );
    }
  });
});

Deno.test("CRLF and control characters in the model name are a 4xx and reach no header", async () => {
  await withProxy(async (proxy, mock) => {
    for (const caller of ["anthropic", "openai"] as Written[]) {
      for (
        const name of [
          "up-openai\r\nX-Injected: 1",
          "up-openai\n",
          "up-\u0000openai",
          "a".repeat(100_000),
        ]
      ) {
        const body = { ...minimalBody(caller, name), model: name };
        const result = await callProxy(proxy, caller, name, { body });
        assert.ok(
          result.status >= 400 && result.status < 500,
          `${JSON.stringify(name.slice(0, 40))}: ${result.status}`,
        );
        assertErrorBody(caller, result.json, result.status);
        assert.equal(result.headers.get("x-injected"), null);
        assert.ok(result.text.length < 5000, "the error does not echo a huge name");
      }
    }
    for (const segment of ["up-openai%0D%0AX-Injected:%201", "up-openai%00", "%E0%A4%A"]) {
      const response = await fetch(`${proxy.url}/gemini/v1beta/models/${segment}:generateContent`, {
        method: "POST",
        headers: { "content-type": "application/json", ...authHeader("gemini") },
        body: JSON.stringify(minimalBody("gemini", "")),
      });
      const result = await readResult(response);
      assertError("gemini", result, 404);
    }
    assert.equal(mock.received.length, 0);
  });
});

// ---- seeded fuzz over the codecs ----

/** mulberry32: a small seeded PRNG, so every failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  "",
  0,
  -1,
  1e308,
  true,
  [],
  {},
  [null],
  { type: "text" },
  { type: "tool_use" },
  { type: "tool_result" },
  { type: "image", source: {} },
  { role: "assistant" },
  { parts: [{}] },
  { functionCall: {} },
  { functionResponse: {} },
  "\ud800",
  "x".repeat(10_000),
  { __proto__: { polluted: true } },
];

function mutate(value: any, random: () => number): any {
  const body = structuredClone(value);
  const count = 1 + Math.floor(random() * 4);
  for (let i = 0; i < count; i++) {
    const all = paths(body);
    if (all.length === 0) break;
    const path = all[Math.floor(random() * all.length)];
    const current = getAt(body, path);
    if (current === undefined) continue;
    const roll = random();
    if (roll < 0.3) setAt(body, path, wrongType(current));
    else if (roll < 0.5) setAt(body, path, undefined);
    else if (roll < 0.9) {
      setAt(body, path, structuredClone(ODD_VALUES[Math.floor(random() * ODD_VALUES.length)]));
    } else if (Array.isArray(current)) current.push(structuredClone(current[0] ?? null));
    else setAt(body, path, [current]);
  }
  return body;
}

for (const caller of DIALECTS) {
  Deno.test(`fuzz: ${caller} decodeRequest and every encodeRequest only ever throw a 4xx ProxyError`, () => {
    const random = prng(0x5eed + caller.length);
    const seeds = [fixture(caller), minimalBody(caller, "m")];
    const failures = new Map<string, string>();
    for (let i = 0; i < 1500; i++) {
      const body = mutate(seeds[i % 2], random);
      let stage = `decode ${caller}`;
      try {
        const decoded = CODECS[caller].decodeRequest(body, { model: "m", stream: false });
        for (const upstream of DIALECTS) {
          stage = `encode ${caller}→${upstream}`;
          CODECS[upstream].encodeRequest(decoded.value, {
            modelName: "u",
            maxTokens: 4096,
            stream: false,
          });
        }
      } catch (error) {
        if (error instanceof ProxyError && error.status >= 400 && error.status < 500) continue;
        const detail = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 160);
        const key = `${stage}: ${detail}`;
        if (!failures.has(key)) failures.set(key, `case ${i}`);
      }
    }
    assert.deepEqual([...failures.entries()].map(([k, v]) => `${k} (${v})`), []);
  });
}
