/**
 * `POST …/messages`, `…/chat/completions`, `…:generateContent` / `:streamGenerateContent`:
 * find the model and the key, then pass through (same dialect) or translate, with the model's
 * retries and fallbacks for failures that happen before the caller has received a byte.
 */
import type { ModelEntry } from "../config/models.ts";
import { invalidRequest, ProxyError } from "../errors.ts";
import type { Dialect, Request } from "../ir/types.ts";
import { readJsonObject } from "./body.ts";
import { CODECS } from "./codecs.ts";
import type { Exchange } from "./exchange.ts";
import { passthrough } from "./passthrough.ts";
import { translate } from "./translate.ts";

/** Serves one generate request. */
export async function handleGenerate(
  ex: Exchange,
  endpoint: { model?: string; stream?: boolean },
): Promise<Response> {
  const { json } = await readJsonObject(ex.http, ex.deps.settings.maxRequestBytes);
  const name = requestedModel(ex.caller, json, endpoint.model);
  const primary = resolveModel(ex, name);
  const stream = ex.caller === "gemini" ? endpoint.stream === true : json.stream === true;
  ex.record.stream = stream;
  const callerKey = requireKey(ex, primary);

  // Decoded once, for every candidate of another dialect; same-dialect ones are only checked.
  let decoded: { request: Request; warnings: string[] } | undefined;
  const decode = () => {
    if (!decoded) {
      const result = CODECS[ex.caller].decodeRequest(json, { model: name, stream });
      decoded = { request: result.value, warnings: result.warnings };
    }
    return decoded;
  };
  validateShape(ex.caller, json);
  if (primary.format !== ex.caller) decode();

  return await withFallbacks(ex, primary, callerKey, (model, key) => {
    if (model.format === ex.caller) return passthrough(ex, model, key, json, stream);
    const { request, warnings } = decode();
    return translate(ex, model, key, request, warnings);
  });
}

/** The model name a caller asked for: the body's `model`, or Gemini's path segment. */
export function requestedModel(
  dialect: Dialect,
  json: Record<string, unknown>,
  fromPath?: string,
): string {
  if (dialect === "gemini") {
    const name = (fromPath ?? "").replace(/^models\//, "");
    if (!name) throw invalidRequest("The model is missing from the path");
    return name;
  }
  if (json.model === undefined) throw invalidRequest('"model" is required');
  if (typeof json.model !== "string" || json.model === "") {
    throw invalidRequest('"model" must be a non-empty string');
  }
  return json.model;
}

/** The entry for a name, or a 404 that lists what is configured. */
export function resolveModel(ex: Exchange, name: string): ModelEntry {
  const model = ex.deps.models.resolve(name);
  if (!model) {
    throw new ProxyError(
      "not_found",
      `Model "${name}" is not configured; available: ${ex.deps.models.ids().join(", ")}`,
    );
  }
  ex.record.modelId = model.modelId;
  return model;
}

/** The key for a model: its own `api_key`, else the caller's; 401 when there is neither. */
export function requireKey(ex: Exchange, model: ModelEntry): string | undefined {
  if (model.apiKey) return undefined;
  if (!ex.key) {
    throw new ProxyError(
      "authentication",
      "No API key: send it as Authorization: Bearer, x-api-key, x-goog-api-key or ?key=",
    );
  }
  return ex.key;
}

/** The top-level fields every dialect requires, checked even for pass-through. */
function validateShape(dialect: Dialect, json: Record<string, unknown>): void {
  const field = dialect === "gemini" ? "contents" : "messages";
  if (json[field] === undefined) throw invalidRequest(`"${field}" is required`);
  if (!Array.isArray(json[field])) throw invalidRequest(`"${field}" must be an array`);
  if (json.stream !== undefined && typeof json.stream !== "boolean") {
    throw invalidRequest('"stream" must be a boolean');
  }
  const max = dialect === "gemini"
    ? (json.generationConfig as Record<string, unknown> | undefined)?.maxOutputTokens
    : json.max_tokens;
  if (max !== undefined && max !== null && (typeof max !== "number" || max < 1)) {
    throw invalidRequest(
      `"${dialect === "gemini" ? "maxOutputTokens" : "max_tokens"}" must be a positive number`,
    );
  }
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
  callerKey: string | undefined,
  serve: (model: ModelEntry, key: string) => Promise<Response>,
): Promise<Response> {
  const candidates = [primary];
  for (const id of primary.fallbacks) {
    const fallback = ex.deps.models.get(id);
    if (!fallback) continue;
    if (fallback.apiKey || fallback.apiBase === primary.apiBase) candidates.push(fallback);
    else ex.record.warnings.push(`Fallback "${id}" skipped: it has no api_key of its own`);
  }
  let last: ProxyError | undefined;
  for (const model of candidates) {
    const key = model.apiKey ?? callerKey!;
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
        await sleep(backoffMs(attempt, error.retryAfter), ex.http.signal);
      }
    }
  }
  throw last!;
}

/** Exponential backoff with full jitter, or the upstream's Retry-After (capped at a minute). */
export function backoffMs(attempt: number, retryAfter?: string): number {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, 60_000);
  }
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
