/**
 * `deno task bench:tokens`: the local token count against the o200k reference on
 * every written body, per part of the request (system, messages, tools) and overall.
 */
import { CODECS } from "../lib/dialects.ts";
import { estimateRequestBreakdown } from "../lib/tokens/estimate.ts";
import { loadSample, referenceRequestTokens, SAMPLES } from "./_token_reference.ts";

const pct = (est: number, ref: number) =>
  ref === 0 ? "   -  " : `${((est / ref - 1) * 100).toFixed(1).padStart(6)}%`;

let estAll = 0;
let refAll = 0;
console.log(
  "sample".padEnd(22) + "   system          messages          tools             total",
);
for (const sample of SAMPLES) {
  const request = loadSample(sample);
  const est = estimateRequestBreakdown(request, CODECS.anthropic.imageTokens);
  const ref = referenceRequestTokens(request);
  estAll += est.total;
  refAll += ref.total;
  const cell = (k: "system" | "messages" | "tools" | "total") =>
    `${String(est[k]).padStart(6)}/${String(ref[k]).padEnd(6)}${pct(est[k], ref[k])}`;
  console.log(
    sample.name.padEnd(22) +
      [cell("system"), cell("messages"), cell("tools"), cell("total")].join(" "),
  );
}
console.log(`overall: estimate ${estAll}, o200k ${refAll}, error ${pct(estAll, refAll)}`);
