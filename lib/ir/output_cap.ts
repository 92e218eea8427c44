/** The output cap of a pass-through body, in whichever fields its dialect spells it. */

/** The tokens asked for, at most `cap`; the cap itself when none (or nonsense) was asked. */
export function capped(asked: unknown, cap: number): number {
  return typeof asked === "number" && asked > 0 ? Math.min(asked, cap) : cap;
}

/** Caps each of `fields` that is set; sets the first to the cap when none is. */
export function capEvery(
  out: Record<string, unknown>,
  fields: readonly string[],
  cap: number,
): void {
  let set = 0;
  for (const field of fields) {
    if (out[field] === undefined || out[field] === null) continue;
    out[field] = capped(out[field], cap);
    set++;
  }
  if (set === 0) out[fields[0]] = cap;
}
