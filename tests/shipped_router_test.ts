/**
 * The commented router of the shipped models.yaml, uncommented as a user would: it loads (with
 * the keys its own models need, and not without them), and sends each of Claude Code's requests
 * where its comments say.
 */
import assert from "node:assert/strict";
import { parseModels } from "../lib/config/models.ts";
import { isRouter, type RouterEntry } from "../lib/config/router.ts";
import { CODECS } from "../lib/dialects.ts";
import { chooseRoute } from "../lib/server/choose_route.ts";

const SHIPPED = Deno.readTextFileSync(new URL("../models.yaml", import.meta.url));

/** models.yaml with the router's block uncommented. */
function uncommented(): string {
  const lines = SHIPPED.split("\n");
  const start = lines.findIndex((l) => l.startsWith("# - model_id: claude-code"));
  const end = lines.findIndex((l) => l.startsWith("# --- end of the router"));
  assert.ok(start > 0 && end > start, "the router block is in models.yaml");
  for (let i = start; i < end; i++) {
    assert.ok(lines[i].startsWith("# "), lines[i]);
    lines[i] = lines[i].slice(2);
  }
  return lines.join("\n");
}

const KEYS: Record<string, string> = {
  GEMINI_API_KEY: "sk-gemini-0000",
  DASHSCOPE_API_KEY: "sk-dashscope-0000",
};

function router(): RouterEntry {
  const models = parseModels(uncommented(), "models.yaml", (name) => KEYS[name]);
  const entry = models.resolve("claude-sonnet-4-5");
  assert.ok(entry && isRouter(entry), "claude-* names reach the router");
  assert.equal(models.resolve("claude-haiku-4-5-20251001")?.modelId, "claude-code");
  return entry;
}

function fixture(name: string): any {
  return JSON.parse(
    Deno.readTextFileSync(new URL(`./fixtures/requests/${name}.json`, import.meta.url)),
  );
}

/** The model the router picks for an Anthropic body. */
function served(body: any): string {
  const request = () =>
    CODECS.anthropic.decodeRequest(body, { model: body.model, stream: true }).value;
  return chooseRoute(router(), {
    caller: "anthropic",
    model: body.model,
    request,
    images: CODECS.anthropic.imageTokens,
  }).model.modelId;
}

Deno.test("models.yaml: the Claude Code router loads once uncommented, with its models' keys", () => {
  assert.ok(parseModels(SHIPPED, "models.yaml", () => undefined), "commented, nothing changes");
  router();
  assert.throws(
    () => parseModels(uncommented(), "models.yaml", () => undefined),
    /entry \d+ \("claude-code"\): routes to .* with the caller's key/,
  );
});

Deno.test("models.yaml: the Claude Code router sends each of Claude Code's requests where it says", () => {
  const main = fixture("claude_code_request");
  assert.equal(served(main), "deepseek-v4-pro", "adaptive thinking at effort high");
  assert.equal(served({ ...main, thinking: { type: "disabled" } }), "deepseek-v4-flash");
  const { output_config: _, ...plain } = { ...main, thinking: undefined };
  assert.equal(served(plain), "deepseek-v4-flash", "no thinking, and the client WebSearch tool");
  assert.equal(served(fixture("claude_code_title_request")), "deepseek-v4-flash", "haiku");
  const search = {
    model: "claude-sonnet-4-5",
    max_tokens: 32000,
    messages: [{ role: "user", content: "Perform a web search for the query: deno 3" }],
    tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 8 }],
    output_config: { effort: "high" },
  };
  assert.equal(served(search), "gemini-search");
  const screenshot = structuredClone(main);
  screenshot.messages.at(-1).content = [
    { type: "image", source: { type: "url", url: "https://example.com/shot.png" } },
    { type: "text", text: "What is wrong here?" },
  ];
  assert.equal(served(screenshot), "qwen-vision");
  const long = { ...plain, messages: [{ role: "user", content: "lorem ipsum ".repeat(150_000) }] };
  assert.equal(served(long), "gemini-long");
});
