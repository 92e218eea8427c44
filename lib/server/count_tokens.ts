/**
 * A caller's token-count request (on its dialect's `count_tokens` route): forwarded to the
 * upstream's own counter where its dialect has one (the request converted first), else counted
 * locally. When an upstream counter fails, the local count answers and
 * `x-proxy-token-count: estimated` says so.
 */
import type { ModelEntry } from "../config/models.ts";
import { isRouter } from "../config/router.ts";
import { CODECS } from "../dialects.ts";
import { ProxyError } from "../errors.ts";
import type { CountTokensWire } from "../ir/endpoint.ts";
import type { Request } from "../ir/types.ts";
import { estimateRequestTokens } from "../tokens/estimate.ts";
import { answerLimit, callUpstream, readUpstreamText } from "../upstream/client.ts";
import { upstreamHeaders } from "../upstream/headers.ts";
import { readJsonObject } from "./body.ts";
import { jsonBytes } from "../json/json_bytes.ts";
import { Held } from "../held.ts";
import {
  bodyLimits,
  type Exchange,
  guardConversion,
  jsonResponse,
  upstreamDeadline,
} from "./exchange.ts";
import { requestedModel, requireKey, requireSomeKey, resolveModel } from "./generate.ts";
import { passthrough } from "./passthrough.ts";
import { requestForModel } from "./request_for_model.ts";
import { routeRequest } from "./choose_route.ts";
import { withinLimit } from "./translate.ts";

/** Serves a count request from a caller whose dialect counts. */
export async function handleCountTokens(
  ex: Exchange,
  endpoint: { model?: string },
): Promise<Response> {
  const counting = CODECS[ex.caller].countTokens.caller;
  if (!counting) throw new ProxyError("not_found", "This dialect has no token counter");
  requireSomeKey(ex);
  const json = await readJsonObject(ex.http, bodyLimits(ex));
  const name = requestedModel(json, endpoint.model);
  const named = resolveModel(ex, name);
  let decoded: Request | undefined;
  const read = () =>
    decoded ??= guardConversion(
      ex,
      "Reading the request",
      () =>
        CODECS[ex.caller].decodeRequest(counting.request(json), { model: name, stream: false })
          .value,
    );
  // Counted by the model that would serve the same request.
  const model = isRouter(named) ? routeRequest(ex, named, name, read) : named;
  const key = requireKey(ex, model);
  if (model.dialect === ex.caller) {
    return passthrough(ex, model, key, json, false, "count_tokens");
  }
  const request = requestForModel(read(), model).value;
  ex.record.upstreamDialect = model.dialect;
  const counter = CODECS[model.dialect].countTokens.upstream;
  let tokens: number | undefined;
  let note = "estimated";
  if (counter) {
    // A request that cannot be converted (a schema that expands past its budget) is the
    // caller's error, as it would be for generating; only the counter's own failures fall back.
    const body = guardConversion(
      ex,
      "Converting the request",
      () => countBody(ex, counter, model, request),
    );
    try {
      tokens = await upstreamCount(ex, counter, model, key, body);
    } catch (error) {
      note = `estimated; the upstream counter failed (${(error as ProxyError).status ?? "error"})`;
      ex.record.warnings.push(`Token count estimated: ${(error as Error).message}`);
    }
  }
  const headers: Record<string, string> = tokens === undefined
    ? { "x-proxy-token-count": note }
    : {};
  tokens ??= guardConversion(
    ex,
    "Counting the request",
    () => estimateRequestTokens(request, CODECS[model.dialect].imageTokens),
  );
  return jsonResponse(counting.answer(tokens), 200, headers);
}

type Counter = NonNullable<CountTokensWire["upstream"]>;

/** The body for an upstream's own counter. */
function countBody(
  ex: Exchange,
  counter: Counter,
  model: ModelEntry,
  request: Request,
): Uint8Array {
  const body = counter.body(request, { modelName: model.modelName, maxTokens: model.maxTokens });
  return withinLimit(jsonBytes(body), ex);
}

/** Asks an upstream's own counter. */
async function upstreamCount(
  ex: Exchange,
  counter: Counter,
  model: ModelEntry,
  key: string,
  body: Uint8Array,
): Promise<number> {
  const codec = CODECS[model.dialect];
  const response = await callUpstream({
    url: codec.upstream.url(model, "count_tokens", false),
    headers: upstreamHeaders(codec.upstream, key, undefined, model.extraHeaders),
    body: new Held(body, "The count request"),
    signal: ex.http.signal,
    timeoutMs: ex.deps.settings.timeoutSeconds * 1000,
    deadline: upstreamDeadline(ex),
    errorMessage: codec.errorMessage,
  }, ex.deps.fetch);
  const text = await readUpstreamText(response, answerLimit(ex.deps.settings.maxRequestBytes));
  const tokens = counter.read(JSON.parse(text));
  if (tokens === undefined) throw new Error("The upstream counter gave no count");
  return tokens;
}
