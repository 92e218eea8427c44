/**
 * Reading an upstream's answer leniently: a field of the wrong type is coerced where its meaning
 * is plain (an id sent as a number) and dropped otherwise, so that no answer can make an encoder
 * fail further on. Token counts must be non-negative whole numbers: anything else would turn the
 * counters into negatives, `Infinity` or `NaN` for the life of the process.
 */

/** An id: a non-empty string, or a number written as one; anything else is no id. */
export function idOf(value: unknown): string | undefined {
  if (typeof value === "string") return value || undefined;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A string field, or undefined when it is missing or of another type. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * A token count, or undefined when absent; a value that is no count (negative, fractional,
 * beyond 2^53, not a number) is dropped with a warning naming its field.
 */
export function tokenCount(
  value: unknown,
  field: string,
  warn: (message: string) => void,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  const shown = (JSON.stringify(value) ?? String(value)).slice(0, 40);
  warn(`${USAGE_WARNING}"${field}": ${shown} is not a token count`);
  return undefined;
}

const USAGE_WARNING = "Ignored the upstream's usage ";

/** True for the warnings `tokenCount` gives (a pass-through answer keeps only those). */
export function isUsageWarning(message: string): boolean {
  return message.startsWith(USAGE_WARNING);
}
