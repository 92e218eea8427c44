import assert from "node:assert/strict";
import { ConfigError } from "./config_error.ts";
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
  const a = registry.resolve("claude-3-5-haiku-latest")!;
  assert.equal(a.modelId, "a");
  assert.equal(a.format, "anthropic");
  assert.equal(a.apiBase, "https://api.anthropic.com");
  assert.equal(a.apiKey, "sk-env");
  assert.equal(a.maxRetries, 2);
  assert.deepEqual(a.fallbacks, ["b"]);
  assert.equal(registry.get("b")!.format, "gemini");
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
