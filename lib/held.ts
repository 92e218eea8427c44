/**
 * A large value (a parsed request body, the bytes sent upstream) held only while it is needed.
 *
 * Why: a request handler awaits its upstream for seconds. Anything a suspended async frame or a
 * closure still references survives V8's young generation, gets copied and promoted, and is then
 * freed only by a full collection; for the 100 KB bodies of Claude Code that is a copy and a
 * promotion per request (and, for a string body, a large-object page mapped and unmapped). So
 * such values are held here and let go (`take`, `release`) at the point they stop being needed,
 * rather than left to the end of the frame that holds them.
 */
export class Held<T> {
  #value: T | undefined;
  #what: string;

  /** `what` names the value, for the error of a use after release (a bug). */
  constructor(value: T, what: string) {
    this.#value = value;
    this.#what = what;
  }

  /** The value; it stays held. */
  get(): T {
    if (this.#value === undefined) throw new Error(`${this.#what} was already let go`);
    return this.#value;
  }

  /** The value, no longer held here. */
  take(): T {
    const value = this.get();
    this.#value = undefined;
    return value;
  }

  /** Lets the value go. */
  release(): void {
    this.#value = undefined;
  }
}
