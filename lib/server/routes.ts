/**
 * The route table: the server's own endpoints, then each dialect's routes under its prefix (from
 * its codec). Aliases (a doubled `/v1`, bare `/v1/…`, `/v1beta/…`) are folded into the canonical
 * paths first, so each endpoint has one entry.
 */
import { CODECS, type Dialect, DIALECTS } from "../dialects.ts";
import type { DialectRoutes, Operation, Route } from "../ir/endpoint.ts";
import type { AdminPage } from "../ui/admin.ts";

/** A dialect's endpoint: the model when the path names it, the stream flag when it decides. */
export interface DialectEndpoint {
  kind: Operation;
  dialect: Dialect;
  model?: string;
  stream?: boolean;
}

export type Endpoint =
  | DialectEndpoint
  | { kind: "health" }
  | { kind: "stats" }
  | { kind: "metrics" }
  | { kind: "admin"; page: AdminPage };

export type Match =
  | { ok: true; endpoint: Endpoint }
  | { ok: false; status: 404 | 405; dialect: Dialect; allow?: string };

/** The prefix of requests that name no dialect; the dialect is told by path or header. */
const BARE = "/v1";

/** A dialect's route, found by its full canonical path (exact) or pattern. */
interface Mounted {
  dialect: Dialect;
  route: Route;
}

function under(path: string, prefix: string): boolean {
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 47);
}

/** Every dialect's routes, in registry order (the first wins where two could apply). */
export class RouteTable {
  #dialects: ReadonlyArray<readonly [Dialect, DialectRoutes]>;
  #exact = new Map<string, Mounted[]>();
  #patterns: Array<{ prefix: string; mounted: Mounted }> = [];
  /** Alias prefix → canonical prefix, in registry order. */
  #aliases: Array<[string, string]> = [];
  /** The first path segment of each prefix and alias, with its dialect (`/anthropic`). */
  #roots = new Map<string, Dialect>();
  /** Every prefix a HEAD warm-up may hit. */
  #prefixes: string[];

  constructor(dialects: ReadonlyArray<readonly [Dialect, DialectRoutes]>) {
    this.#dialects = dialects;
    for (const [dialect, { prefix, aliases, routes }] of dialects) {
      for (const route of routes) {
        if (typeof route.path !== "string") {
          this.#patterns.push({ prefix, mounted: { dialect, route } });
          continue;
        }
        const path = prefix + route.path;
        this.#exact.set(path, [...(this.#exact.get(path) ?? []), { dialect, route }]);
      }
      for (const alias of aliases) this.#aliases.push([alias, prefix]);
      for (const path of [prefix, ...aliases]) {
        const root = "/" + path.split("/")[1];
        if (!this.#roots.has(root)) this.#roots.set(root, dialect);
      }
    }
    const prefixes = dialects.map(([, routes]) => routes.prefix);
    this.#prefixes = [...new Set([...prefixes, ...this.#aliases.map(([a]) => a), BARE])];
  }

  /**
   * The dialect of a request on no dialect's prefix: the first whose callers alone send one of
   * its headers, else the first whose callers send a bearer key when it has one, else the first.
   */
  #ofHeaders(headers: Headers): Dialect {
    for (const [dialect, routes] of this.#dialects) {
      if (routes.headers.some((name) => headers.has(name))) return dialect;
    }
    if (headers.has("authorization")) {
      const bearer = this.#dialects.find(([, routes]) => routes.bearer);
      if (bearer) return bearer[0];
    }
    return this.#dialects[0][0];
  }

  /** The dialect a canonical path (or, off every prefix, its auth header style) implies. */
  dialectOf(path: string, headers: Headers): Dialect {
    const slash = path.indexOf("/", 1);
    return this.#roots.get(slash === -1 ? path : path.slice(0, slash)) ?? this.#ofHeaders(headers);
  }

