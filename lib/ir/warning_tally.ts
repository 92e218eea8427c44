/**
 * Warnings counted by kind. A conversion warns once per item it drops, so a request holding
 * 100,000 blocks of a kind the upstream cannot take has 100,000 warnings that differ only in
 * where each block sat: as one log line that was megabytes, and spread into `push()` it
 * overflowed the stack. A tally keeps one entry per kind (the text with its positions, `[12]`,
 * made `[*]`) with a count, and at most `MAX_KINDS` kinds.
 */

/** Kinds kept; warnings of further kinds are only counted. */
const MAX_KINDS = 20;
/** The longest warning text kept. */
const MAX_TEXT = 500;

interface Kind {
  /** The first warning of the kind, as it was. */
  first: string;
  count: number;
}

/** Counts warnings by kind, in the order kinds first appear. */
export class WarningTally {
  #kinds = new Map<string, Kind>();
  #uncounted = 0;
  #total = 0;

  /** Every warning added, of any kind. */
  get total(): number {
    return this.#total;
  }

  add(warning: string): void {
    this.#total++;
    const key = kindOf(warning);
    const kind = this.#kinds.get(key);
    if (kind) kind.count++;
    else if (this.#kinds.size < MAX_KINDS) {
      this.#kinds.set(key, { first: warning.slice(0, MAX_TEXT), count: 1 });
    } else this.#uncounted++;
  }

  addAll(warnings: Iterable<string>): void {
    for (const warning of warnings) this.add(warning);
  }

  /**
   * One line per kind: a warning seen once as it was, a repeated one as its kind with the count
   * (`Dropped a "x" block (messages[*].content[*]) (100000 times)`), then how many of other
   * kinds were left out.
   */
  list(): string[] {
    const out: string[] = [];
    for (const [key, kind] of this.#kinds) {
      out.push(kind.count === 1 ? kind.first : `${key.slice(0, MAX_TEXT)} (${kind.count} times)`);
    }
    if (this.#uncounted > 0) out.push(`and ${this.#uncounted} more warnings of other kinds`);
    return out;
  }
}

/** The warnings of a list, counted by kind (see `WarningTally.list`). */
export function countWarnings(warnings: readonly string[]): string[] {
  if (warnings.length <= 1) return warnings.slice();
  const tally = new WarningTally();
  tally.addAll(warnings);
  return tally.list();
}

/** A warning's kind: its text with every position (`[12]`) made `[*]`. */
function kindOf(warning: string): string {
  return warning.replace(/\[\d+\]/g, "[*]");
}
