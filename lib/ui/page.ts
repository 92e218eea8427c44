/**
 * `GET /ui`: one HTML page with its style and script inline, served by the proxy itself (no
 * CDN, nothing fetched from elsewhere; a Content-Security-Policy holds the page to that). The
 * configured models are written into the page as JSON: names, upstream URLs and prices only,
 * never a key, a header or a body field from models.yaml.
 */
import type { ModelEntry } from "../config/models.ts";
import type { RouterEntry } from "../config/router.ts";
import { PAGE_SCRIPT } from "./page_script.ts";
import { PAGE_STYLE } from "./page_style.ts";

/** What the page shows of a models.yaml entry. */
export function modelView(m: ModelEntry): Record<string, unknown> {
  return {
    model_id: m.modelId,
    aliases: m.aliases,
    api_base: publicUrl(m.apiBase),
    format: m.dialect,
    model_name: m.modelName,
    price: m.price
      ? {
        input: m.price.input,
        output: m.price.output,
        cache_read: m.price.cacheRead,
        cache_write: m.price.cacheWrite,
      }
      : null,
  };
}

/** What the page shows of a router: its names and the models its rules pick among. */
export function routerView(r: RouterEntry): Record<string, unknown> {
  return {
    model_id: r.modelId,
    aliases: r.aliases,
    route: [...new Set(r.route.map((rule) => rule.to.modelId))],
    price: null,
  };
}

/** An upstream URL without credentials, query or fragment (any of which may hold a key). */
function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.origin + u.pathname.replace(/\/$/, "");
  } catch {
    return "";
  }
}

let policy: Promise<string> | undefined;

/** The Content-Security-Policy: this page's own script and style, requests to itself only. */
export function contentSecurityPolicy(): Promise<string> {
  policy ??= Promise.all([sha256(PAGE_SCRIPT), sha256(PAGE_STYLE)]).then(([script, style]) =>
    [
      "default-src 'none'",
      `script-src 'sha256-${script}'`,
      `style-src 'sha256-${style}'`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join("; ")
  );
  return policy;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/** The page, with the models, the routers and the ledger's kind in it. */
export function dashboardHtml(
  models: readonly ModelEntry[],
  routers: readonly RouterEntry[],
  ledger: string,
): string {
  const listed = [...models.map(modelView), ...routers.map(routerView)];
  const config = JSON.stringify({ ledger, models: listed })
    .replace(/</g, "\\u003c");
  const chart = (id: string, title: string, legend: string) =>
    `<section class="chart"><h2>${title}</h2><svg id="${id}" role="img" aria-label="${title}"></svg><div class="legend" id="${legend}"></div></section>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>llm-proxy usage</title><link rel="icon" href="data:,">
<style>${PAGE_STYLE}</style></head>
<body><header><h1>llm-proxy usage</h1>
<span class="meta">ledger: <b id="ledger"></b></span>
<span class="meta">in flight: <b id="inflight">0</b></span>
<span class="meta" id="status">loading…</span></header>
<main>
<section><h2>Today, per model</h2><table id="today"></table></section>
<div class="charts">
${chart("tokens-hour", "Tokens per hour, last 48 hours", "legend-hour")}
${chart("cost-hour", "Cost per hour, last 48 hours (USD)", "legend-hour-cost")}
${chart("tokens-day", "Tokens per day, last 30 days", "legend-day")}
${chart("cost-day", "Cost per day, last 30 days (USD)", "legend-day-cost")}
</div>
<section><h2>Latest requests <span class="muted">(live)</span></h2>
<table><thead><tr><th>Time</th><th>Status</th><th>Dialects</th><th>Model → served by</th>
<th class="n">TTFB</th><th class="n">Total</th><th class="n">Input</th><th class="n">Output</th>
<th class="n">Cost</th><th>Warnings</th><th>Key</th></tr></thead>
<tbody id="requests-body"><tr id="requests-empty"><td colspan="11" class="empty">No requests yet.</td></tr></tbody></table></section>
<section><h2>Configured models</h2><table id="models"></table></section>
</main>
<script type="application/json" id="config">${config}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
