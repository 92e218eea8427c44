/**
 * `GET /api/events`: the ledger live, as server-sent events. `event: request` carries each row
 * once it is written (by any worker or instance sharing the ledger), `event: in_flight` the
 * number of requests being served whenever it changes, and a comment line keeps idle
 * connections open. `?after=<seq>` starts after a row the client already has.
 */
import type { Ledger } from "../ledger/ledger.ts";
import { Tail } from "../ledger/tail.ts";
import { rowJson } from "./api.ts";

/** How often the ledger is looked at when no write of this worker says so sooner. */
const TICK_MS = 1000;
const PING_MS = 15_000;
const ROWS_PER_READ = 200;

export function eventsResponse(ledger: Ledger, url: URL, headers: Headers): Response {
  const given = headers.get("last-event-id") ?? url.searchParams.get("after");
  const after = given === null || !/^\d+$/.test(given) ? undefined : Number(given);
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop();
        }
      };
      let tail: Tail;
      try {
        await ledger.sync();
        tail = new Tail(after ?? await ledger.store.lastSeq());
      } catch (error) {
        send(`event: error\ndata: ${JSON.stringify({ message: ledger.describe(error) })}\n\n`);
        controller.close();
        return;
      }
      let inFlight = -1;
      let busy = false;
      let lastSent = Date.now();
      const tick = async () => {
        if (busy) return;
        busy = true;
        try {
          const state = await ledger.sync();
          const rows = tail.take(await ledger.store.after(tail.cursor, ROWS_PER_READ), Date.now());
          let text = "";
          for (const row of rows) {
            text += `event: request\nid: ${row.seq}\ndata: ${JSON.stringify(rowJson(row))}\n\n`;
          }
          if (state.inFlight !== inFlight) {
            inFlight = state.inFlight;
            text += `event: in_flight\ndata: {"in_flight":${inFlight}}\n\n`;
          }
          if (!text && Date.now() - lastSent > PING_MS) text = ": ping\n\n";
          if (text) {
            lastSent = Date.now();
            send(text);
          }
        } catch {
          // The store is failing: the next tick tries again.
        } finally {
          busy = false;
        }
      };
      const timer = setInterval(tick, TICK_MS);
      const unsubscribe = ledger.onWritten(() => void tick());
      stop = () => {
        clearInterval(timer);
        unsubscribe();
      };
      await tick();
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    },
  });
}
