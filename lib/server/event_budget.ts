/**
 * One budget, shared by every stream of a server, for the upstream event text held while an
 * event is incomplete. Each stream already caps its own event (`maxEventBytes`), but eight
 * streams each holding a 60 MB event took 1.4 GB together; past this budget, the stream whose
 * event would go over it fails instead.
 */

/** Characters held across streams, against a limit. */
export class EventBudget {
  readonly limit: number;
  #held = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Characters held now, by every stream. */
  get held(): number {
    return this.#held;
  }

  /**
   * A stream's holding changes from `before` to `after`; false (and nothing changed) when
   * growing would take the total past the limit.
   */
  resize(before: number, after: number): boolean {
    if (after > before && this.#held + after - before > this.limit) return false;
    this.#held += after - before;
    return true;
  }
}

/** One stream's share of a budget: what it holds now, released when the stream ends. */
export class EventShare {
  #budget: EventBudget;
  #held = 0;

  constructor(budget: EventBudget) {
    this.#budget = budget;
  }

  /** The stream now holds `size` characters; false when the budget cannot give them. */
  hold(size: number): boolean {
    if (size === this.#held) return true;
    if (!this.#budget.resize(this.#held, size)) return false;
    this.#held = size;
    return true;
  }

  release(): void {
    this.#budget.resize(this.#held, 0);
    this.#held = 0;
  }
}

const BUDGETS = new WeakMap<object, EventBudget>();

/**
 * The budget of a server (one per `ServerDeps`), made on first use: twice the largest event one
 * stream may hold, so that two of the largest fit at once.
 */
export function eventBudgetOf(server: object, maxEventBytes: number): EventBudget {
  let budget = BUDGETS.get(server);
  if (!budget) BUDGETS.set(server, budget = new EventBudget(2 * maxEventBytes));
  return budget;
}
