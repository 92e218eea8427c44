import assert from "node:assert/strict";
import type { ChunkSource } from "../bytes/chunk_source.ts";
import { letGo } from "./let_go.ts";

/** A body of `chunks` ("hang": a read that waits until cancelled), recording what happened. */
function body(chunks: Array<Uint8Array | "hang">) {
  const seen = { reads: 0, ended: false, cancelled: false };
  let wake: (() => void) | undefined;
  const source: ChunkSource = {
    read() {
      seen.reads++;
      const next = chunks.shift();
      if (next === "hang") return new Promise((resolve) => wake = () => resolve(undefined));
      if (next === undefined) seen.ended = true;
      return Promise.resolve(next);
    },
    cancel() {
      seen.cancelled = true;
      wake?.();
      return Promise.resolve();
    },
  };
  return { source, seen };
}

async function until(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  return check();
}

Deno.test("letGo() reads a body that ends by itself to its end, so its connection can be reused", async () => {
  const { source, seen } = body([new Uint8Array(3), new Uint8Array(2)]);
  letGo(source);
  assert.ok(await until(() => seen.cancelled));
  assert.ok(seen.ended, "the end was read before letting go");
  assert.equal(seen.reads, 3);
});

Deno.test("letGo() cancels a body that stays open after its end", async () => {
  const { source, seen } = body([new Uint8Array(3), "hang"]);
  letGo(source);
  assert.ok(await until(() => seen.cancelled));
  assert.ok(!seen.ended);
});
