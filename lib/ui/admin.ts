/**
 * The dashboard's routes: `GET /ui`, `/api/usage`, `/api/requests`, `/api/events`, each behind
 * the access rule of admin_access.ts. Their errors are plain JSON (`{"error": {…}}`): no client
 * dialect applies here.
 */
import { unreachable } from "../ir/types.ts";
import type { Exchange } from "../server/exchange.ts";
import { jsonResponse } from "../server/exchange.ts";
import { adminAccess } from "./admin_access.ts";
import { requestsResponse, usageResponse } from "./api.ts";
import { eventsResponse } from "./events.ts";
import { contentSecurityPolicy, dashboardHtml } from "./page.ts";

export type AdminPage = "ui" | "usage" | "requests" | "events";

/** Serves one of the dashboard's routes. */
export async function handleAdmin(ex: Exchange, page: AdminPage): Promise<Response> {
  const { settings } = ex.deps;
  const access = adminAccess(settings.host, settings.adminToken, ex.http.headers, ex.url);
  if (!access.ok) {
    const headers: Record<string, string> = access.status === 401
      ? { "www-authenticate": 'Bearer realm="llm-proxy dashboard"' }
      : {};
    return jsonResponse(
      { error: { type: "authentication_error", message: access.message } },
      access.status,
      headers,
    );
  }
  if ("cookie" in access) {
    // The token leaves the address bar (and the browser history) for a cookie.
    return new Response(null, {
      status: 303,
      headers: { location: "/ui", "set-cookie": access.cookie, "cache-control": "no-store" },
    });
  }
  const ledger = ex.deps.stats.ledger;
  try {
    switch (page) {
      case "ui": {
        const { models } = ex.deps;
        const html = dashboardHtml(models.entries, models.routers, ledgerName(ledger.store.kind));
        return new Response(html, {
          headers: {
            "content-type": "text/html; charset=utf-8",
            "content-security-policy": await contentSecurityPolicy(),
            "cache-control": "no-store",
            "x-content-type-options": "nosniff",
            "referrer-policy": "no-referrer",
          },
        });
      }
      case "usage":
        return await usageResponse(ledger, ex.url);
      case "requests":
        return await requestsResponse(ledger, ex.url);
      case "events":
        return eventsResponse(ledger, ex.url, ex.http.headers);
      default:
        return unreachable(page);
    }
  } catch (error) {
    return jsonResponse({
      error: { type: "api_error", message: `The ledger cannot be read: ${ledger.describe(error)}` },
    }, 503);
  }
}

function ledgerName(kind: "sqlite" | "postgres" | "memory"): string {
  return kind === "memory" ? "off (this process, since start)" : kind;
}
