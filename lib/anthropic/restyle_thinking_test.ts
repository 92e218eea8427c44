import assert from "node:assert/strict";
import { restyleThinking } from "./restyle_thinking.ts";

function restyled(body: Record<string, unknown>, style: "adaptive" | "none" | "budget") {
  const out = { ...body };
  restyleThinking(out, style);
  return out;
}

Deno.test("restyleThinking() adaptive: a budget becomes adaptive with its effort; disabled goes", () => {
  assert.deepEqual(
    restyled(
      { thinking: { type: "enabled", budget_tokens: 31999 }, max_tokens: 32000 },
      "adaptive",
    ),
    { thinking: { type: "adaptive" }, output_config: { effort: "high" }, max_tokens: 32000 },
  );
  assert.deepEqual(
    restyled({ thinking: { type: "adaptive" }, output_config: { effort: "max" } }, "adaptive"),
    { thinking: { type: "adaptive" }, output_config: { effort: "max" } },
  );
  const format = { type: "json_schema", schema: {} };
  assert.deepEqual(
    restyled({
      thinking: { type: "enabled", budget_tokens: 1024 },
      output_config: { format },
    }, "adaptive"),
    { thinking: { type: "adaptive" }, output_config: { format, effort: "low" } },
  );
  assert.deepEqual(restyled({ thinking: { type: "disabled" }, max_tokens: 1 }, "adaptive"), {
    max_tokens: 1,
  });
});

Deno.test("restyleThinking() none: neither thinking nor effort; budget: untouched", () => {
  assert.deepEqual(
    restyled({ thinking: { type: "adaptive" }, output_config: { effort: "max" } }, "none"),
    {},
  );
  const body = { thinking: { type: "enabled", budget_tokens: 4000 } };
  assert.deepEqual(restyled(body, "budget"), body);
});

Deno.test("restyleThinking() leaves the caller's output_config object untouched", () => {
  const config = { format: { type: "json_schema", schema: {} } };
  restyled(
    { thinking: { type: "enabled", budget_tokens: 5000 }, output_config: config },
    "adaptive",
  );
  assert.deepEqual(config, { format: { type: "json_schema", schema: {} } });
});
