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
  const body = response.body;
  let reader: ChunkSource | undefined;
  let failure: ProxyError | undefined;
  let ended = body === null;
  if (ended) watch.release();
  const end = () => {
    if (ended) return;
    ended = true;
    watch.release();
  };
  // Until the consumer asks for the first chunk, the upstream is not being waited for.
  watch.pause();
  watch.watchBody((error) => {
    if (ended) return;
    failure = error;
    end();
    watch.abort.abort();
    // Cancelling the reader settles a pending read at once.
    if (reader) reader.cancel();
    else body?.cancel().catch(() => {});
  });
  const source: UpstreamBody = {
    async read() {
      if (!body) return undefined;
      reader ??= sourceOf(body);
      watch.touch();
      let chunk: Uint8Array | undefined;
      try {
        chunk = await reader.read();
      } catch (error) {
        failure ??= new ProxyError("bad_gateway", `Upstream connection lost: ${describe(error)}`);
      }
      if (failure) {
        end();
        reader.cancel();
        throw failure;
      }
      if (!chunk) end();
      else watch.pause();
      return chunk;
    },
    cancel(reason) {
      // After the end there is nothing to abort (an abort would only build a DOMException).
      if (ended) return Promise.resolve();
      end();
      watch.abort.abort(reason);
      return reader ? reader.cancel(reason) : body!.cancel(reason).catch(() => {});
    },
    async text(limit) {
      // A length declared over the limit is refused unread. Only for an uncompressed body:
      // fetch decompresses, and the length it keeps is the compressed one.
      const declared = Number(response.headers.get("content-length") ?? "NaN");
      const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity";
      if (!reader && !encoded && declared > limit) {
        source.cancel();
        throw tooLargeAnswer(limit);
      }
      const read = await readAtMost(source, limit);
      if (read.over) throw tooLargeAnswer(limit);
      if (read.error instanceof ProxyError) throw read.error;
      if (read.error !== undefined) {
        throw new ProxyError("bad_gateway", `Upstream connection lost: ${describe(read.error)}`);
      }
      return new TextDecoder().decode(read.bytes);
    },
  };
  return source;
}

function tooLargeAnswer(limit: number): ProxyError {
  return new ProxyError("bad_gateway", `Upstream answer is larger than ${limit} bytes`);
}
