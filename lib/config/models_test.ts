import assert from "node:assert/strict";
import { ConfigError } from "./config_error.ts";
import { MAX_MODEL_NAME } from "./model_registry.ts";
import { parseModels } from "./models.ts";

const env = (name: string) => ({ KEY_VAR: "sk-env" } as Record<string, string>)[name];

Deno.test("parseModels() applies defaults, api_key_env, aliases and fallbacks", () => {
  const registry = parseModels(
    `
- model_id: a
  api_base: https://api.anthropic.com/
  aliases: ["claude-*haiku*"]
  api_key_env: KEY_VAR
  max_retries: 2
  fallbacks: [b]
- model_id: b
  api_base: https://generativelanguage.googleapis.com/v1beta
`,
    "models.yaml",
    env,
  );
  assert.equal(registry.resolve("claude-3-5-haiku-latest")?.modelId, "a");
  const a = registry.get("a")!;
  assert.equal(a.dialect, "anthropic");
  assert.equal(a.apiBase, "https://api.anthropic.com");
  assert.equal(a.apiKey, "sk-env");
  assert.equal(a.maxRetries, 2);
  assert.deepEqual(a.fallbacks, ["b"]);
  assert.equal(registry.get("b")!.dialect, "gemini");
  assert.equal(registry.resolve("claude-sonnet"), undefined);
});

Deno.test("parseModels() refuses a bad max_retries, an unknown fallback and a multi-line extra header", () => {
  const bad = [
    "- {model_id: a, api_base: 'https://x', max_retries: 1.5}",
    "- {model_id: a, api_base: 'https://x', max_retries: 50}",
    "- {model_id: a, api_base: 'https://x', fallbacks: [zzz]}",
    "- {model_id: a, api_base: 'https://x', extra_headers: {X: \"a\\r\\nB: c\"}}",
    "- {model_id: a, api_base: 'file:///etc/passwd'}",
  ];
  for (const yaml of bad) {
    assert.throws(() => parseModels(yaml, "models.yaml", env), ConfigError, yaml);
  }
});

Deno.test("ModelRegistry.resolve() matches aliases in linear time and ignores names over the cap", () => {
  const registry = parseModels(
    "- model_id: m\n  api_base: http://x\n  aliases: ['a*a*a*a*b', 'claude-*haiku*']\n",
    "models.yaml",
    () => undefined,
  );
  // A backtracking RegExp tries every way to split the name between the stars: ~10^8 here.
  assert.equal(registry.resolve("a".repeat(MAX_MODEL_NAME)), undefined);
  assert.equal(registry.resolve("a".repeat(MAX_MODEL_NAME - 1) + "b")?.modelId, "m");
  assert.equal(registry.resolve("claude-" + "x".repeat(MAX_MODEL_NAME)), undefined);
  assert.equal(registry.resolve("claude-3-5-haiku-latest")?.modelId, "m");
});

Deno.test("parseModels() reads allow_params as a list of field names", () => {
  const registry = parseModels(
    "- {model_id: a, api_base: 'https://x', api_key: k, allow_params: [provider]}\n" +
      "- {model_id: b, api_base: 'https://x'}",
    "models.yaml",
    env,
  );
  assert.deepEqual(registry.get("a")!.allowParams, ["provider"]);
  assert.deepEqual(registry.get("b")!.allowParams, []);
  assert.throws(
    () => parseModels("- {model_id: a, api_base: 'https://x', allow_params: provider}", "m", env),
    /"allow_params" must be a list of strings/,
  );
});

Deno.test("parseModels() reads vision, thinking_style, drop_params and prompt_cache", () => {
  const registry = parseModels(
    `
- model_id: deepseek
  api_base: https://api.deepseek.com
  vision: false
  thinking_style: deepseek
  prompt_cache: true
  reasoning_effort: max
- model_id: opus
  api_base: https://api.anthropic.com
  thinking_style: adaptive
  drop_params: [temperature, top_p, top_k]
- model_id: plain
  api_base: https://api.openai.com/v1
`,
    "models.yaml",
    env,
  );
  const deepseek = registry.get("deepseek")!;
  assert.equal(deepseek.vision, false);
  assert.equal(deepseek.thinkingStyle, "deepseek");
  assert.equal(deepseek.promptCache, true);
  assert.equal(deepseek.reasoningEffort, "max");
  const opus = registry.get("opus")!;
  assert.equal(opus.thinkingStyle, "adaptive");
  assert.deepEqual(opus.dropParams, ["temperature", "top_p", "top_k"]);
  const plain = registry.get("plain")!;
  assert.equal(plain.vision, true);
  assert.equal(plain.thinkingStyle, undefined);
  assert.deepEqual(plain.dropParams, []);
  assert.equal(plain.promptCache, false);
});

Deno.test("parseModels() refuses a thinking_style or prompt_cache the format cannot use", () => {
  const bad: Array<[string, RegExp]> = [
    [
      "- {model_id: a, api_base: 'https://x', thinking_style: adaptive}",
      /"thinking_style" for format openai must be one of reasoning_effort, deepseek, qwen, openrouter, none/,
    ],
    [
      "- {model_id: a, api_base: 'https://api.anthropic.com', thinking_style: qwen}",
      /"thinking_style" for format anthropic must be one of budget, adaptive, none/,
    ],
    [
      "- {model_id: a, api_base: 'https://generativelanguage.googleapis.com/v1beta', thinking_style: none}",
      /"thinking_style" does not apply to format gemini/,
    ],
    [
      "- {model_id: a, api_base: 'https://api.anthropic.com', prompt_cache: true}",
      /"prompt_cache" applies only to format openai/,
    ],
    ["- {model_id: a, api_base: 'https://x', vision: 'no'}", /"vision" must be true or false/],
    [
      "- {model_id: a, api_base: 'https://x', drop_params: temperature}",
      /"drop_params" must be a list/,
    ],
  ];
  for (const [yaml, message] of bad) {
    assert.throws(() => parseModels(yaml, "models.yaml", env), message, yaml);
  }
});

Deno.test("ModelRegistry.resolve() looks a [1m] name up without the suffix", () => {
  const registry = parseModels(
    `
- model_id: deepseek-v4-pro
  api_base: https://api.deepseek.com
  aliases: ["claude-opus-*"]
`,
    "models.yaml",
    env,
  );
  assert.equal(registry.resolve("deepseek-v4-pro[1m]")?.modelId, "deepseek-v4-pro");
  assert.equal(registry.resolve("claude-opus-4-8[1m]")?.modelId, "deepseek-v4-pro");
  assert.equal(registry.resolve("other[1m]"), undefined);
});
