/**
 * `POST …/messages`, `…/chat/completions`, `…:generateContent` / `:streamGenerateContent`:
 * find the model and the key, then pass through (same dialect) or translate, with the model's
 * retries and fallbacks for failures that happen before the caller has received a byte.
 */
import type { ModelEntry } from "../config/models.ts";
import { MAX_MODEL_NAME, type NamedEntry } from "../config/model_registry.ts";
import { isRouter } from "../config/router.ts";
import { invalidRequest, ProxyError } from "../errors.ts";
import type { Request } from "../ir/types.ts";
import { retryAfterMs } from "../upstream/retry_after.ts";
import { readJsonObject } from "./body.ts";
import { CODECS, DIALECTS } from "../dialects.ts";
import { Held } from "../held.ts";
import { bodyLimits, type Exchange, guardConversion } from "./exchange.ts";
import { passthrough } from "./passthrough.ts";
import { translate } from "./translate.ts";
import { usableKey } from "./keys.ts";
import { routeRequest } from "./choose_route.ts";

/** Serves one generate request. */
export async function handleGenerate(
  ex: Exchange,
  endpoint: { model?: string; stream?: boolean },
): Promise<Response> {
  requireSomeKey(ex);
  const body = new Held(await readJsonObject(ex.http, bodyLimits(ex)), "The parsed request body");
  const plan = planRequest(ex, endpoint, body);
  const { name, stream } = plan;
  return await withFallbacks(ex, plan.primary, plan.key, (model, key) => {
    if (model.dialect === ex.caller) return passthrough(ex, model, key, body.get(), stream);
    plan.decoded ??= decode(ex, body.get(), name, stream);
    return translate(ex, model, key, plan.decoded.request, plan.decoded.warnings);
  });
}

/** What a generate request asks for, found before any upstream is called. */
interface Plan {
  name: string;
  primary: ModelEntry;
  stream: boolean;
  /** The key for the primary model. */
  key: string;
  /** Decoded once, for every candidate of another dialect; same-dialect ones pass `body` on. */
  decoded?: { request: Request; warnings: string[] };
}

/**
 * The model, the key and the stream flag of a request whose body passed its dialect's shape
 * check; for a router's name, the model its rules pick (the body decoded at most once, and
 * only for a rule on its content). The body is let go when no candidate will pass it through
 * (lib/held.ts).
 */
function planRequest(
  ex: Exchange,
  endpoint: { model?: string; stream?: boolean },
  body: Held<Record<string, unknown>>,
): Plan {
  const json = body.get();
  const name = requestedModel(json, endpoint.model);
  const named = resolveModel(ex, name);
  // The path decides for a dialect whose routes say so; the body's `stream` for the others.
  const stream = endpoint.stream ?? json.stream === true;
  ex.record.stream = stream;
  let decoded: Plan["decoded"];
  const routed = isRouter(named);
  // A router reads the body, so it is checked first; a model's key is checked before its body.
  if (routed) CODECS[ex.caller].checkShape(json);
  const primary = routed
    ? routeRequest(ex, named, name, () => (decoded ??= decode(ex, json, name, stream)).request)
    : named;
  const key = requireKey(ex, primary);
  if (!routed) CODECS[ex.caller].checkShape(json);
  const plan: Plan = { name, primary, stream, key, decoded };
  if (primary.dialect === ex.caller) return plan;
  plan.decoded ??= decode(ex, json, name, stream);
  if (!modelsTried(ex, primary).some((model) => model.dialect === ex.caller)) body.release();
  return plan;
}

function decode(
  ex: Exchange,
  json: Record<string, unknown>,
  model: string,
  stream: boolean,
): { request: Request; warnings: string[] } {
  const result = guardConversion(
    ex,
    `Reading the ${ex.caller} request`,
    () => CODECS[ex.caller].decodeRequest(json, { model, stream }),
  );
  return { request: result.value, warnings: result.warnings };
}

/** The model and the fallbacks it names that are configured, in the order they are tried. */
function modelsTried(ex: Exchange, primary: ModelEntry): ModelEntry[] {
  const out = [primary];
  for (const id of primary.fallbacks) {
    const fallback = ex.deps.models.get(id);
    if (fallback) out.push(fallback);
  }
  return out;
}

function checkModelName(name: string): string {
  if (name.length > MAX_MODEL_NAME) {
    throw invalidRequest(`The model name is longer than ${MAX_MODEL_NAME} characters`);
  }
  return name;
}

/**
 * The model name a caller asked for: the one its route found in the path (`models/…` or not),
 * else the body's `model`.
 */
