/**
 * Serving a request on a model of another dialect: encode for the upstream, call it, and decode
 * its answer (whole or streamed) back into the caller's dialect through the internal model.
 */
import type { ModelEntry } from "../config/models.ts";
import { CODECS } from "../dialects.ts";
import { invalidRequest } from "../errors.ts";
import { Held } from "../held.ts";
import type { UpstreamTarget } from "../ir/codec.ts";
import type { Request } from "../ir/types.ts";
import { jsonBytes } from "../json/json_bytes.ts";
import { credentialsOf } from "../redact.ts";
import { estimateRequestTokens } from "../tokens/estimate.ts";
import { callUpstream, type UpstreamCall } from "../upstream/client.ts";
import { upstreamHeaders } from "../upstream/headers.ts";
import { outputCap, withOverflowNumbers } from "./context_window.ts";
import { deepMerge } from "./deep_merge.ts";
import { dropParams } from "./drop_params.ts";
import { type Exchange, guardConversion, upstreamDeadline } from "./exchange.ts";
import { requestForModel } from "./request_for_model.ts";
import { type Translated, translatedStream, translatedWhole } from "./translate_answer.ts";
import { isJson } from "./upstream_answer.ts";

/** Answers `request` (already decoded from the caller) with `model`'s upstream. */
export async function translate(
  ex: Exchange,
  model: ModelEntry,
  key: string,
  request: Request,
  warnings: string[],
): Promise<Response> {
  const upstream = CODECS[model.dialect];
  const upstreamStreams = request.stream && model.canStream;
  const sent = encodeForUpstream(ex, model, key, request, upstreamStreams);
  const secrets = [...new Set([key, ...credentialsOf(sent.call.headers)])];
  ex.record.upstreamDialect = model.dialect;
  const answer = await callUpstream(sent.call, ex.deps.fetch).catch((error) => {
    throw withOverflowNumbers(
      error,
      model,
      () => estimateRequestTokens(request, upstream.imageTokens),
    );
  });
  const translated: Translated = {
    ex,
    request,
    caller: CODECS[ex.caller],
    upstream,
    answer,
    toolNames: sent.toolNames,
    secrets,
    warnings: [...warnings, ...sent.warnings],
  };
  // Some providers answer a stream request with HTTP 200 and JSON: an error (an empty balance,
  // a bad key), which becomes that error before the caller has received anything, or a whole
  // answer, which is told as a stream like a `can_stream: false` model's.
  if (!upstreamStreams || isJson(answer)) return await translatedWhole(translated);
  return translatedStream(translated);
}

/**
 * The upstream call for `request`: encoded for the model's dialect, `extra_body` and
 * `drop_params` applied, and serialised (the encoded object is not kept: lib/held.ts).
 */
function encodeForUpstream(
  ex: Exchange,
  model: ModelEntry,
  key: string,
  request: Request,
  stream: boolean,
): { call: UpstreamCall; toolNames: Map<string, string>; warnings: string[] } {
  const upstream = CODECS[model.dialect];
  const encoded = guardConversion(ex, "Converting the request", () => {
    const prepared = requestForModel(request, model);
    const target: UpstreamTarget = {
      modelName: model.modelName,
      maxTokens: outputCap(prepared.value, model),
      temperature: model.temperature,
      reasoningEffort: model.reasoningEffort,
      stream,
      thinkingStyle: model.thinkingStyle,
      promptCache: model.promptCache,
    };
    const result = upstream.encodeRequest(prepared.value, target);
    return { value: result.value, warnings: [...prepared.warnings, ...result.warnings] };
  });
  const warnings = encoded.warnings;
  const body = dropParams(
    deepMerge(encoded.value.body, model.extraBody),
    model.dropParams,
    warnings,
  );
  const callerHeaders = ex.caller === model.dialect ? ex.http.headers : undefined;
  const call: UpstreamCall = {
    url: upstream.upstream.url(model, "generate", stream),
    headers: upstreamHeaders(upstream.upstream, key, callerHeaders, model.extraHeaders),
    body: new Held(withinLimit(jsonBytes(body), ex), "The upstream request"),
    signal: ex.http.signal,
    timeoutMs: ex.deps.settings.timeoutSeconds * 1000,
    deadline: upstreamDeadline(ex),
    errorMessage: upstream.errorMessage,
  };
  return { call, toolNames: encoded.value.toolNames, warnings };
}

/**
 * The converted body, if it is within `max_request_bytes`: a conversion can make a body larger
 * than the caller's (schemas with their references inlined), and the limit holds for what the
 * proxy sends as much as for what it takes.
 */
export function withinLimit(body: Uint8Array, ex: Exchange): Uint8Array {
  const limit = ex.deps.settings.maxRequestBytes;
  if (body.length <= limit) return body;
  throw invalidRequest(
    `The converted request would be ${body.length} bytes, more than max_request_bytes (${limit})`,
  );
}
