/**
 * Idle timeouts on one shared clock. Every upstream call is watched from the moment it is sent
 * until its answer has been read: a watch is touched by each chunk and fires once it has been
 * quiet for its timeout. One interval checks all watches (at a tenth of the shortest timeout
 * watched since it started, at most once a second) instead of a timer set and cleared per request
 * or per chunk. It stops at the first check that finds no watch open, not when the last one
 * closes, so requests one after another do not start and stop it each time; it never keeps the
 * process alive. Times come from the monotonic clock: a change of the system clock neither fires
 * nor delays a watch. A check that runs late because the thread was busy (a large body being
 * parsed) does not count the delay as quiet time: the upstreams kept sending meanwhile, unread.
 */

export interface IdleWatch {
  /** Something arrived, or is waited for again: the quiet time starts again. */
  touch(): void;
  /** Nothing is waited for until the next `touch`: the quiet time does not run meanwhile. */
  pause(): void;
  /** The call is over; the watch never fires after this. */
  stop(): void;
}

interface Entry {
  timeoutMs: number;
  last: number;
  paused: boolean;
  /** A deadline: never paused, and a busy thread's delay is not credited to it. */
  fixed: boolean;
  onIdle: () => void;
}

const open = new Set<Entry>();
let interval: ReturnType<typeof setInterval> | undefined;
let period = Infinity;
/** When the last check ran. */
let lastCheck = 0;

/** Watches a call: `onIdle` runs once, after `timeoutMs` without a `touch`. */
export function watchIdle(timeoutMs: number, onIdle: () => void): IdleWatch {
  return watch({ timeoutMs, last: performance.now(), paused: false, fixed: false, onIdle });
}

/**
 * Watches a deadline on the same clock: `onExpire` runs once when `at` (from
 * `performance.now()`) has passed, unless stopped first. `touch` and `pause` do nothing.
 */
export function watchDeadline(at: number, onExpire: () => void): IdleWatch {
  const now = performance.now();
  const entry = { timeoutMs: at - now, last: now, paused: false, fixed: true, onIdle: onExpire };
  return watch(entry);
}

function watch(entry: Entry): IdleWatch {
  const { timeoutMs } = entry;
  open.add(entry);
  const wanted = Math.min(1000, Math.max(1, Math.floor(timeoutMs / 10)));
  if (interval === undefined || wanted < period) restart(wanted);
  return {
    touch() {
      if (entry.fixed) return;
      entry.last = performance.now();
      entry.paused = false;
    },
    pause() {
      if (!entry.fixed) entry.paused = true;
    },
    stop() {
      open.delete(entry);
    },
  };
}

function restart(every: number): void {
  if (interval !== undefined) clearInterval(interval);
  interval = undefined;
  period = every;
  if (every === Infinity) return;
  interval = setInterval(check, every);
  lastCheck = performance.now();
  Deno.unrefTimer(interval);
}

/** Whether the shared clock is running (for tests). */
export function clockRunning(): boolean {
  return interval !== undefined;
}

function check(): void {
  const now = performance.now();
  // Time the thread spent elsewhere past the period is credited to every watch quiet since the
  // previous check.
  const previous = lastCheck;
  const stalled = now - previous - 2 * period;
  lastCheck = now;
  for (const entry of open) {
    if (stalled > 0 && !entry.fixed && entry.last < previous) {
      entry.last = Math.min(now, entry.last + stalled);
    }
    if (entry.paused || now - entry.last < entry.timeoutMs) continue;
    open.delete(entry);
    entry.onIdle();
  }
  if (open.size === 0) restart(Infinity);
}
