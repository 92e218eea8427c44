/**
 * Who may see the dashboard and `/api/*`. On loopback, anyone who can reach the port (the
 * machine's own users, as with the API itself). Listening on any other address, only a caller
 * holding `admin_token`, as `Authorization: Bearer <token>` or the cookie that `/ui?token=`
 * sets; without a token configured they are off there.
 */

/** The cookie `/ui?token=` sets. */
export const ADMIN_COOKIE = "llm_proxy_admin";

export type Access =
  | { ok: true }
  | { ok: true; cookie: string }
  | { ok: false; status: 401 | 403; message: string };

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Decides a request to `/ui` or `/api/*` from the listen address and the token sent. */
export function adminAccess(
  host: string,
  adminToken: string | undefined,
  headers: Headers,
  url: URL,
): Access {
  if (isLoopback(host)) return { ok: true };
  if (!adminToken) {
    return {
      ok: false,
      status: 403,
      message:
        `The dashboard and /api are off: the proxy listens on ${host}, beyond loopback, and config.json sets no admin_token`,
    };
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (bearer !== undefined && sameText(bearer, adminToken)) return { ok: true };
  const cookie = cookieValue(headers.get("cookie"), ADMIN_COOKIE);
  if (cookie !== undefined && sameText(cookie, adminToken)) return { ok: true };
  const query = url.pathname === "/ui" ? url.searchParams.get("token") : null;
  if (query !== null && sameText(query, adminToken)) {
    return {
      ok: true,
      cookie: `${ADMIN_COOKIE}=${adminToken}; Path=/; HttpOnly; SameSite=Strict`,
    };
  }
  return {
    ok: false,
    status: 401,
    message:
      "The dashboard and /api need admin_token: open /ui?token=<admin_token>, or send Authorization: Bearer <admin_token>",
  };
}

function cookieValue(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Compares in time that depends only on the lengths, not on where the texts differ. */
function sameText(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
