import assert from "node:assert/strict";
import { DIALECTS } from "../dialects.ts";
import { ConfigError } from "./config_error.ts";
import { parseModels } from "./models.ts";
import { isRouter } from "./router.ts";

const env = (name: string) =>
  ({ GEMINI_API_KEY: "sk-gemini", DASHSCOPE_API_KEY: "sk-dashscope" } as Record<string, string>)[
    name
  ];

/** The targets of the example router: DeepSeek on the caller's key, the others on their own. */
const TARGETS = `
- model_id: deepseek-chat
  api_base: https://api.deepseek.com
- model_id: deepseek-reasoner
  api_base: https://api.deepseek.com
- model_id: gemini-2.5-flash
  api_base: https://generativelanguage.googleapis.com/v1beta
  api_key_env: GEMINI_API_KEY
- model_id: gemini-2.5-pro
  api_base: https://generativelanguage.googleapis.com/v1beta
  api_key_env: GEMINI_API_KEY
- model_id: qwen3-vl-plus
  api_base: https://dashscope-intl.aliyuncs.com/compatible-mode/v1
  api_key_env: DASHSCOPE_API_KEY
`;

const EXAMPLE = `
- model_id: claude-code
  aliases: ["claude-*"]
  route:
    - when: {model: "claude-*haiku*"}      # Claude Code's background model
      to: deepseek-chat
    - when: {server_tool: web_search}      # the request that asks for a web search
      to: gemini-2.5-flash
    - when: {images: true}
      to: qwen3-vl-plus
    - when: {input_tokens_over: 100000}    # the proxy's own estimate
      to: gemini-2.5-pro
    - when: {thinking: true}               # thinking.type enabled or adaptive, or any effort
      to: deepseek-reasoner
    - to: deepseek-chat
`;

Deno.test("parseModels() loads the example router: its rules, targets and aliases", () => {
  const registry = parseModels(TARGETS + EXAMPLE, "models.yaml", env);
  const router = registry.resolve("claude-sonnet-4-5");
  assert.ok(router && isRouter(router));
  assert.equal(router.modelId, "claude-code");
  assert.deepEqual(router.route.map((rule) => rule.to.modelId), [
    "deepseek-chat",
    "gemini-2.5-flash",
    "qwen3-vl-plus",
    "gemini-2.5-pro",
    "deepseek-reasoner",
    "deepseek-chat",
  ]);
  assert.deepEqual(router.route.map((rule) => rule.when), [
    { model: { pattern: "claude-*haiku*", pieces: ["claude-", "haiku", ""] } },
    { serverTool: "web_search" },
    { images: true },
    { inputTokensOver: 100000 },
    { thinking: true },
    undefined,
  ]);
  assert.equal(router.route[2].to, registry.get("qwen3-vl-plus"), "the entry itself");
  assert.deepEqual(registry.routers.map((r) => r.modelId), ["claude-code"]);
  assert.ok(!registry.entries.some((e) => e.modelId === "claude-code"), "models are models");
  assert.equal(registry.get("claude-code"), undefined, "get() finds models only");
  assert.ok(registry.ids().includes("claude-code"));
});

Deno.test("parseModels() reads every condition, combined, and token counts as 100K", () => {
  const registry = parseModels(
    TARGETS + `
- model_id: r
  route:
    - when: {model: "x*", thinking: false, images: false, server_tool: web_fetch, input_tokens_over: 100K, caller: gemini}
      to: deepseek-chat
    - to: deepseek-chat
`,
    "models.yaml",
    env,
  );
  const router = registry.resolve("r");
  assert.ok(router && isRouter(router));
  assert.deepEqual(router.route[0].when, {
    model: { pattern: "x*", pieces: ["x", ""] },
    thinking: false,
    images: false,
    serverTool: "web_fetch",
    inputTokensOver: 100_000,
    caller: "gemini",
  });
});

