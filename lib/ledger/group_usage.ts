/**
 * Hour cells summed into the groups `/api/usage`, the dashboard and `deno task usage` show:
 * by model, caller, hour or day (days in the reader's time zone), or by two of these.
 */
import { addTally, emptyTally, type HourCell, type Tally } from "./tally.ts";

export type GroupBy = "model" | "caller" | "hour" | "day";

export const GROUP_BYS: readonly GroupBy[] = ["model", "caller", "hour", "day"];

/** One group's sums, named by the keys it is grouped by. */
export type UsageGroup = Partial<Record<GroupBy, string>> & Tally;

const DAY = 86_400_000;

/**
 * Sums cells by the given keys. `tzMinutes` is the reader's offset east of UTC (CET: 60): a day
 * is a calendar day there, `hour` an ISO time in UTC.
 */
export function groupUsage(
  cells: readonly HourCell[],
  by: readonly GroupBy[],
  tzMinutes = 0,
): { groups: UsageGroup[]; total: Tally } {
  const groups = new Map<string, UsageGroup>();
  const total = emptyTally();
  for (const cell of cells) {
    const keys: Partial<Record<GroupBy, string>> = {};
    for (const b of by) keys[b] = keyOf(cell, b, tzMinutes);
    const id = by.map((b) => keys[b]).join("\n");
    let group = groups.get(id);
    if (!group) groups.set(id, group = { ...keys, ...emptyTally() });
    addTally(group, cell);
    addTally(total, cell);
  }
  const list = [...groups.values()].sort((a, b) => {
    for (const key of by) {
      const x = a[key]!;
      const y = b[key]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
  return { groups: list, total };
}

function keyOf(cell: HourCell, by: GroupBy, tzMinutes: number): string {
  switch (by) {
    case "model":
      return cell.model;
    case "caller":
      return cell.caller;
    case "hour":
      return new Date(cell.hour).toISOString();
    case "day":
      return new Date(Math.floor((cell.hour + tzMinutes * 60_000) / DAY) * DAY).toISOString()
        .slice(0, 10);
  }
}

/** Parses `group=model` or `group=day,model`; throws a TypeError naming what is wrong. */
export function parseGroupBy(text: string | null): GroupBy[] {
  if (text === null || text === "") return ["model"];
  const parts = text.split(",").map((p) => p.trim());
  if (parts.length > 2 || new Set(parts).size !== parts.length) {
    throw new TypeError(`group takes one or two of ${GROUP_BYS.join(", ")}, not "${text}"`);
  }
  for (const part of parts) {
    if (!GROUP_BYS.includes(part as GroupBy)) {
      throw new TypeError(`group must be one of ${GROUP_BYS.join(", ")}, not "${part}"`);
    }
  }
  return parts as GroupBy[];
}
