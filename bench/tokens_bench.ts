/** The local token count on Claude Code's 115 KB request, beside the o200k tokenizer. */
import { CODECS } from "../lib/dialects.ts";
import { estimateRequestTokens, textTokens } from "../lib/tokens/estimate.ts";
import { o200kTokens, referenceRequestTokens } from "./_token_reference.ts";
import { fixtureText } from "./_fixtures.ts";

const TEXT = fixtureText("requests/claude_code_request.json");
const REQUEST = CODECS.anthropic.decodeRequest(JSON.parse(TEXT), { model: "m", stream: false })
  .value;

Deno.bench("estimateRequestTokens, 115 KB Claude Code request", { group: "count" }, () => {
  estimateRequestTokens(REQUEST, CODECS.anthropic.imageTokens);
});
Deno.bench("o200k tokenizer (reference), same request", { group: "count" }, () => {
  referenceRequestTokens(REQUEST);
});
Deno.bench("textTokens, 115 KB of JSON text", { group: "text" }, () => {
  textTokens(TEXT);
});
Deno.bench("o200k countTokens, 115 KB of JSON text", { group: "text" }, () => {
  o200kTokens(TEXT);
});
