import assert from "node:assert/strict";
import { globMatches } from "./glob.ts";

Deno.test("globMatches() agrees with a star-as-anything RegExp, edge cases included", () => {
  const globs = ["claude-*haiku*", "*", "**", "a*", "*a", "a*a", "a*b*a", "*-*-*-*", "x**y", ""];
  const names = ["", "a", "aa", "aba", "ab", "ba", "claude-3-5-haiku-2024", "claude-haiku", "xy"];
  names.push("claude-sonnet", "a-b-c-d", "a-b-c", "xzy", "-", "---", "aXbYa", "abba");
  for (const glob of globs) {
    const source = glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\-]/g, "\\$&"));
    const reference = new RegExp(`^${source.join(".*")}$`);
    for (const name of names) {
      assert.equal(globMatches(glob.split("*"), name), reference.test(name), `${glob} ~ ${name}`);
    }
  }
});
