/**
 * Retakes docs/dashboard.png: `deno run -A scripts/dashboard_screenshot.ts`. A proxy on a
 * temporary SQLite ledger filled with a month of made-up requests (four models with prices), a
 * mock upstream for a few live ones, and Debian's chromium through tests/_dashboard_browser.ts.
 */
import { foldRows } from "../lib/ledger/tally.ts";
import type { LedgerRow } from "../lib/ledger/row.ts";
import { SqliteStore } from "../lib/ledger/sqlite_store.ts";
import { chatCompletion, startMock, startProxy } from "../tests/_harness.ts";

const MODELS = [
  { id: "deepseek-chat", price: [0.27, 1.1, 0.07, 0.27], share: 0.5, up: "openai" },
  { id: "kimi-k2", price: [0.6, 2.5, 0.15, 0.6], share: 0.25, up: "openai" },
  { id: "gemini-2.5-pro", price: [1.25, 10, 0.31, 1.25], share: 0.15, up: "gemini" },
  { id: "claude-haiku-4-5", price: [1, 5, 0.1, 1.25], share: 0.1, up: "anthropic" },
];

/** A month of requests, busier on working hours, each priced as the proxy would. */
function madeUpRows(now: number): LedgerRow[] {
  const rows: LedgerRow[] = [];
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let t = now - 30 * 86_400_000; t < now - 60_000; t += 60_000 * (2 + random() * 20)) {
    const hour = new Date(t).getHours();
    if ((hour < 8 || hour > 20) && random() < 0.85) continue;
    let pick = random();
    const model = MODELS.find((m) => (pick -= m.share) < 0) ?? MODELS[0];
    const cached = Math.round(20_000 + random() * 60_000);
    const input = Math.round(500 + random() * 4000);
    const output = Math.round(100 + random() * 1500);
    const [pi, po, pr] = model.price;
    rows.push({
      id: `demo-${rows.length}`,
      time: Math.round(t),
      caller: "anthropic",
      model: "claude-sonnet-4-5",
      served_by: model.id,
      upstream: model.up,
      stream: true,
      status: random() < 0.02 ? 429 : 200,
      error_type: null,
      ttfb_ms: 300 + random() * 900,
      total_ms: 2000 + random() * 20_000,
      input_tokens: input,
      cache_read_input_tokens: cached,
      cache_creation_input_tokens: 0,
      output_tokens: output,
      reasoning_tokens: Math.round(output * 0.3),
      usage_estimated: false,
      warnings: [],
      key_tail: "…7f3a",
      cost_usd: (input * pi + output * po + cached * pr) / 1e6,
      web_search_requests: 0,
    });
  }
  return rows;
}

const mock = startMock(() =>
  chatCompletion({
    prompt_tokens: 42_000,
    completion_tokens: 900,
    prompt_tokens_details: { cached_tokens: 38_000 },
  })
);
const yaml = MODELS.map((m) =>
  `- model_id: ${m.id}\n  api_base: ${mock.url}/v1\n  format: openai\n` +
  `  price: {input: ${m.price[0]}, output: ${m.price[1]}, cache_read: ${m.price[2]}, cache_write: ${
    m.price[3]
  }}\n`
).join("");
const dir = await Deno.makeTempDir();
const store = new SqliteStore(`${dir}/usage.sqlite`);
await store.open();
const rows = madeUpRows(Date.now());
const { cells, counters } = foldRows(rows);
await store.write(rows, cells, counters);
const proxy = startProxy(yaml, {}, {}, { store });
try {
  const driver = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      // playwright-core is a test package: mapped and locked beside the tests.
      `--import-map=${new URL("../tests/import_map.json", import.meta.url).pathname}`,
      `--lock=${new URL("../tests/deno.lock", import.meta.url).pathname}`,
      new URL("../tests/_dashboard_browser.ts", import.meta.url).pathname,
      proxy.url,
      "53",
      `${dir}/report.json`,
      new URL("../docs/dashboard.png", import.meta.url).pathname,
    ],
    stdout: "piped",
  }).spawn();
  const lines = driver.stdout.pipeThrough(new TextDecoderStream()).getReader();
  await lines.read();
  for (const model of ["deepseek-chat", "kimi-k2", "deepseek-chat"]) {
    await fetch(`${proxy.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-demo-key-000000007f3a" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    }).then((r) => r.body?.cancel());
  }
  await lines.cancel();
  console.log((await driver.status).success ? "wrote docs/dashboard.png" : "the browser failed");
} finally {
  await proxy.close();
  await mock.close();
}
