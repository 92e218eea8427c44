/**
 * How many connections and requests the proxy may hold, from the descriptors it has. Every
 * caller connection is a descriptor, and every request in flight holds another to its upstream
 * (which fetch then keeps in its pool for a while); past the limit, accepting and connecting
 * fail with EMFILE. Deno raises the soft open-file limit to the hard one as it starts, and it
 * offers no way to read the limit without `--allow-all` (`/proc/self/limits` needs it) nor to
 * set it, so the proxy counts what it has: it opens `/dev/null` until it has `ceiling` of them
 * or the system refuses, and closes them again.
 */

/** Descriptors this process could still open at start. */
export interface Descriptors {
  free: number;
  /** False when the count stopped at its ceiling: there are at least `free`. */
  exact: boolean;
}

/** The most descriptors counted (each costs ~25 µs to open and close). */
const CEILING = 4096;
/** Descriptors kept for what opens later besides connections: the log, the ledger, DNS. */
const RESERVE = 32;
/** The fewest connections and requests allowed, however few descriptors there are. */
const FLOOR = 16;

/**
 * Has the runtime set up its signal handling now, while descriptors are free. Deno 2.9 does it
 * lazily, shortly after start, with descriptors of its own, and panics (the process ends) when
 * the table is full at that moment: a flood of connections in the first second did that.
 * Registering a listener sets it up for good; removing the listener again changes nothing else.
 */
export function setUpSignalsEarly(): void {
  const none = () => {};
  try {
    Deno.addSignalListener("SIGWINCH", none);
    Deno.removeSignalListener("SIGWINCH", none);
  } catch {
    // a platform without SIGWINCH (Windows) has no such descriptors either
  }
}

/**
 * Counts the descriptors left (up to `ceiling`); undefined when none can be opened to count
 * (no read permission for /dev/null, or no /dev/null). `open` is replaceable in tests. The
 * count fills the table for a moment, so the runtime's signal handling is set up first.
 */
export function countDescriptors(
  ceiling = CEILING,
  open: () => { close(): void } = () => Deno.openSync("/dev/null"),
): Descriptors | undefined {
  setUpSignalsEarly();
  const held: Array<{ close(): void }> = [];
  let exact = false;
  try {
    while (held.length < ceiling) held.push(open());
  } catch (error) {
    if (held.length === 0) return undefined;
    exact = !(error instanceof Deno.errors.NotCapable);
  } finally {
    for (const file of held) file.close();
  }
  return { free: held.length, exact };
}

/**
 * The most connections to keep open and API requests to serve at once: half of the free
 * descriptors after the reserve each, so that callers' connections and upstream connections
 * together stay within the limit. `workers` share one process's descriptors.
 */
export function descriptorBudget(
  descriptors: Descriptors | undefined,
  workers = 1,
): { connections: number; requests: number } {
  const free = descriptors?.free ?? 1024;
  const half = Math.floor(Math.max(0, free - RESERVE) / 2);
  return {
    connections: Math.max(FLOOR, half),
    requests: Math.max(FLOOR, Math.floor(half / Math.max(1, workers))),
  };
}

/** The start-up line's account of the descriptors, e.g. `234 descriptors free`. */
export function describeDescriptors(descriptors: Descriptors | undefined): string {
  if (!descriptors) return "descriptors not counted";
  return descriptors.exact
    ? `${descriptors.free} descriptors free`
    : `at least ${descriptors.free} descriptors free`;
}
