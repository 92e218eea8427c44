/**
 * Drives Debian's chromium through `npm:playwright-core` against the dashboard, for
 * dashboard_test.ts (run as `deno run -A`: Playwright reads /proc and the OS release, which a
 * test's permissions do not grant). Never downloads a browser: it uses /usr/bin/chromium.
 *
 * `deno run -A tests/_dashboard_browser.ts <proxy url> <rows to wait for> <report.json> [shot.png]`
 * opens /ui, prints "ready <rows shown>" once the page has loaded, waits (without reloading)
 * until the live table shows the given number of rows, and writes what it saw as JSON.
 */
import { chromium } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

async function main(): Promise<void> {
  const [base, wanted, out, shot] = Deno.args;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1250 } });
    const fetched: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => fetched.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(String(error)));
    await page.goto(`${base}/ui`);
    await page.waitForSelector("body[data-ready='1']", { timeout: 20_000 });
    const rowsAtStart = await page.locator("#requests-body tr[data-id]").count();
    console.log(`ready ${rowsAtStart}`);
    // Made meanwhile by the test: they must arrive without a reload.
    // Functions run in the page (strings would be an eval, which the page's CSP forbids; and
    // this module's types have no DOM, hence `globalThis`).
    await page.waitForFunction(
      (n) =>
        (globalThis as any).document.querySelectorAll("#requests-body tr[data-id]").length >= n,
      Number(wanted),
      { timeout: 20_000 },
    );
    // The charts redraw after the rows arrive.
    await page.waitForFunction(
      () =>
        Number(
          (globalThis as any).document.getElementById("tokens-hour").getAttribute("data-bars"),
        ) > 0,
      undefined,
      { timeout: 20_000 },
    );
    const report = {
      title: await page.title(),
      models: await page.locator("#models tr td:first-child").allTextContents(),
      modelsText: await page.locator("#models").innerText(),
      today: await page.locator("#today tr td:first-child").allTextContents(),
      rows: await page.locator("#requests-body tr[data-id]").allInnerTexts(),
      bars: Object.fromEntries(
        await Promise.all(
          ["tokens-hour", "cost-hour", "tokens-day", "cost-day"].map(async (id) =>
            [id, Number(await page.locator(`#${id}`).getAttribute("data-bars"))] as const
          ),
        ),
      ),
      inFlight: await page.locator("#inflight").innerText(),
      html: await page.content(),
      fetched,
      problems,
    };
    if (shot) await page.screenshot({ path: shot });
    await Deno.writeTextFile(out, JSON.stringify(report));
  } finally {
    await browser.close();
  }
}

if (import.meta.main) await main();
