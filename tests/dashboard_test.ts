/**
 * The dashboard: who may open it, what its page holds, and the page itself in a real browser
 * (Debian's chromium driven by playwright-core from tests/_dashboard_browser.ts): the configured
 * models shown, requests made meanwhile arriving without a reload, the charts drawn, and nothing
 * fetched from anywhere but the proxy.
 */
import assert from "node:assert/strict";
import { SqliteStore } from "../lib/ledger/sqlite_store.ts";
import { chatCompletion, type Mock, type Proxy, startMock, startProxy } from "./_harness.ts";

/** Debian's chromium, as tests/_dashboard_browser.ts launches it (not imported: Playwright
 * loads with permissions this test does not have). */
const CHROMIUM = "/usr/bin/chromium";
const KEY = "sk-dashboard-caller-key-55aa66bb-k9k9";
const OWN_KEY = "sk-dashboard-own-key-778899-p0p0";
const HEADER_SECRET = "hdr-secret-value-123456789";
const TOKEN = "dashboard-admin-token-0123456789";

function modelsYaml(mock: Mock): string {
  return `
- model_id: deepseek-chat
  model_name: up-chat
  api_base: ${mock.url}/v1?key=${OWN_KEY}
  format: openai
  price: {input: 0.27, output: 1.1, cache_read: 0.07}
- model_id: kimi-k2
  api_base: ${mock.url}/v1
  format: openai
  aliases: ["claude-*"]
  api_key: ${OWN_KEY}
  extra_headers: {x-secret: ${HEADER_SECRET}}
  price: {input: 0.6, output: 2.5}
`;
}

function upstream(): Mock {
  return startMock(() =>
    chatCompletion({ prompt_tokens: 5000, completion_tokens: 700, total_tokens: 5700 })
  );
}

async function call(proxy: Proxy, model: string): Promise<number> {
  const response = await fetch(`${proxy.url}/openai/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }] }),
  });
  await response.text();
  return response.status;
}

Deno.test("/ui and /api need admin_token beyond loopback, and are off there without one", async () => {
  const mock = upstream();
  const open = startProxy(modelsYaml(mock), { host: "0.0.0.0" });
  const guarded = startProxy(modelsYaml(mock), { host: "0.0.0.0", adminToken: TOKEN });
  try {
    for (const path of ["/ui", "/api/usage", "/api/requests", "/api/events"]) {
      const off = await fetch(`${open.url}${path}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      assert.equal(off.status, 403, path);
      assert.match((await off.json()).error.message, /off.*no admin_token/);
      const refused = await fetch(`${guarded.url}${path}`);
      assert.equal(refused.status, 401, path);
      await refused.body?.cancel();
    }
    const bearer = await fetch(`${guarded.url}/api/requests`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(bearer.status, 200);
    await bearer.body?.cancel();
    // The token in the address once: a cookie, and the address without it.
    const login = await fetch(`${guarded.url}/ui?token=${TOKEN}`, { redirect: "manual" });
    assert.equal(login.status, 303);
    assert.equal(login.headers.get("location"), "/ui");
    const cookie = login.headers.get("set-cookie")!.split(";")[0];
    assert.match(login.headers.get("set-cookie")!, /HttpOnly; SameSite=Strict/);
    const page = await fetch(`${guarded.url}/ui`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>llm-proxy usage<\/title>/);
    const events = await fetch(`${guarded.url}/api/events`, { headers: { cookie } });
    assert.equal(events.headers.get("content-type"), "text/event-stream");
    await events.body?.cancel();
    const wrong = await fetch(`${guarded.url}/ui?token=${TOKEN}x`, { redirect: "manual" });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
  } finally {
    await open.close();
    await guarded.close();
    await mock.close();
  }
});

Deno.test("/ui shows the configured models, their upstreams and prices, never a key or header", async () => {
  const mock = upstream();
  const proxy = startProxy(modelsYaml(mock));
  try {
    const response = await fetch(`${proxy.url}/ui`);
    assert.equal(response.status, 200);
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /connect-src 'self'/);
    const html = await response.text();
    const config = JSON.parse(
      /<script type="application\/json" id="config">(.*?)<\/script>/s.exec(html)![1],
    );
    assert.deepEqual(config.models.map((m: any) => m.model_id), ["deepseek-chat", "kimi-k2"]);
    assert.equal(config.models[0].api_base, `${mock.url}/v1`, "no query string");
    assert.deepEqual(config.models[1].price, {
      input: 0.6,
      output: 2.5,
      cache_read: 0.6,
      cache_write: 0.6,
    });
    for (const secret of [OWN_KEY, HEADER_SECRET]) assert.ok(!html.includes(secret), secret);
    // A model name a caller chose is data, never markup: the script sets it as text.
    assert.ok(!/innerHTML|insertAdjacentHTML|document\.write/.test(html));
  } finally {
    await proxy.close();
    await mock.close();
  }
});

const chromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!chromium) {
  console.log(`browser test skipped: no ${CHROMIUM} (apt-get install chromium; .ci/run does)`);
}

Deno.test({
  name:
    "the dashboard in chromium: models, live requests without a reload, charts, nothing fetched elsewhere",
  ignore: !chromium,
  fn: async () => {
    const mock = upstream();
    const dir = await Deno.makeTempDir();
    const store = new SqliteStore(`${dir}/usage.sqlite`);
    await store.open();
    // The shipped flush interval: rows reach the page as they would for a user.
    const proxy = startProxy(modelsYaml(mock), {}, {}, { store });
    const out = `${dir}/report.json`;
    try {
      assert.equal(await call(proxy, "deepseek-chat"), 200);
      assert.equal(await call(proxy, "claude-sonnet-4-5"), 200);
      const driver = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          // playwright-core is a test package: mapped and locked beside the tests.
          `--import-map=${new URL("./import_map.json", import.meta.url).pathname}`,
          `--lock=${new URL("./deno.lock", import.meta.url).pathname}`,
          new URL("./_dashboard_browser.ts", import.meta.url).pathname,
          proxy.url,
          "5",
          out,
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const lines = driver.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let said = "";
      while (!said.includes("\n")) {
        const { value, done } = await lines.read();
        if (done) break;
        said += value;
      }
      const stderr = driver.stderr.pipeThrough(new TextDecoderStream());
      assert.match(said, /^ready 2\n/, "the page showed the two earlier requests");
      // Made while the page is open.
      for (const model of ["kimi-k2", "deepseek-chat", "kimi-k2"]) {
        assert.equal(await call(proxy, model), 200);
      }
      const status = await driver.status;
      let errors = "";
      for await (const chunk of stderr) errors += chunk;
      await lines.cancel();
      assert.ok(status.success, `the browser driver failed:\n${errors}`);
      const report = JSON.parse(await Deno.readTextFile(out));
      assert.equal(report.title, "llm-proxy usage");
      assert.deepEqual(report.models, ["deepseek-chat", "kimi-k2"]);
      assert.equal(report.rows.length, 5);
      assert.match(report.rows[0], /kimi-k2/);
      assert.deepEqual(report.today.slice(0, 2), ["deepseek-chat", "kimi-k2"]);
      for (const chart of ["tokens-hour", "cost-hour", "tokens-day", "cost-day"]) {
        assert.ok(report.bars[chart] > 0, `${chart} has bars`);
      }
      for (const url of report.fetched) {
        assert.ok(url.startsWith(`${proxy.url}/`) || url.startsWith("data:"), `fetched ${url}`);
      }
      assert.ok(report.fetched.some((u: string) => u.includes("/api/events")), "listened live");
      assert.deepEqual(report.problems, [], "no script error, no blocked resource");
      for (const secret of [KEY, OWN_KEY, HEADER_SECRET]) {
        assert.ok(!report.html.includes(secret.slice(0, -4)), "no key in the page");
      }
    } finally {
      await proxy.close();
      await mock.close();
    }
  },
});

Deno.test("/ui lists a router beside the models, with the models its rules pick", async () => {
  const mock = upstream();
  const proxy = startProxy(`${modelsYaml(mock)}
- model_id: claude-code
  aliases: ["claude-code-*"]
  route:
    - {when: {thinking: true}, to: kimi-k2}
    - to: deepseek-chat
`);
  try {
    const html = await (await fetch(`${proxy.url}/ui`)).text();
    const config = JSON.parse(
      /<script type="application\/json" id="config">(.*?)<\/script>/s.exec(html)![1],
    );
    assert.deepEqual(config.models.at(-1), {
      model_id: "claude-code",
      aliases: ["claude-code-*"],
      route: ["kimi-k2", "deepseek-chat"],
      price: null,
    });
  } finally {
    await proxy.close();
    await mock.close();
  }
});
