/**
 * The conformance scenarios, written once in neutral terms (wire/kit.ts) and run over every
 * caller × upstream pair, pass-through included, whole and streamed (pairs_test.ts).
 */
import type { Scenario } from "../_scenario.ts";
import { DIALECTS } from "../wire/kits.ts";
import { broken, endings, failures } from "./endings.ts";
import { basics, media } from "./messages.ts";
import { replayTo } from "./replay.ts";
import { tools } from "./tools.ts";
import { webSearch } from "./web_search.ts";

export const SCENARIOS: Scenario[] = [
  ...basics(),
  ...media(),
  ...tools(),
  ...endings(),
  ...failures(),
  ...broken(),
  ...webSearch(),
  ...DIALECTS.map(replayTo),
];
