/**
 * The body of an upstream's answer under its call's watch: each read runs the idle clock, a stop
 * (quiet too long, past the deadline, caller gone) is thrown by the read in progress or the next
 * one, and the watch is released at the end. Nothing is read before the consumer asks for it,
 * so a slow caller holds the upstream back; the reader itself is only made on the first read.
 * The quiet time runs only while a read waits: the time the proxy (busy with other streams) or
 * its caller takes before asking for the next chunk is not the upstream's silence.
 */
import { type ChunkSource, readAtMost, sourceOf } from "../bytes/chunk_source.ts";
import { ProxyError } from "../errors.ts";
import type { CallWatch } from "./call_watch.ts";
import { describe } from "./describe.ts";

/** An upstream answer's body: read chunk by chunk, or whole within a limit. */
export interface UpstreamBody extends ChunkSource {
  /** The whole body (what is left of it) as text, at most `limit` bytes; a 502 beyond. */
  text(limit: number): Promise<string>;
}

/** `response`'s body, read under `watch`. */
export function watchedBody(response: Response, watch: CallWatch): UpstreamBody {
  return new WatchedBody(response, watch);
}

class WatchedBody implements UpstreamBody {
  readonly #response: Response;
  readonly #body: ReadableStream<Uint8Array> | null;
  readonly #watch: CallWatch;
  /** Made on the first read. */
  #reader?: ChunkSource;
  /** Why the watch stopped the body, thrown by the read in progress or the next. */
  #failure?: ProxyError;
  #ended: boolean;

  constructor(response: Response, watch: CallWatch) {
    this.#response = response;
    this.#body = response.body;
    this.#watch = watch;
    this.#ended = this.#body === null;
    if (this.#ended) watch.release();
    // Until the consumer asks for the first chunk, the upstream is not being waited for.
    watch.pause();
    watch.watchBody((error) => this.#stop(error));
  }

  async read(): Promise<Uint8Array | undefined> {
    if (!this.#body) return undefined;
    const reader = this.#reader ??= sourceOf(this.#body);
    this.#watch.touch();
    let chunk: Uint8Array | undefined;
    try {
      chunk = await reader.read();
    } catch (error) {
      this.#failure ??= new ProxyError(
        "bad_gateway",
        `Upstream connection lost: ${describe(error)}`,
      );
    }
    if (this.#failure) {
      this.#end();
      reader.cancel();
      throw this.#failure;
    }
    if (!chunk) this.#end();
    else this.#watch.pause();
    return chunk;
  }

  cancel(reason?: unknown): Promise<void> {
    // After the end there is nothing to abort (an abort would only build a DOMException).
    if (this.#ended) return Promise.resolve();
    this.#end();
    this.#watch.abort.abort(reason);
    return this.#reader ? this.#reader.cancel(reason) : this.#body!.cancel(reason).catch(() => {});
  }

  async text(limit: number): Promise<string> {
    // A length declared over the limit is refused unread. Only for an uncompressed body: fetch
    // decompresses, and the length it keeps is the compressed one.
    const headers = this.#response.headers;
    const declared = Number(headers.get("content-length") ?? "NaN");
    const encoded = (headers.get("content-encoding") ?? "identity") !== "identity";
    if (!this.#reader && !encoded && declared > limit) {
      this.cancel();
      throw tooLargeAnswer(limit);
    }
    const read = await readAtMost(this, limit);
    if (read.over) throw tooLargeAnswer(limit);
    if (read.error instanceof ProxyError) throw read.error;
    if (read.error !== undefined) {
      throw new ProxyError("bad_gateway", `Upstream connection lost: ${describe(read.error)}`);
    }
    return new TextDecoder().decode(read.bytes);
  }

  /** The watch fired: the body fails; cancelling the reader settles a pending read at once. */
  #stop(error: ProxyError): void {
    if (this.#ended) return;
    this.#failure = error;
    this.#end();
    this.#watch.abort.abort();
    if (this.#reader) this.#reader.cancel();
    else this.#body?.cancel().catch(() => {});
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#watch.release();
  }
}

function tooLargeAnswer(limit: number): ProxyError {
  return new ProxyError("bad_gateway", `Upstream answer is larger than ${limit} bytes`);
}
