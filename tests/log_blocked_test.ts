/**
 * A log sink nobody reads (a paused pager, a stalled log shipper) must not stop the proxy: lines
 * wait in a bounded queue, the rest are dropped and counted, and requests keep being answered.
 */
import assert from "node:assert/strict";
import { MAX_LINE } from "../lib/server/log.ts";
import { sleep, startMain } from "./_main_process.ts";

const MODELS = "- model_id: m\n  api_base: http://127.0.0.1:9/v1\n";

Deno.test("main.ts keeps answering while its stderr is a pipe nobody reads, and counts what it dropped", async () => {
  const proxy = await startMain({ models: MODELS, unreadStderr: true });
  const giveUp = AbortSignal.timeout(60_000);
  try {
    // Each 404 logs a line of ~2 KB (the path, cut at 2,000 characters): 1,500 of them are far
    // more than the pipe (64 KB) and the queue (1 MiB) hold.
    const path = "/x" + "y".repeat(4000);
    const requests = 1500;
    for (let i = 0; i < requests; i++) {
      const response = await fetch(`${proxy.url}${path}`, { signal: giveUp });
      assert.equal(response.status, 404);
      await response.body?.cancel();
    }
    const health = await fetch(`${proxy.url}/health`, { signal: giveUp });
    assert.equal(health.status, 200);
    await health.body?.cancel();

    proxy.readLogs();
    let dropped: RegExpExecArray | null = null;
    while (!dropped && !giveUp.aborted) {
      await sleep(20);
      dropped = proxy.logs.map((line) => /(\d+) log lines dropped/.exec(line)).find((m) => m) ??
        null;
    }
    assert.ok(dropped, "a line counts the dropped lines");
    const written = proxy.logs.filter((line) => / (404|200) /.test(line)).length;
    assert.equal(written + Number(dropped[1]), requests + 1, "every line written or counted");
    for (const line of proxy.logs) assert.ok(line.length <= MAX_LINE, `${line.length}`);
  } finally {
    await proxy.stop();
  }
});
