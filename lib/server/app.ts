/**
 * The request handler: checks who is asking (Host and Origin), routes through the prefix table
 * on the request line's path, renders every failure in the caller's dialect, and logs and counts
 * each request once. No state besides the counters: any number of `deno serve --parallel`
 * workers can run it side by side.
 */
import { ProxyError } from "../errors.ts";
import { unreachable } from "../ir/types.ts";
import { CODECS, DEFAULT_DIALECT, type Dialect } from "../dialects.ts";
import type { ModelEntry } from "../config/models.ts";
import type { NamedEntry } from "../config/model_registry.ts";
import { isRouter } from "../config/router.ts";
import type { ModelInfo } from "../ir/codec.ts";
import { redact } from "../redact.ts";
import { originRefusal, requestUrl } from "./access.ts";
import { handleCountTokens } from "./count_tokens.ts";
import { errorResponse, type Exchange, jsonResponse, type ServerDeps } from "./exchange.ts";
import { handleGenerate } from "./generate.ts";
import { handleAdmin } from "../ui/admin.ts";
import { countWarnings } from "../ir/warning_tally.ts";
import { callerKey, keyTail } from "./keys.ts";
import { scrubbing } from "./log.ts";
import {
  CALLER_HEADERS,
  canonicalPath,
  type Endpoint,
  isKnownPrefix,
  matchRoute,
} from "./routes.ts";
import type { RequestRecord } from "./stats.ts";
import { redactError } from "./stream_lifecycle.ts";

/** Builds the `fetch` handler for a server. */
export function createHandler(deps: ServerDeps): (request: Request) => Promise<Response> {
  // Every key the configuration holds is kept out of every log line and every error text.
  const configured = deps.models.entries.flatMap((m) => m.apiKey ? [m.apiKey] : []);
  const served = { ...deps, logger: scrubbing(deps.logger, configured) };
  return async (request) => {
    const { url, refused } = requestUrl(request, deps.settings.allowedHosts);
    const refusal = refused ?? originRefusal(request.headers, deps.settings.cors);
    const response = await serve(served, request, url, refusal, configured);
    return withCors(deps, request, response);
  };
}

async function serve(
  deps: ServerDeps,
  http: Request,
  url: URL,
  refusal: ProxyError | undefined,
  configured: readonly string[],
): Promise<Response> {
  if (!refusal) {
    if (http.method === "OPTIONS" && deps.settings.cors.length) {
      return new Response(null, { status: 204 });
    }
    if (http.method === "HEAD" && isKnownPrefix(url.pathname)) return new Response(null);
  }
  const match = matchRoute(http.method, canonicalPath(url.pathname, http.headers), http.headers);
  const caller = match.ok
    ? ("dialect" in match.endpoint ? match.endpoint.dialect : DEFAULT_DIALECT)
    : match.dialect;
  const key = callerKey(http.headers, url);
  const secrets = [key, ...configured];
  const ex = openExchange(deps, http, url, caller, key, secrets);
  let response: Response;
  try {
    if (refusal) throw refusal;
    if (http.method === "POST") refuseOverCapacity(deps);
    if (!match.ok) {
      const error = match.status === 405
        ? new ProxyError("method_not_allowed", `${http.method} is not allowed on ${url.pathname}`)
        : new ProxyError("not_found", `No endpoint at ${http.method} ${url.pathname}`);
      response = errorResponse(ex.caller, error);
      if (match.allow) response.headers.set("allow", match.allow);
    } else {
      response = await dispatch(ex, match.endpoint);
    }
  } catch (error) {
    ex.deferred = false;
    const failure = redactError(
      error instanceof ProxyError ? error : internalError(deps, error, secrets),
      secrets,
    );
    if (failure.status === 499) ex.record.error = "Caller went away";
    else ex.record.error = failure.message;
    response = errorResponse(ex.caller, failure);
  }
  ex.record.status = response.status;
  // The entry that served the request (or failed it last): a router's pick, a fallback.
  if (ex.record.modelId) response.headers.set("x-proxy-model", ex.record.modelId);
  if (!ex.deferred) ex.finish();
  return response;
}

/**
 * One request, counted in flight until `finish` logs and counts it, once, with every secret the
 * request or the configuration holds scrubbed from its error and warnings.
 */
