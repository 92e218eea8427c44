/**
 * Letting go of an upstream body whose answer is already complete (its dialect's end arrived).
 * Cancelling it at once would close a connection that was about to end cleanly, and with it the
 * keep-alive connection the next request could reuse (a new TLS handshake each time). So what
 * the upstream still sends is read and dropped for a moment; a body still open after that (an
 * upstream that never ends its stream) is cancelled.
 */
import type { ChunkSource } from "../bytes/chunk_source.ts";

/** How long an ended stream's body may take to close by itself. */
const GRACE_MS = 1000;
/** How much of what follows the end is read before giving up on it. */
const MAX_TRAILING_BYTES = 64 * 1024;

/** Drains `source` briefly in the background, then cancels it if it has not ended. */
export function letGo(source: ChunkSource): void {
  const timer = setTimeout(() => source.cancel(), GRACE_MS);
  (async () => {
    try {
      let bytes = 0;
      for (;;) {
        const chunk = await source.read();
        if (!chunk) break;
        bytes += chunk.length;
        if (bytes > MAX_TRAILING_BYTES) break;
      }
    } catch {
      // a broken body is let go all the same
    }
    clearTimeout(timer);
    await source.cancel();
  })();
}