Deno.test("ModelRegistry.resolve() tries models' and routers' aliases in file order", () => {
  const yaml = (first: string, second: string) => TARGETS + [first, second].join("\n");
  const router = "- {model_id: r, aliases: ['claude-*'], route: [{to: deepseek-chat}]}";
  const model = "- {model_id: m, api_base: 'https://api.deepseek.com', aliases: ['claude-*']}";
  assert.equal(parseModels(yaml(router, model), "m", env).resolve("claude-x")?.modelId, "r");
  assert.equal(parseModels(yaml(model, router), "m", env).resolve("claude-x")?.modelId, "m");
  assert.equal(parseModels(yaml(model, router), "m", env).resolve("r")?.modelId, "r");
});

Deno.test("parseModels() stops at a bad router with one line naming the entry and the problem", () => {
  const router = (rules: string, extra = "") =>
    `${TARGETS}- model_id: r\n${extra}  route:\n${rules}`;
  const cases: Array<[string, string]> = [
    [
      router("    - {when: {thinking: true}, to: r2}\n    - to: deepseek-chat\n") +
      "- {model_id: r2, route: [{to: deepseek-chat}]}\n",
      'entry 6 ("r"): rule 1 routes to "r2", another router: a router routes to models only',
    ],
    [
      router("    - {to: r}\n"),
      'entry 6 ("r"): rule 1 routes to "r", another router: a router routes to models only',
    ],
    [
      router("    - {when: {images: true}, to: nope}\n    - to: deepseek-chat\n"),
      'entry 6 ("r"): rule 1 routes to "nope", which is not a model_id',
    ],
    [
      router("    - {when: {images: true}, to: deepseek-chat}\n"),
      'entry 6 ("r"): no default: the last rule must have a "to" and no "when"',
    ],
    [
      router("    - {to: deepseek-chat}\n    - {when: {images: true}, to: deepseek-chat}\n"),
      'entry 6 ("r"): rule 1 has no "when" but is not the last: the rules after it are never tried',
    ],
    [
      router("    - to: deepseek-chat\n", "  api_base: https://api.deepseek.com\n"),
      'entry 6 ("r"): a router takes no "api_base" (only model_id, aliases, route, description; ' +
      "the models it routes to have their own)",
    ],
    [
      router("    - to: deepseek-chat\n", "  fallbacks: [deepseek-reasoner]\n"),
      'entry 6 ("r"): a router takes no "fallbacks"',
    ],
    [
      router("    - to: deepseek-chat\n", "  max_tokens: 100\n"),
      'entry 6 ("r"): a router takes no "max_tokens"',
    ],
    [
      router("    - {when: {tools: 3}, to: deepseek-chat}\n    - to: deepseek-chat\n"),
      'entry 6 ("r"): rule 1: unknown condition "tools" (use model, thinking, images, ' +
      "server_tool, input_tokens_over or caller)",
    ],
    [
      router("    - {when: {thinking: yes please}, to: deepseek-chat}\n    - to: deepseek-chat\n"),
      'entry 6 ("r"): rule 1: "thinking" must be true or false',
    ],
    [
      router("    - {when: {images: 1}, to: deepseek-chat}\n    - to: deepseek-chat\n"),
      'entry 6 ("r"): rule 1: "images" must be true or false',
    ],
    [
      router(
        "    - {when: {server_tool: WebSearch}, to: deepseek-chat}\n    - to: deepseek-chat\n",
      ),
      'entry 6 ("r"): rule 1: "server_tool" must be web_search or web_fetch, not "WebSearch"',
    ],
    [
      router("    - {when: {caller: claude}, to: deepseek-chat}\n    - to: deepseek-chat\n"),
      `entry 6 ("r"): rule 1: "caller" must be ${DIALECTS.slice(0, -1).join(", ")} or ${
        DIALECTS.at(-1)
      }, not "claude"`,
    ],
    [
      router(
        "    - {when: {input_tokens_over: lots}, to: deepseek-chat}\n    - to: deepseek-chat\n",
      ),
      'entry 6 ("r"): rule 1: "input_tokens_over" is not a token count: "lots"',
    ],
    [
      router("    - {when: {input_tokens_over: -5}, to: deepseek-chat}\n    - to: deepseek-chat\n"),
      'entry 6 ("r"): rule 1: "input_tokens_over" is not a token count: -5',
    ],
    [
      router("    - {when: {model: 7}, to: deepseek-chat}\n    - to: deepseek-chat\n"),
      'entry 6 ("r"): rule 1: "model" must be a non-empty pattern',
    ],
    [
      router("    - {when: {}, to: deepseek-chat}\n    - to: deepseek-chat\n"),
      'entry 6 ("r"): rule 1: "when" is empty',
    ],
    [
      router("    - {when: [images], to: deepseek-chat}\n    - to: deepseek-chat\n"),
      'entry 6 ("r"): rule 1: "when" must be a mapping of conditions',
    ],
    [
      router("    - {when: {images: true}}\n    - to: deepseek-chat\n"),
      'entry 6 ("r"): rule 1: no "to"',
    ],
    [
      router("    - {if: {images: true}, to: deepseek-chat}\n    - to: deepseek-chat\n"),
      'entry 6 ("r"): rule 1: unknown key "if" (use when, to)',
    ],
    [`${TARGETS}- {model_id: r, route: []}\n`, 'entry 6 ("r"): "route" must be a list of rules'],
    [`${TARGETS}- {model_id: r, route: deepseek-chat}\n`, '"route" must be a list of rules'],
    [
      `${TARGETS}- {model_id: m, api_base: 'https://x', fallbacks: [r]}\n` +
      "- {model_id: r, route: [{to: deepseek-chat}]}\n",
      'entry 6 ("m"): fallback "r" is a router',
    ],
  ];
  for (const [yaml, message] of cases) {
    let error: unknown;
    try {
      parseModels(yaml, "models.yaml", env);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError, `no error for:\n${yaml}`);
    assert.ok(!error.message.includes("\n"), error.message);
    assert.ok(error.message.startsWith("models.yaml: "), error.message);
    assert.ok(error.message.includes(message), `${error.message}\n  expected: ${message}`);
  }
});

