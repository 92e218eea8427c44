/**
 * Token counts as models.yaml writes them: `8192`, `"8K"`, `"16k"`, `"1.5k"` (K = ×1000),
 * `"1M"` (×1,000,000).
 */

/** Parses a token count; undefined when the value is not one. */
export function parseTokenCount(value: unknown): number | undefined {
  if (typeof value === "number") {
    return Number.isInteger(value) && value > 0 ? value : undefined;
  }
  if (typeof value !== "string") return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(value);
  if (!match) return undefined;
  const scale = match[2] === "" ? 1 : match[2].toLowerCase() === "k" ? 1000 : 1_000_000;
  const count = Math.round(Number(match[1]) * scale);
  return count > 0 ? count : undefined;
}
