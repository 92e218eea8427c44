import assert from "node:assert/strict";
import { clockRunning, watchIdle } from "./idle.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("watchIdle() fires once after the timeout without a touch", async () => {
  let fired = 0;
  watchIdle(60, () => fired++);
  await sleep(30);
  assert.equal(fired, 0);
  await sleep(120);
  assert.equal(fired, 1);
});

Deno.test("watchIdle(): a touch starts the quiet time again; stop() means it never fires", async () => {
  let fired = 0;
  const watch = watchIdle(100, () => fired++);
  for (let i = 0; i < 6; i++) {
    await sleep(40);
    watch.touch();
  }
  assert.equal(fired, 0, "touched every 40 ms, a 100 ms watch stays quiet");
  watch.stop();
  await sleep(200);
  assert.equal(fired, 0);
});

Deno.test("watchIdle(): a short watch is checked often enough beside a long one", async () => {
  const fired: string[] = [];
  const long = watchIdle(60_000, () => fired.push("long"));
  watchIdle(50, () => fired.push("short"));
  await sleep(150);
  assert.deepEqual(fired, ["short"]);
  long.stop();
});

Deno.test("watchIdle(): the shared clock runs on between calls and stops once none is open", async () => {
  const first = watchIdle(50, () => {});
  assert.ok(clockRunning());
  first.stop();
  assert.ok(clockRunning(), "not stopped (and started again) between one call and the next");
  const second = watchIdle(50, () => {});
  second.stop();
  await sleep(30); // a check (every 5 ms here) finds nothing open
  assert.equal(clockRunning(), false);
  let fired = 0;
  watchIdle(20, () => fired++);
  await sleep(80);
  assert.equal(fired, 1, "started again by the next watch");
  assert.equal(clockRunning(), false, "stopped after its last watch fired");
});

Deno.test("watchIdle(): the shared clock never keeps a process alive by itself", async () => {
  // A process whose only pending work is a 60 s watch exits at once; a ref'd clock (checking
  // every second) would keep it running until the kill below, 20 s later.
  const module = new URL("./idle.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", `import { watchIdle } from "${module}"; watchIdle(60_000, () => {});`],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const kill = setTimeout(() => child.kill(), 20_000);
  const status = await child.status;
  clearTimeout(kill);
  assert.equal(status.signal, null, "exited by itself, not killed");
  assert.equal(status.code, 0);
  await child.stderr.cancel();
});

Deno.test("watchIdle(): time the thread spent busy elsewhere is not quiet time", async () => {
  let fired = 0;
  const watch = watchIdle(50, () => fired++);
  const busyUntil = performance.now() + 300;
  while (performance.now() < busyUntil) {
    // a large body being parsed: no timer runs, no upstream chunk is read
  }
  await sleep(10);
  assert.equal(fired, 0, "the 300 ms stall was not counted as the upstream's silence");
  watch.stop();
});
