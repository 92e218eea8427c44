/** `deno task usage`: its flags, and the totals as a plain-text table. */
import type { GroupBy, UsageGroup } from "./group_usage.ts";
import type { Tally } from "./tally.ts";

export interface UsageArgs {
  /** Milliseconds since the epoch; 0 for everything kept. */
  since: number;
  by: "model" | "day";
  config?: string;
}

/** Parses `[--since 7d|24h|2026-11-01] [--by model|day] [--config file]`. */
export function parseUsageArgs(args: string[], now: number): UsageArgs {
  const out: UsageArgs = { since: 0, by: "model" };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].includes("=") ? args[i].split(/=(.*)/s) : [args[i]];
    if (flag !== "--since" && flag !== "--by" && flag !== "--config") {
      throw new TypeError(`Unknown argument "${args[i]}" (flags: --since, --by, --config)`);
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new TypeError(`${flag} needs a value`);
    switch (flag) {
      case "--since":
        out.since = parseSince(value, now);
        break;
      case "--by":
        if (value !== "model" && value !== "day") {
          throw new TypeError(`--by must be model or day, not "${value}"`);
        }
        out.by = value;
        break;
      case "--config":
        out.config = value;
        break;
    }
  }
  return out;
}

/** `7d`, `12h`, `2w`, or a date (`2026-11-01`, local midnight) or ISO time. */
export function parseSince(text: string, now: number): number {
  const span = /^(\d+)\s*([hdw])$/i.exec(text.trim());
  if (span) {
    const unit = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 }[
      span[2].toLowerCase() as "h" | "d" | "w"
    ];
    return now - Number(span[1]) * unit;
  }
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text)
    ? new Date(`${text}T00:00:00`).getTime()
    : Date.parse(text);
  if (!Number.isFinite(date)) {
    throw new TypeError(`--since takes 7d, 24h, 2w or a date such as 2026-11-01, not "${text}"`);
  }
  return date;
}

const COLUMNS: Array<[string, keyof Tally]> = [
  ["requests", "requests"],
  ["errors", "errors"],
  ["input", "input_tokens"],
  ["cache read", "cache_read_input_tokens"],
  ["cache write", "cache_creation_input_tokens"],
  ["output", "output_tokens"],
  ["reasoning", "reasoning_tokens"],
  ["searches", "web_search_requests"],
  ["cost (USD)", "cost_usd"],
];

const integer = new Intl.NumberFormat("en-US");

/** The groups and their total as aligned columns, numbers right-aligned. */
export function usageTable(groups: readonly UsageGroup[], total: Tally, by: GroupBy): string {
  const cell = (t: Tally, key: keyof Tally) =>
    key === "cost_usd" ? t.cost_usd.toFixed(4) : integer.format(t[key]);
  const rows = [
    [by, ...COLUMNS.map(([name]) => name)],
    ...groups.map((g) => [g[by] ?? "-", ...COLUMNS.map(([, key]) => cell(g, key))]),
    ["total", ...COLUMNS.map(([, key]) => cell(total, key))],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((text, i) => i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i])).join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  const body = rows.slice(1, -1).map(line);
  return [line(rows[0]), rule, ...body, rule, line(rows[rows.length - 1])].join("\n");
}
