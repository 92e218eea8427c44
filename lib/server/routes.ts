/**
 * The path-prefix route table. Aliases (`/anthropic/v1/v1/…`, bare `/v1/…`, `/v1beta/…`) are
 * folded into the canonical paths first, so each endpoint has one entry.
 */
import type { Dialect } from "../ir/types.ts";
import type { AdminPage } from "../ui/admin.ts";

export type Endpoint =
  | { kind: "generate"; dialect: Dialect; model?: string; stream?: boolean; sse?: boolean }
  | { kind: "count_tokens"; dialect: "anthropic" | "gemini"; model?: string }
  | { kind: "models"; dialect: Dialect; model?: string }
  | { kind: "health" }
  | { kind: "stats" }
  | { kind: "metrics" }
  | { kind: "admin"; page: AdminPage };

export type Match =
  | { ok: true; endpoint: Endpoint }
  | { ok: false; status: 404 | 405; dialect: Dialect; allow?: string };

const PREFIXES = ["/anthropic/v1", "/openai/v1", "/gemini/v1beta", "/gemini/v1", "/v1", "/v1beta"];

/** The dialect a path (or, for bare `/v1/…`, its auth header style) implies. */
export function dialectOfPath(path: string, headers: Headers): Dialect {
  if (path.startsWith("/anthropic")) return "anthropic";
  if (path.startsWith("/openai")) return "openai";
  if (path.startsWith("/gemini") || path.startsWith("/v1beta")) return "gemini";
  if (headers.has("x-goog-api-key")) return "gemini";
  if (headers.has("x-api-key") || headers.has("anthropic-version")) return "anthropic";
  if (path.startsWith("/v1/chat")) return "openai";
  if (path.startsWith("/v1/messages")) return "anthropic";
  return headers.has("authorization") ? "openai" : "anthropic";
}

/** Folds the accepted aliases into canonical paths. */
export function canonicalPath(path: string, headers: Headers): string {
  let p = path.length > 1 ? path.replace(/\/+$/, "") : path;
  p = p.replace(/^\/(anthropic|openai)\/v1\/v1(?=\/|$)/, "/$1/v1");
  p = p.replace(/^\/gemini\/v1(?=\/|$)/, "/gemini/v1beta");
  p = p.replace(/^\/gemini\/v1beta\/v1beta(?=\/|$)/, "/gemini/v1beta");
  if (p.startsWith("/v1beta/") || p === "/v1beta") return "/gemini" + p;
  if (p.startsWith("/v1/") || p === "/v1") {
    if (p.startsWith("/v1/messages")) return "/anthropic" + p;
    if (p.startsWith("/v1/chat/")) return "/openai" + p;
    const dialect = dialectOfPath(p, headers);
    return dialect === "gemini" ? "/gemini" + p.replace(/^\/v1/, "/v1beta") : `/${dialect}${p}`;
  }
  return p;
}

/** True for HEAD warm-ups on any of the prefixes (Claude Code sends one without auth). */
export function isKnownPrefix(path: string): boolean {
  const p = path.replace(/\/+$/, "") || "/";
  return p === "/" || p === "/anthropic" || p === "/openai" || p === "/gemini" ||
    PREFIXES.some((prefix) => p === prefix || p.startsWith(prefix + "/"));
}

/** Finds the endpoint for a method and canonical path. */
export function matchRoute(method: string, path: string, headers: Headers): Match {
  const dialect = dialectOfPath(path, headers);
  const post = (endpoint: Endpoint): Match =>
    method === "POST" ? { ok: true, endpoint } : { ok: false, status: 405, dialect, allow: "POST" };
  const get = (endpoint: Endpoint): Match =>
    method === "GET" ? { ok: true, endpoint } : { ok: false, status: 405, dialect, allow: "GET" };

  switch (path) {
    case "/health":
      return get({ kind: "health" });
    case "/metrics":
      return get({ kind: "metrics" });
    case "/anthropic/v1/stats":
      return get({ kind: "stats" });
    case "/ui":
      return get({ kind: "admin", page: "ui" });
    case "/api/usage":
      return get({ kind: "admin", page: "usage" });
    case "/api/requests":
      return get({ kind: "admin", page: "requests" });
    case "/api/events":
      return get({ kind: "admin", page: "events" });
    case "/anthropic/v1/messages":
      return post({ kind: "generate", dialect: "anthropic" });
    case "/anthropic/v1/messages/count_tokens":
      return post({ kind: "count_tokens", dialect: "anthropic" });
    case "/anthropic/v1/models":
      return get({ kind: "models", dialect: "anthropic" });
    case "/openai/v1/chat/completions":
      return post({ kind: "generate", dialect: "openai" });
    case "/openai/v1/models":
      return get({ kind: "models", dialect: "openai" });
    case "/gemini/v1beta/models":
      return get({ kind: "models", dialect: "gemini" });
  }
  const single = /^\/(anthropic|openai)\/v1\/models\/([^/]+)$/.exec(path);
  if (single) {
    return get({ kind: "models", dialect: single[1] as Dialect, model: decode(single[2]) });
  }
  const gemini = /^\/gemini\/v1beta\/models\/([^/:]+)(?::([A-Za-z]+))?$/.exec(path);
  if (gemini) {
    const model = decode(gemini[1]);
    switch (gemini[2]) {
      case undefined:
        return get({ kind: "models", dialect: "gemini", model });
      case "generateContent":
        return post({ kind: "generate", dialect: "gemini", model, stream: false });
      case "streamGenerateContent":
        return post({ kind: "generate", dialect: "gemini", model, stream: true });
      case "countTokens":
        return post({ kind: "count_tokens", dialect: "gemini", model });
    }
  }
  return { ok: false, status: 404, dialect };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
