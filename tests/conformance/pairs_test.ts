/**
 * The conformance suite: every scenario (scenarios.ts) over every caller × upstream pair,
 * pass-through included, in every mode the caller's dialect has (whole, streamed, …), one step
 * per case. A case that cannot run is skipped with its reason: what a dialect cannot say comes
 * from its wire kit; what a pair does not do is in the table below.
 */
import type { Dialect } from "../../lib/ir/types.ts";
import { lacking, modesOf, runScenario, type Scenario } from "./_scenario.ts";
import { SCENARIOS } from "./scenarios/mod.ts";
import type { Mode } from "./wire/kit.ts";
import { DIALECTS } from "./wire/kits.ts";

interface Skip {
  reason: string;
  scenarios: string[];
  /** The pairs it holds for. */
  when(caller: Dialect, upstream: Dialect): boolean;
  /** The one mode it holds for, when not all. */
  mode?: Mode;
}

const passThrough = (caller: Dialect, upstream: Dialect) => caller === upstream;

/** What a pair does not do, and why. */
export const SKIPS: Skip[] = [{
  reason: "pass-through sends the caller's body as written",
  scenarios: [
    "a tool name over 64 characters is fitted upstream and restored",
    "call ids over the upstream's limit are fitted alike on calls and results",
    "a call the caller left unanswered gets an error result",
  ],
  when: passThrough,
}, {
  reason: "pass-through answers as the upstream wrote it",
  scenarios: ["whitespace-only text beside tool calls"],
  when: passThrough,
}];

function skipOf(s: Scenario, caller: Dialect, upstream: Dialect, mode: Mode): string | undefined {
  return lacking(s, caller, upstream) ??
    SKIPS.find((skip) =>
      skip.scenarios.includes(s.name) && skip.when(caller, upstream) &&
      (skip.mode === undefined || skip.mode === mode)
    )?.reason;
}

for (const caller of DIALECTS) {
  for (const upstream of DIALECTS) {
    Deno.test(`conformance: ${caller} caller → ${upstream} upstream`, async (t) => {
      for (const scenario of SCENARIOS) {
        for (const mode of modesOf(scenario, caller)) {
          const skip = skipOf(scenario, caller, upstream, mode);
          await t.step({
            name: `${scenario.name} (${mode})${skip ? ` — skipped: ${skip}` : ""}`,
            ignore: skip !== undefined,
            fn: () => runScenario(scenario, caller, upstream, mode),
          });
        }
      }
    });
  }
}