export function requestedModel(json: Record<string, unknown>, fromPath?: string): string {
  if (fromPath !== undefined) {
    const name = fromPath.replace(/^models\//, "");
    if (!name) throw invalidRequest("The model is missing from the path");
    return checkModelName(name);
  }
  if (json.model === undefined) throw invalidRequest('"model" is required');
  if (typeof json.model !== "string" || json.model === "") {
    throw invalidRequest('"model" must be a non-empty string');
  }
  return checkModelName(json.model);
}

/** The model or router for a name, or a 404 that lists what is configured. */
export function resolveModel(ex: Exchange, name: string): NamedEntry {
  ex.record.requestedModel = name;
  const model = ex.deps.models.resolve(name);
  if (!model) {
    throw new ProxyError(
      "not_found",
      `Model "${name}" is not configured; available: ${ex.deps.models.ids().join(", ")}`,
    );
  }
  if (!isRouter(model)) ex.record.modelId = model.modelId;
  return model;
}

/**
 * A 401 before any work when the caller sent no key and no model has one of its own: neither
 * the body nor the model name is looked at for a request that cannot be served.
 */
export function requireSomeKey(ex: Exchange): void {
  if (ex.deps.models.anyOwnKey) return;
  if (!ex.key) throw noKey();
  if (!usableKey(ex.key)) throw unusableKey();
}

/** Every way a caller may send its key, for the error that says none came. */
const KEY_PLACES = [
  "Authorization: Bearer",
  ...DIALECTS.flatMap((d) => CODECS[d].routes.keyHeader ?? []),
  ...DIALECTS.flatMap((d) => CODECS[d].routes.keyParam ?? []).map((name) => `?${name}=`),
];

function noKey(): ProxyError {
  const places = `${KEY_PLACES.slice(0, -1).join(", ")} or ${KEY_PLACES.at(-1)}`;
  return new ProxyError("authentication", `No API key: send it as ${places}`);
}

function unusableKey(): ProxyError {
  return new ProxyError(
    "authentication",
    "The API key holds characters no HTTP header can carry: only visible ASCII is allowed",
  );
}

/** The key for a model: its own `api_key`, else the caller's; 401 when there is neither. */
export function requireKey(ex: Exchange, model: ModelEntry): string {
  if (model.apiKey) return model.apiKey;
  if (!ex.key) throw noKey();
  if (!usableKey(ex.key)) throw unusableKey();
  return ex.key;
}

/** Statuses worth another try: the connection failed, a rate limit, or a server error. */
function retryable(error: ProxyError): boolean {
  return error.status === 429 || (error.status >= 500 && error.status !== 501);
}

/**
 * Tries the model, its retries, then each fallback in order. A caller's own key only ever goes to
 * the `api_base` of the model it asked for: a fallback elsewhere needs its own `api_key`.
 */
async function withFallbacks(
  ex: Exchange,
  primary: ModelEntry,
  key: string,
  serve: (model: ModelEntry, key: string) => Promise<Response>,
): Promise<Response> {
  const candidates = [{ model: primary, key }];
  for (const fallback of modelsTried(ex, primary).slice(1)) {
    const key = fallbackKey(ex, primary, fallback);
    if (key) candidates.push({ model: fallback, key });
    else {
      ex.record.warnings.push(
        `Fallback "${fallback.modelId}" skipped: it has no api_key of its own`,
      );
    }
  }
  let last: ProxyError | undefined;
  for (const { model, key } of candidates) {
    for (let attempt = 0;; attempt++) {
      try {
        ex.record.modelId = model.modelId;
        return await serve(model, key);
      } catch (error) {
        if (!(error instanceof ProxyError) || !retryable(error) || ex.http.signal.aborted) {
          throw error;
        }
        last = error;
        if (attempt >= model.maxRetries) break;
        const wait = backoffMs(attempt, error.retryAfter);
        if (wait > MAX_WAIT_MS) break; // the upstream asks for longer than a caller waits
        await sleep(wait, ex.http.signal);
      }
    }
  }
  // Every candidate failed (there is at least the primary).
  throw last ?? new ProxyError("api_error", "No upstream could be tried");
}

/** The longest pause before a retry; a longer Retry-After moves on to the next fallback. */
const MAX_WAIT_MS = 60_000;

/**
 * The key for a fallback: its own, else the caller's when it goes to the same `api_base` the
 * caller's key was sent for; undefined when there is none it may use.
 */
export function fallbackKey(
  ex: Exchange,
  primary: ModelEntry,
  fallback: ModelEntry,
): string | undefined {
  if (fallback.apiKey) return fallback.apiKey;
  const usable = ex.key !== undefined && usableKey(ex.key);
  return fallback.apiBase === primary.apiBase && usable ? ex.key : undefined;
}

/** Exponential backoff with jitter (half fixed, half random), or the upstream's Retry-After. */
export function backoffMs(attempt: number, retryAfter?: string): number {
  const asked = retryAfter === undefined ? undefined : retryAfterMs(retryAfter, Date.now());
  if (asked !== undefined) return asked;
  const ceiling = Math.min(500 * 2 ** attempt, 8000);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
