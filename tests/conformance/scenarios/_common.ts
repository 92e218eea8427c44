/** What the scenario files share: media, tools, conversations and replies used across them. */
import type { Dialect } from "../../../lib/ir/types.ts";
import type { Scenario, Step } from "../_scenario.ts";
import type { Conversation, Reply, Sent, SentPart, Tool } from "../wire/kit.ts";
import { DIALECTS, KITS } from "../wire/kits.ts";

export const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
export const PDF =
  "JVBERi0xLjQKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoKdHJhaWxlcjw8L1Jvb3QgMSAwIFI+Pgo=";
export const LONG_NAME =
  "mcp__claude_in_chrome__browser_navigate_to_url_and_wait_for_network_idle_then_screenshot";

export const WEATHER_SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, unit: { type: "string", enum: ["c", "f"] } },
  required: ["city"],
};

export const TOOLS: Tool[] = [
  { name: "get_weather", description: "Weather for a city", schema: WEATHER_SCHEMA },
  { name: "get_time" },
];

export const hi = (): Conversation => ({
  turns: [{ role: "user", parts: [{ type: "text", text: "Hi" }] }],
});
export const text = (t: string) => ({ type: "text" as const, text: t });
export const usage = { input: 10, output: 5 };
export const HELLO: Reply = { blocks: [text("Hello.")], stop: "end", usage };

/** Arguments with an escape, a quote and non-ASCII text, so that splitting them anywhere hurts. */
export const ZURICH = { city: 'Zürich "Mitte" ✓', unit: "c" };

export const TWO_CALLS: Reply = {
  blocks: [
    text("Checking both."),
    { type: "tool_call", id: "call_w1", name: "get_weather", args: ZURICH, signed: true },
    { type: "tool_call", id: "call_w2", name: "get_time", args: {} },
  ],
  stop: "tool",
  usage: { input: 30, output: 12 },
};

export function one(step: Step, scenario: Omit<Scenario, "steps">): Scenario {
  return { ...scenario, steps: [step] };
}

/** The parts of the turns after `from`, flattened. */
export const partsOf = (sent: Sent, role: string) =>
  sent.turns.filter((t) => t.role === role).flatMap((t) => t.parts);

export const texts = (parts: SentPart[]) => parts.flatMap((p) => p.type === "text" ? [p.text] : []);
export const IMAGE = { type: "image" as const, source: { mediaType: "image/png", data: PNG } };

/** The signatures and placeholders other dialects' upstreams use: none may reach `upstream`. */
export function foreignMarks(upstream: Dialect): string[] {
  return DIALECTS.filter((d) => d !== upstream).flatMap((d) => {
    const { signature, unsignedCall } = KITS[d].upstream;
    return [signature.thinking, signature.call, unsignedCall ?? ""].filter(Boolean);
  });
}
