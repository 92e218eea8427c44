/**
 * The reference for the local token count: an o200k tokenizer (`gpt-tokenizer`, test and bench
 * only) applied through the same framing as the estimate, over the written request bodies.
 */
import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { CODECS } from "../lib/dialects.ts";
import type { Dialect, Request } from "../lib/ir/types.ts";
import { countRequestTokens, type TokenBreakdown } from "../lib/tokens/estimate.ts";

/** Exact o200k tokens of a text. */
export function o200kTokens(text: string): number {
  return countTokens(text);
}

/** Tokens of a request by the reference tokenizer. */
export function referenceRequestTokens(request: Request): TokenBreakdown {
  return countRequestTokens(request, o200kTokens, CODECS.anthropic.imageTokens);
}

/** A written body and the dialect it is in. */
export interface TokenSample {
  name: string;
  dialect: Dialect;
  path: string;
}

const FIXTURES = new URL("../tests/fixtures/", import.meta.url);

/** The bodies the accuracy test and the benchmark measure. */
export const SAMPLES: TokenSample[] = [
  { name: "claude_code (115 KB)", dialect: "anthropic", path: "requests/claude_code_request.json" },
  {
    name: "claude_code_title",
    dialect: "anthropic",
    path: "requests/claude_code_title_request.json",
  },
  { name: "gemini_cli", dialect: "gemini", path: "requests/gemini_cli_request.json" },
  { name: "opencode", dialect: "openai", path: "requests/opencode_request.json" },
  { name: "prose", dialect: "anthropic", path: "tokens/prose_request.json" },
  { name: "code", dialect: "openai", path: "tokens/code_request.json" },
  {
    name: "json_tool_results",
    dialect: "anthropic",
    path: "tokens/json_tool_results_request.json",
  },
  { name: "cjk", dialect: "gemini", path: "tokens/cjk_request.json" },
];

/** The decoded request of a sample. */
export function loadSample(sample: TokenSample): Request {
  const body = JSON.parse(Deno.readTextFileSync(new URL(sample.path, FIXTURES)));
  return CODECS[sample.dialect].decodeRequest(body, { model: "m", stream: false }).value;
}
