import assert from "node:assert/strict";
import { decodeRequest } from "../anthropic/decode_request.ts";
import { CODECS } from "../dialects.ts";
import { estimateRequestTokens, textTokens } from "./estimate.ts";
import { inputTokensAtMost, tokensAtMost } from "./input_bound.ts";

Deno.test("tokensAtMost() is never below textTokens(), whatever the characters", () => {
  // Single characters and pairs of every kind the estimate tells apart, the costliest mixes.
  const pool = [
    "a",
    "Z",
    "é",
    "Ж",
    "1",
    " ",
    "\n",
    "\t",
    ",",
    "(",
    '"',
    "→",
    "😀",
    "中",
    "。",
    "\u0301",
  ];
  let seed = 17;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let round = 0; round < 3000; round++) {
    let text = "";
    const length = 1 + Math.floor(next() * 12);
    for (let i = 0; i < length; i++) text += pool[Math.floor(next() * pool.length)];
    assert.ok(textTokens(text) <= tokensAtMost(text), JSON.stringify(text));
  }
});

Deno.test("inputTokensAtMost() bounds the estimate of Claude Code's request", () => {
  const body = JSON.parse(
    Deno.readTextFileSync(
      new URL("../../tests/fixtures/requests/claude_code_request.json", import.meta.url),
    ),
  );
  const request = decodeRequest(body).value;
  const estimate = estimateRequestTokens(request, CODECS.anthropic.imageTokens);
  const bound = inputTokensAtMost(request, CODECS.anthropic.imageTokens);
  assert.ok(bound >= estimate, `${bound} < ${estimate}`);
  assert.ok(bound < 12 * estimate, `${bound} is too loose for ${estimate}`);
});
