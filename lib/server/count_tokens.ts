/**
 * `POST /anthropic/v1/messages/count_tokens` and Gemini `:countTokens`: forwarded to the
 * upstream's own counter where it has one (the request converted first), else counted locally.
 * When an upstream counter fails, the local count answers and `x-proxy-token-count: estimated`
 * says so.
 */
import type { ModelEntry } from "../config/models.ts";
import type { ProxyError } from "../errors.ts";
import type { Request } from "../ir/types.ts";
import { isObject } from "../json_fields.ts";
import { estimateRequestTokens } from "../tokens/estimate.ts";
import { answerLimit, callUpstream, readUpstreamText } from "../upstream/client.ts";
import { upstreamHeaders, upstreamUrl } from "../upstream/url.ts";
import { readJsonObject } from "./body.ts";
import { jsonBytes } from "../json_bytes.ts";
import { CODECS } from "./codecs.ts";
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
import { withinLimit } from "./translate.ts";

/** Serves a count request from an Anthropic or Gemini caller. */
export async function handleCountTokens(
  ex: Exchange,
  endpoint: { model?: string },
): Promise<Response> {
  requireSomeKey(ex);
  const json = await readJsonObject(ex.http, bodyLimits(ex));
  const name = requestedModel(ex.caller, json, endpoint.model);
  const model = resolveModel(ex, name);
  const key = model.apiKey ?? requireKey(ex, model)!;
  if (model.format === ex.caller) {
    return passthrough(ex, model, key, json, false, "count_tokens");
  }
  const body = ex.caller === "gemini" && isObject(json.generateContentRequest)
    ? json.generateContentRequest
    : json;
  const decoded = guardConversion(ex, "Reading the request", () =>
    CODECS[ex.caller].decodeRequest(
      ex.caller === "anthropic" ? { max_tokens: 1, ...body } : body,
      { model: name, stream: false },
    ));
  const request = requestForModel(decoded.value, model).value;
  ex.record.upstreamDialect = model.format;
  let tokens: number | undefined;
  let note = "estimated";
  if (model.format !== "openai") {
    // A request that cannot be converted (a schema that expands past its budget) is the
    // caller's error, as it would be for generating; only the counter's own failures fall back.
    const body = guardConversion(ex, "Converting the request", () => countBody(ex, model, request));
    try {
      tokens = await upstreamCount(ex, model, key, body);
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
    () => estimateRequestTokens(request, model.format),
  );
  return jsonResponse(
    ex.caller === "anthropic" ? { input_tokens: tokens } : { totalTokens: tokens },
    200,
    headers,
  );
}

/** The body for an Anthropic or Gemini upstream's own counter. */
function countBody(ex: Exchange, model: ModelEntry, request: Request): Uint8Array {
  const codec = CODECS[model.format];
  const encoded = codec.encodeRequest(request, {
    modelName: model.modelName,
    maxTokens: model.maxTokens,
    stream: false,
  }).value.body;
  let body: Record<string, unknown>;
  if (model.format === "gemini") {
    body = { generateContentRequest: { model: `models/${model.modelName}`, ...encoded } };
  } else {
    const { max_tokens: _m, stream: _s, temperature: _t, top_p: _p, top_k: _k, ...rest } = encoded;
    body = rest;
  }
  return withinLimit(jsonBytes(body), ex);
}

/** Asks an Anthropic or Gemini upstream's own counter. */
async function upstreamCount(
  ex: Exchange,
  model: ModelEntry,
  key: string,
  body: Uint8Array,
): Promise<number> {
  const codec = CODECS[model.format];
  const response = await callUpstream({
    url: upstreamUrl(model, "count_tokens", false),
    headers: upstreamHeaders(model, key, ex.caller, ex.http.headers),
    body,
    signal: ex.http.signal,
    timeoutMs: ex.deps.settings.timeoutSeconds * 1000,
    deadline: upstreamDeadline(ex),
    errorMessage: codec.errorMessage,
  });
  const text = await readUpstreamText(response, answerLimit(ex.deps.settings.maxRequestBytes));
  const answer = JSON.parse(text) as Record<string, unknown>;
  const n = model.format === "gemini" ? answer.totalTokens : answer.input_tokens;
  if (typeof n !== "number") throw new Error("The upstream counter gave no count");
  return n;
}
