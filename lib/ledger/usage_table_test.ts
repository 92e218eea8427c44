import assert from "node:assert/strict";
import { emptyTally } from "./tally.ts";
import { parseSince, parseUsageArgs, usageTable } from "./usage_table.ts";

const NOW = Date.UTC(2026, 11, 2, 12);

Deno.test("parseUsageArgs() reads --since and --by, and refuses anything else", () => {
  assert.deepEqual(parseUsageArgs([], NOW), { since: 0, by: "model" });
  assert.deepEqual(parseUsageArgs(["--since", "7d", "--by", "day"], NOW), {
    since: NOW - 7 * 86_400_000,
    by: "day",
  });
  assert.equal(parseUsageArgs(["--since=24h"], NOW).since, NOW - 86_400_000);
  assert.throws(() => parseUsageArgs(["--by", "week"], NOW), /--by must be model or day/);
  assert.throws(() => parseUsageArgs(["--sinse", "7d"], NOW), /Unknown argument "--sinse"/);
  assert.throws(() => parseUsageArgs(["--since"], NOW), /--since needs a value/);
});

Deno.test("parseSince() takes hours, days, weeks and dates", () => {
  assert.equal(parseSince("2w", NOW), NOW - 14 * 86_400_000);
  assert.equal(parseSince("2026-11-01", NOW), new Date(2026, 10, 1).getTime());
  assert.throws(() => parseSince("yesterday", NOW), /--since takes 7d, 24h, 2w or a date/);
});

Deno.test("usageTable() aligns the groups and their total, costs to a hundredth of a cent", () => {
  const a = {
    ...emptyTally(),
    model: "deepseek-chat",
    requests: 1234,
    input_tokens: 5_000_000,
    cost_usd: 1.23456,
  };
  const b = { ...emptyTally(), model: "kimi", requests: 1, errors: 1 };
  const total = {
    ...emptyTally(),
    requests: 1235,
    errors: 1,
    input_tokens: 5_000_000,
    cost_usd: 1.23456,
  };
  const lines = usageTable([a, b], total, "model").split("\n");
  assert.equal(lines.length, 6);
  assert.match(
    lines[0],
    /^model +requests +errors +input +cache read +cache write +output +reasoning +searches +cost \(USD\)$/,
  );
  assert.match(lines[2], /^deepseek-chat +1,234 +0 +5,000,000 .* 1\.2346$/);
  assert.match(lines[5], /^total +1,235 +1 +5,000,000 /);
  const width = lines[0].length;
  assert.ok(lines.every((line) => line.length === width), "columns line up");
});