  /** Folds the accepted aliases into canonical paths. */
  canonical(path: string, headers: Headers): string {
    let p = path.length > 1 ? path.replace(/\/+$/, "") : path;
    for (const [alias, prefix] of this.#aliases) {
      if (under(p, alias)) p = prefix + p.slice(alias.length);
    }
    if (!under(p, BARE)) return p;
    const rest = p.slice(BARE.length);
    const byPath = this.#dialects.find(([, r]) => r.barePaths.some((b) => rest.startsWith(b)));
    const dialect = byPath?.[0] ?? this.#ofHeaders(headers);
    return this.#routesOf(dialect).prefix + rest;
  }

  /** True for HEAD warm-ups on any of the prefixes. */
  isKnownPrefix(path: string): boolean {
    const p = path.replace(/\/+$/, "") || "/";
    return p === "/" || this.#roots.has(p) || this.#prefixes.some((prefix) => under(p, prefix));
  }

  /** The dialect route for a method and canonical path; a 405 or 404 in the path's dialect. */
  match(method: string, path: string, headers: Headers): Match {
    let wrongMethod: Mounted | undefined;
    for (const mounted of this.#exact.get(path) ?? []) {
      if (mounted.route.method === method) return found(mounted, undefined);
      wrongMethod ??= mounted;
    }
    for (const { prefix, mounted } of this.#patterns) {
      if (!under(path, prefix)) continue;
      const match = (mounted.route.path as RegExp).exec(path.slice(prefix.length));
      if (!match) continue;
      if (mounted.route.method === method) return found(mounted, decode(match[1]));
      wrongMethod ??= mounted;
    }
    if (wrongMethod) {
      const { dialect, route } = wrongMethod;
      return { ok: false, status: 405, dialect, allow: route.method };
    }
    return { ok: false, status: 404, dialect: this.dialectOf(path, headers) };
  }

  #routesOf(dialect: Dialect): DialectRoutes {
    return this.#dialects.find(([d]) => d === dialect)![1];
  }
}

function found({ dialect, route }: Mounted, model: string | undefined): Match {
  const endpoint: DialectEndpoint = { kind: route.operation, dialect };
  if (model !== undefined) endpoint.model = model;
  if (route.stream !== undefined) endpoint.stream = route.stream;
  return { ok: true, endpoint };
}

/** The registry's routes. */
const TABLE = new RouteTable(DIALECTS.map((d) => [d, CODECS[d].routes] as const));

/** Folds the accepted aliases into canonical paths. */
export function canonicalPath(path: string, headers: Headers): string {
  return TABLE.canonical(path, headers);
}

/** True for HEAD warm-ups on any of the prefixes (Claude Code sends one without auth). */
export function isKnownPrefix(path: string): boolean {
  return TABLE.isKnownPrefix(path);
}

/** Finds the endpoint for a method and canonical path: the server's own, then the dialects'. */
export function matchRoute(method: string, path: string, headers: Headers): Match {
  const own = serverRoute(path);
  if (!own) return TABLE.match(method, path, headers);
  return method === "GET"
    ? { ok: true, endpoint: own }
    : { ok: false, status: 405, dialect: TABLE.dialectOf(path, headers), allow: "GET" };
}

/** The server's own endpoints, which belong to no dialect (all GET). */
function serverRoute(path: string): Endpoint | undefined {
  switch (path) {
    case "/health":
      return { kind: "health" };
    case "/metrics":
      return { kind: "metrics" };
    // The statistics keep the address they were first published at.
    case "/anthropic/v1/stats":
      return { kind: "stats" };
    case "/ui":
      return { kind: "admin", page: "ui" };
    case "/api/usage":
      return { kind: "admin", page: "usage" };
    case "/api/requests":
      return { kind: "admin", page: "requests" };
    case "/api/events":
      return { kind: "admin", page: "events" };
  }
  return undefined;
}

/** The request headers the callers of every dialect send (for a CORS preflight's default). */
export const CALLER_HEADERS: readonly string[] = DIALECTS.flatMap((d) => CODECS[d].routes.headers);

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