function openExchange(
  deps: ServerDeps,
  http: Request,
  url: URL,
  caller: Dialect,
  key: string | undefined,
  secrets: readonly (string | undefined)[],
): Exchange {
  const record: RequestRecord = {
    callerDialect: caller,
    method: http.method,
    path: url.pathname,
    stream: false,
    status: 200,
    totalMs: 0,
    warnings: [],
    keyTail: keyTail(key),
  };
  const started = performance.now();
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    deps.stats.inFlight--;
    record.totalMs = performance.now() - started;
    record.ttfbMs ??= record.totalMs;
    // Counted by kind first: a request can hold 100,000 warnings differing only in position.
    if (record.warnings.length > 1) record.warnings = countWarnings(record.warnings);
    if (record.error) record.error = redact(record.error, secrets);
    const warnings = record.warnings;
    for (let i = 0; i < warnings.length; i++) warnings[i] = redact(warnings[i], secrets);
    deps.stats.record(record);
    deps.logger.request(record);
  };
  deps.stats.inFlight++;
  return { deps, http, url, caller, record, started, key, deferred: false, finish };
}

function dispatch(ex: Exchange, endpoint: Endpoint): Promise<Response> | Response {
  switch (endpoint.kind) {
    case "generate":
      return handleGenerate(ex, endpoint);
    case "count_tokens":
      return handleCountTokens(ex, endpoint);
    case "models":
      return modelList(ex, endpoint.model);
    case "health":
      return jsonResponse({ status: "ok" });
    case "stats":
      return ex.deps.stats.snapshot().then((body) => jsonResponse(body));
    case "admin":
      return handleAdmin(ex, endpoint.page);
    case "metrics":
      return ex.deps.stats.prometheus().then((text) =>
        new Response(text, { headers: { "content-type": "text/plain; version=0.0.4" } })
      );
    default:
      return unreachable(endpoint);
  }
}

function modelList(ex: Exchange, one?: string): Response {
  const codec = CODECS[ex.caller];
  const created = Math.floor(ex.deps.stats.startedAt / 1000);
  const info = (m: ModelEntry, id = m.modelId): ModelInfo => ({
    id,
    displayName: id,
    contextTokens: m.contextTokens,
    maxOutputTokens: m.maxTokens,
    created,
  });
  // A router is listed with the limits of its default model.
  const limitsOf = (entry: NamedEntry) => isRouter(entry) ? entry.route.at(-1)!.to : entry;
  const { models } = ex.deps;
  if (one === undefined) {
    const listed = [...models.entries, ...models.routers];
    return jsonResponse(codec.modelList(listed.map((m) => info(limitsOf(m), m.modelId))));
  }
  const name = one.replace(/^models\//, "");
  const model = models.resolve(name);
  if (!model) throw new ProxyError("not_found", `Model "${name.slice(0, 256)}" is not configured`);
  return jsonResponse(codec.modelInfo(info(limitsOf(model), name)));
}

/**
 * A 503 once `maxInFlight` API requests are being served: each holds a connection upstream
 * and memory, and beyond the descriptor budget new connections would fail with EMFILE.
 */
function refuseOverCapacity(deps: ServerDeps): void {
  if (deps.maxInFlight === undefined || deps.stats.inFlight <= deps.maxInFlight) return;
  const error = new ProxyError(
    "unavailable",
    `The proxy is serving its most requests at once (${deps.maxInFlight}); try again shortly`,
  );
  error.retryAfter = "1";
  throw error;
}

function internalError(
  deps: ServerDeps,
  error: unknown,
  secrets: readonly (string | undefined)[],
): ProxyError {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  deps.logger.message("error", redact(`Unexpected failure: ${detail}`, secrets));
  return new ProxyError("api_error", "The proxy failed to handle this request");
}

/** The request headers a preflight that names none is allowed: every dialect's. */
const ALLOWED_HEADERS = ["authorization", "content-type", ...CALLER_HEADERS].join(", ");

/**
 * CORS only when `cors` lists origins: the allowed origin (or `*`) is echoed, a preflight gets
 * the headers it asked for (a `*` in Allow-Headers would not cover Authorization), and the answer
 * varies by Origin. Without `cors`, no CORS header is ever sent.
 */
function withCors(deps: ServerDeps, request: Request, response: Response): Response {
  const allowed = deps.settings.cors;
  if (allowed.length === 0) return response;
  const origin = request.headers.get("origin");
  const headers = new Headers(response.headers);
  headers.append("vary", "origin");
  if (origin && (allowed.includes("*") || allowed.includes(origin))) {
    headers.set("access-control-allow-origin", allowed.includes("*") ? "*" : origin);
    headers.set("access-control-expose-headers", "x-proxy-warnings, x-proxy-model, retry-after");
    if (request.method === "OPTIONS") {
      const asked = request.headers.get("access-control-request-headers");
      headers.set("access-control-allow-methods", "GET, POST, HEAD, OPTIONS");
      headers.set("access-control-allow-headers", asked ?? ALLOWED_HEADERS);
      headers.set("access-control-max-age", "600");
    }
  }
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
