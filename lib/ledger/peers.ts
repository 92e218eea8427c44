/**
 * The workers that share a ledger in one process (`deno serve --parallel` runs one isolate per
 * core): each holds rows it has not written yet and counts its own requests in flight. Before a
 * read, a worker asks the others, over a BroadcastChannel named after the store, to write what
 * they hold and to say how many requests they are serving; it reads once all have answered (or
 * after a short wait, so a stuck worker cannot hang a read). Processes elsewhere (another
 * machine on the same PostgreSQL) are not reached: their rows arrive within a flush interval.
 */
import { unreachable } from "../ir/types.ts";

/** What a worker tells the one reading. */
export interface PeerState {
  inFlight: number;
  /** Rows it could not keep (its buffer was full while the store was failing). */
  dropped: number;
  /** Rows it holds, not yet written. */
  pending: number;
}

type Message =
  | { t: "hello" | "here" | "bye"; from: string }
  | { t: "sync"; from: string; n: number }
  | { t: "synced"; from: string; to: string; n: number; state: PeerState };

/** The longest a read waits for the other workers. */
const WAIT_MS = 1000;
/**
 * How long a new worker listens for the others' answers to its hello before its first read:
 * a worker starts on its first request, which may well be a read.
 */
const INTRODUCTION_MS = 100;

interface Waiting {
  missing: Set<string>;
  states: PeerState[];
  done: () => void;
}

export class Peers {
  readonly #id = crypto.randomUUID();
  readonly #channel: BroadcastChannel;
  readonly #known = new Set<string>();
  readonly #waiting = new Map<number, Waiting>();
  readonly #local: { flush(): Promise<void>; state(): PeerState };
  #n = 0;
  #introduced: Promise<void>;
  #introduction?: ReturnType<typeof setTimeout>;
  #endIntroduction = () => {};

  constructor(name: string, local: { flush(): Promise<void>; state(): PeerState }) {
    this.#local = local;
    this.#channel = new BroadcastChannel(`llm-proxy-ledger:${name}`);
    this.#channel.onmessage = (event) => this.#receive(event.data as Message);
    this.#post({ t: "hello", from: this.#id });
    this.#introduced = new Promise((resolve) => {
      this.#endIntroduction = resolve;
      this.#introduction = setTimeout(resolve, INTRODUCTION_MS);
    });
  }

  /** Has every other worker write what it holds; resolves with their states. */
  async sync(): Promise<PeerState[]> {
    await this.#introduced;
    if (this.#known.size === 0) return [];
    const n = ++this.#n;
    return new Promise((resolve) => {
      const waiting: Waiting = {
        missing: new Set(this.#known),
        states: [],
        done: () => {
          clearTimeout(timer);
          this.#waiting.delete(n);
          resolve(waiting.states);
        },
      };
      const timer = setTimeout(waiting.done, WAIT_MS);
      this.#waiting.set(n, waiting);
      this.#post({ t: "sync", from: this.#id, n });
    });
  }

  /**
   * Says goodbye and waits (a short while) for the other workers' goodbyes: on a signal every
   * worker writes what it holds, and the first to exit would end the process under the others.
   */
  async close(): Promise<void> {
    this.#post({ t: "bye", from: this.#id });
    clearTimeout(this.#introduction);
    this.#endIntroduction();
    for (const waiting of [...this.#waiting.values()]) waiting.done();
    const deadline = Date.now() + WAIT_MS;
    while (this.#known.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.#channel.close();
  }

  #receive(m: Message): void {
    if (m.from === this.#id) return;
    switch (m.t) {
      case "hello":
        this.#known.add(m.from);
        this.#post({ t: "here", from: this.#id });
        return;
      case "here":
        this.#known.add(m.from);
        return;
      case "bye":
        this.#known.delete(m.from);
        for (const waiting of [...this.#waiting.values()]) this.#answered(waiting, m.from);
        return;
      case "sync":
        this.#known.add(m.from);
        this.#local.flush().catch(() => {}).then(() =>
          this.#post({
            t: "synced",
            from: this.#id,
            to: m.from,
            n: m.n,
            state: this.#local.state(),
          })
        );
        return;
      case "synced": {
        if (m.to !== this.#id) return;
        const waiting = this.#waiting.get(m.n);
        if (waiting?.missing.has(m.from)) waiting.states.push(m.state);
        if (waiting) this.#answered(waiting, m.from);
        return;
      }
      default:
        unreachable(m);
    }
  }

  #answered(waiting: Waiting, from: string): void {
    waiting.missing.delete(from);
    if (waiting.missing.size === 0) waiting.done();
  }

  #post(m: Message): void {
    try {
      this.#channel.postMessage(m);
    } catch {
      // closed
    }
  }
}
