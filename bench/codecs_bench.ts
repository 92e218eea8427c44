/**
 * Request conversion of Claude Code's 115 KB body: JSON text in, upstream JSON text out, for
 * each upstream dialect, beside the floor of parsing and writing the same JSON once.
 */
import { CODECS } from "../lib/dialects.ts";
import type { Dialect } from "../lib/ir/types.ts";
import { fixtureText } from "./_fixtures.ts";

const TEXT = fixtureText("requests/claude_code_request.json");
const TARGET = { modelName: "up", maxTokens: 32000, stream: true };

Deno.bench("JSON.parse + JSON.stringify of the 115 KB body (floor)", { group: "request" }, () => {
  JSON.stringify(JSON.parse(TEXT));
});

for (const upstream of ["anthropic", "openai", "gemini"] as Dialect[]) {
  Deno.bench(`anthropic → ${upstream}: parse, decode, encode, stringify 115 KB`, {
    group: "request",
    baseline: false,
  }, () => {
    const decoded = CODECS.anthropic.decodeRequest(JSON.parse(TEXT), { model: "m", stream: true });
    JSON.stringify(CODECS[upstream].encodeRequest(decoded.value, TARGET).value.body);
  });
}

const PARSED = JSON.parse(TEXT);
Deno.bench("decodeRequest (anthropic) alone, 115 KB", { group: "parts" }, () => {
  CODECS.anthropic.decodeRequest(PARSED, { model: "m", stream: true });
});
const REQUEST = CODECS.anthropic.decodeRequest(PARSED, { model: "m", stream: true }).value;
for (const upstream of ["anthropic", "openai", "gemini"] as Dialect[]) {
  Deno.bench(`encodeRequest (${upstream}) alone, 115 KB`, { group: "parts" }, () => {
    CODECS[upstream].encodeRequest(REQUEST, TARGET);
  });
}
