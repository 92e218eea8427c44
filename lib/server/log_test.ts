import assert from "node:assert/strict";
import { createLogger, scrubbing } from "./log.ts";
import type { RequestRecord } from "./stats.ts";

function record(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    callerDialect: "openai",
    method: "POST",
    path: "/openai/v1/chat/completions",
    stream: false,
    status: 502,
    totalMs: 1,
    warnings: [],
    keyTail: "…abcd",
    ...overrides,
  };
}

Deno.test("scrubbing() keeps configured keys of any shape, and key-shaped text, out of every line", () => {
  const lines: string[] = [];
  const logger = scrubbing(
    createLogger({ level: "info", format: "json", sink: (l) => lines.push(l) }),
    ["plainOperatorSecret-1234"],
  );
  logger.request(record({
    error: "Upstream said plainOperatorSecret-1234 and sk-proj-abcdefghijklmnop",
    warnings: ["seen plainOperatorSecret-1234"],
  }));
  logger.message("error", "Unexpected failure: plainOperatorSecret-1234");
  const all = lines.join("\n");
  assert.ok(!all.includes("plainOperatorSecret"), all);
  assert.ok(!all.includes("abcdefghijklmnop"), all);
  assert.match(all, /…1234/);
});

Deno.test("createLogger() escapes every field of a text line: nothing splits it", () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "info", format: "text", sink: (l) => lines.push(l) });
  logger.request(record({ keyTail: "…0\nX y", modelId: "odd\rmodel", error: "two\nlines" }));
  logger.message("error", "a message\nINFO forged");
  assert.equal(lines.length, 2);
  for (const line of lines) assert.doesNotMatch(line, /[\r\n]/);
  assert.match(lines[0], / odd\\u000dmodel .* key=…0\\u000aX\\u0020y error="two\\nlines"$/);
  assert.match(lines[1], /ERROR a message\\u000aINFO forged$/);
});

Deno.test("createLogger() names the entry that served a routed request, and the router's rule", () => {
  const lines: string[] = [];
  const text = createLogger({ level: "info", format: "text", sink: (l) => lines.push(l) });
  const json = createLogger({ level: "info", format: "json", sink: (l) => lines.push(l) });
  const routed = record({ status: 200, modelId: "deepseek-chat", route: "claude-code#6" });
  text.request(routed);
  json.request(routed);
  text.request(record({ status: 200, modelId: "deepseek-chat" }));
  assert.match(lines[0], / openai→- deepseek-chat route=claude-code#6 json /);
  const logged = JSON.parse(lines[1]);
  assert.equal(logged.model, "deepseek-chat");
  assert.equal(logged.route, "claude-code#6");
  assert.doesNotMatch(lines[2], /route=/);
});
