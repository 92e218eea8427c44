/**
 * What ends an upstream call besides its own answer: the idle timeout (before the headers and
 * between body chunks), the request's total deadline, and the caller going away. Whichever comes
 * first aborts the fetch and fails what is waited for at that moment (the headers, or a body
 * read) directly: progress never depends on the runtime turning the abort into a rejected read.
 */
import { ProxyError } from "../errors.ts";
import { type IdleWatch, watchDeadline, watchIdle } from "./idle.ts";

/** Why a call timed out, as said before the headers and after them. */
interface Expiry {
  before: string;
  after: string;
}

/** The watches of one call, from sending it until its answer has been read. */
export class CallWatch {
  /** Aborts the fetch and its body. */
  readonly abort = new AbortController();
  /** Set once the idle watch or the deadline fired. */
  expired?: Expiry;
  #idle: IdleWatch;
  #deadline?: IdleWatch;
  #signal: AbortSignal;
  /** Fails the wait for the headers in progress. */
  #failWait?: (reason: unknown) => void;
  /** Fails the body being read. */
  #failBody?: (error: ProxyError) => void;
  #onCallerGone = () => this.#callerGone();

  constructor(
    timeoutMs: number,
    deadline: { at: number; seconds: number } | undefined,
    signal: AbortSignal,
  ) {
    const seconds = timeoutMs / 1000;
    this.#idle = watchIdle(timeoutMs, () =>
      this.#expire({
        before: `Upstream did not answer within ${seconds} s`,
        after: `Upstream went quiet for ${seconds} s`,
      }));
    if (deadline) {
      this.#deadline = watchDeadline(deadline.at, () => {
        const reason = `The request took longer than total_timeout_seconds (${deadline.seconds} s)`;
        this.#expire({ before: reason, after: reason });
      });
    }
    this.#signal = signal;
    if (signal.aborted) this.#callerGone();
    signal.addEventListener("abort", this.#onCallerGone, { once: true });
  }

  /** Resolves with `work`, or rejects as soon as the call is stopped while it is awaited. */
  async race<T>(work: Promise<T>): Promise<T> {
    work.catch(() => {});
    try {
      return await Promise.race([
        work,
        new Promise<never>((_, reject) => {
          this.#failWait = reject;
        }),
      ]);
    } finally {
      this.#failWait = undefined;
    }
  }

  /** From now on a stop fails the body through `fail` (its read in progress or the next). */
  watchBody(fail: (error: ProxyError) => void): void {
    this.#failBody = fail;
  }

  /** Something arrived, or is waited for again: the quiet time starts again. */
  touch(): void {
    this.#idle.touch();
  }

  /** Nothing is waited for until the next `touch` (the proxy or its caller is not reading). */
  pause(): void {
    this.#idle.pause();
  }

  /** The call is over: no watch fires after this. */
  release(): void {
    this.#idle.stop();
    this.#deadline?.stop();
    this.#signal.removeEventListener("abort", this.#onCallerGone);
  }

  #expire(reason: Expiry): void {
    this.expired = reason;
    this.abort.abort();
    this.#failWait?.(new Error(reason.before));
    this.#failBody?.(new ProxyError("timeout", reason.after));
  }

  #callerGone(): void {
    this.abort.abort(new DOMException("Caller went away", "AbortError"));
    this.#failWait?.(new Error("caller went away"));
    this.#failBody?.(new ProxyError("bad_gateway", "Upstream connection lost: caller went away"));
  }
}
