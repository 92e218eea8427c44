/**
 * What every stream from an upstream's body to a caller shares, whichever pipe fills it (the
 * converting pipe, stream_pipe.ts, or a pass-through relay, relay_stream.ts and
 * relay_json_array.ts):
 *
 * - pull-driven: the upstream is read only when the caller reads, so a slow caller never makes
 *   the proxy buffer the upstream's answer (backpressure end to end);
 * - the answer's first byte reported once, and the end (usage, warnings, error) once, however
 *   the stream ends: the upstream's end, a failure, a bug in a pipe, or the caller going away
 *   (a 499, and the upstream call aborted);
 * - the text held for an unfinished event capped per stream and against the server's budget;
 * - no key of the call in any text or error the caller receives;
 * - after the upstream's own end its connection is let go (it may still close cleanly, and stay
 *   reusable), after anything else cancelled.
 */
import { ProxyError } from "../errors.ts";
import type { Usage } from "../ir/types.ts";
import type { ChunkSource } from "../bytes/chunk_source.ts";
import { redact } from "../redact.ts";
import { letGo } from "../upstream/let_go.ts";
import { type EventBudget, EventShare } from "./event_budget.ts";

/** Called once when a stream ends: its usage and the error it ended with, if any. */
export type StreamDone = (result: { usage: Usage; error?: ProxyError; warnings: string[] }) => void;

/** What a pipe needs besides its state machines. */
export interface PipeOptions {
  onFirstByte: () => void;
  onDone: StreamDone;
  /** Largest event (or unfinished line) held while waiting for its end; beyond it, a 502. */
  maxEventBytes: number;
  /** What every stream of the server may hold together; beyond it, a 502 for the one asking. */
  eventBudget: EventBudget;
  /** Keys that must not reach the caller in an upstream's error message. */
  secrets: readonly string[];
}

type Controller = ReadableStreamDefaultController<Uint8Array>;

/** What a pipe has read of the answer: its usage, warnings, and any error it told the caller. */
export interface Report {
  usage: Usage;
  warnings: string[];
  error?: ProxyError;
}

const encoder = new TextEncoder();

/** One caller's stream from one upstream body. */
export class StreamLifecycle {
  readonly #source: ChunkSource;
  readonly #options: PipeOptions;
  readonly #held: EventShare;
  /** What the pipe has read of the answer so far, for the report at the end. */
  readonly #report: () => Report;
  #sentFirst = false;
  #finished = false;

  constructor(
    source: ChunkSource,
    options: PipeOptions,
    report: () => Report,
  ) {
    this.#source = source;
    this.#options = options;
    this.#held = new EventShare(options.eventBudget);
    this.#report = report;
  }

  /**
   * The caller's byte stream: each caller read runs `pump` once. Whatever `pump` throws (a bug,
   * not the upstream's doing) still ends the stream once, and so does the caller going away;
   * either way the upstream is cancelled.
   */
  stream(pump: (controller: Controller) => Promise<void>): ReadableStream<Uint8Array> {
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          await pump(controller);
        } catch (error) {
          this.#source.cancel();
          this.complete(asProxyError(error, "The stream failed"));
          try {
            controller.close();
          } catch {
            // already closed
          }
        }
      },
      cancel: (reason) => {
        this.complete(new ProxyError("invalid_request", "Caller went away", 499));
        return this.#source.cancel(reason);
      },
    }, { highWaterMark: 0 });
  }

  /** The next chunk of the upstream's body (undefined at its end); a failed read throws. */
  read(): Promise<Uint8Array | undefined> {
    return this.#source.read();
  }

  /** The answer's first byte is going out now (reported once). */
  firstByte(): void {
    if (this.#sentFirst) return;
    this.#sentFirst = true;
    this.#options.onFirstByte();
  }

  /** Answer text for the caller: the first is the answer's first byte. */
  send(controller: Controller, text: string | Uint8Array): void {
    if (text.length === 0) return;
    this.firstByte();
    controller.enqueue(typeof text === "string" ? encoder.encode(text) : text);
  }

  /** Text for the caller with every key of the call replaced. */
  safe(text: string): string {
    const secrets = this.#options.secrets;
    return secrets.some((k) => text.includes(k)) ? redact(text, secrets) : text;
  }

  /** An error for the caller with every key of the call replaced. */
  safeError(error: ProxyError): ProxyError {
    return redactError(error, this.#options.secrets);
  }

  /**
   * Accounts for `size` characters held for an unfinished event, this stream's and the
   * server's; the failure when either is over its limit.
   */
  hold(size: number): ProxyError | undefined {
    const { maxEventBytes, eventBudget } = this.#options;
    if (size > maxEventBytes) {
      return new ProxyError(
        "bad_gateway",
        `Upstream stream event is larger than ${maxEventBytes} bytes`,
      );
    }
    if (this.#held.hold(size)) return undefined;
    return new ProxyError(
      "bad_gateway",
      `Upstream stream event does not fit: the proxy already holds ${eventBudget.held} ` +
        `bytes of unfinished events (at most ${eventBudget.limit})`,
    );
  }

  /**
   * Closes the caller's stream and reports its end. The upstream's body was read to its end
   * (`drained`), or it said its last word and may still close by itself (`ended`: let go, unless
   * something failed), or it is stopped.
   */
  close(controller: Controller, upstream: "drained" | "ended" | "stop", error?: ProxyError): void {
    controller.close();
    if (upstream === "ended" && !error) letGo(this.#source);
    else if (upstream !== "drained") this.#source.cancel();
    this.complete(error);
  }

  /**
   * Reports the stream's end, once: its usage, warnings and the error it ended with (the one the
   * caller was already told, if the pipe reports one, else `error`).
   */
  complete(error?: ProxyError): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#held.release();
    const report = this.#report();
    this.#options.onDone({
      usage: report.usage,
      error: report.error ?? error,
      warnings: report.warnings,
    });
  }
}

/** An error with every secret in its message replaced by the key's last four characters. */
export function redactError(
  error: ProxyError,
  secrets: readonly (string | undefined)[],
): ProxyError {
  const message = redact(error.message, secrets);
  if (message === error.message) return error;
  const copy = new ProxyError(error.kind, message, error.status);
  // what clients act on: Codex compacts on `context_length_exceeded`, Claude Code on the overflow
  if (error.retryAfter !== undefined) copy.retryAfter = error.retryAfter;
  if (error.code !== undefined) copy.code = error.code;
  if (error.overflow !== undefined) copy.overflow = error.overflow;
  return copy;
}

/** A stream failure as the error the caller should see. */
export function asProxyError(error: unknown, what = "Upstream connection lost"): ProxyError {
  if (error instanceof ProxyError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ProxyError("bad_gateway", `${what}: ${message}`);
}