Deno.test("parseModels() refuses a router that would send the caller's key to two hosts", () => {
  const rules = `
- model_id: r
  route:
    - {when: {server_tool: web_search}, to: gemini-2.5-flash}
    - to: deepseek-chat
`;
  // GEMINI_API_KEY unset: gemini-2.5-flash would get the caller's DeepSeek key.
  assert.throws(
    () => parseModels(TARGETS + rules, "models.yaml", () => undefined),
    {
      message: 'models.yaml: entry 6 ("r"): routes to "gemini-2.5-flash" ' +
        '(https://generativelanguage.googleapis.com/v1beta) and "deepseek-chat" ' +
        "(https://api.deepseek.com) with the caller's key: give the models on all but one " +
        "api_base an api_key, or an api_key_env that is set",
    },
  );
  // With its own key, or on one host, the caller's key reaches one host only.
  assert.ok(parseModels(TARGETS + rules, "models.yaml", env));
  const oneHost = "- {model_id: r, route: [{when: {thinking: true}, to: deepseek-reasoner}, " +
    "{to: deepseek-chat}]}";
  assert.ok(parseModels(TARGETS + oneHost, "models.yaml", () => undefined));
});

Deno.test("parseModels() refuses a router whose target's fallback would take the caller's key elsewhere", () => {
  // A fallback without a key on its model's api_base is given the caller's key.
  const models = `
- model_id: gemini-keyed
  api_base: https://generativelanguage.googleapis.com/v1beta
  api_key_env: GEMINI_API_KEY
  fallbacks: [gemini-keyless, deepseek-reasoner]
- model_id: gemini-keyless
  api_base: https://generativelanguage.googleapis.com/v1beta
- model_id: r
  route:
    - {when: {server_tool: web_search}, to: gemini-keyed}
    - to: deepseek-chat
`;
  assert.throws(() => parseModels(TARGETS + models, "models.yaml", env), {
    message: 'models.yaml: entry 8 ("r"): routes to "deepseek-chat" (https://api.deepseek.com) ' +
      'and "gemini-keyless" (https://generativelanguage.googleapis.com/v1beta) with the ' +
      "caller's key: give the models on all but one api_base an api_key, or an api_key_env " +
      "that is set",
  });
  // a keyless fallback on another api_base gets no key at all: nothing to refuse
  const elsewhere = models.replace("gemini-keyless, ", "");
  assert.ok(parseModels(TARGETS + elsewhere, "models.yaml", env));
});
