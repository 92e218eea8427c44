/**
 * Serving a request on a model of another dialect: encode for the upstream, call it, and decode
 * its answer (whole or streamed) back into the caller's dialect through the internal model.
 */
import type { ModelEntry } from "../config/models.ts";
import { invalidRequest, ProxyError } from "../errors.ts";
import { Assembler } from "../ir/assembler.ts";
import type { DecodeContext, StreamEncoderOptions, UpstreamTarget } from "../ir/codec.ts";
import { responseToEvents } from "../ir/replay.ts";
import type { Request } from "../ir/types.ts";
import { estimateRequestTokens } from "../tokens/estimate.ts";
import { outputCap, withOverflowNumbers } from "./context_window.ts";
import { dropParams } from "./drop_params.ts";
import { requestForModel } from "./request_for_model.ts";
import {
  answerLimit,
  callUpstream,
  readUpstreamText,
  type UpstreamAnswer,
  type UpstreamCall,
} from "../upstream/client.ts";
import { Held } from "../held.ts";
import { upstreamHeaders } from "../upstream/headers.ts";
import { CODECS } from "../dialects.ts";
import { deepMerge } from "./deep_merge.ts";
import { jsonBytes } from "../json/json_bytes.ts";
import { credentialsOf, redact } from "../redact.ts";
import {
  type Exchange,
  guardConversion,
  jsonResponse,
  upstreamDeadline,
  warningsHeader,
} from "./exchange.ts";
import { eventBudgetOf } from "./event_budget.ts";
import { asProxyError, redactError } from "./stream_lifecycle.ts";
import { eventsToStream, translateStream } from "./stream_pipe.ts";
import { estimateUsage, estimatingEncoder, responseText, usageMissing } from "./usage_estimate.ts";

/** Answers `request` (already decoded from the caller) with `model`'s upstream. */
export async function translate(
  ex: Exchange,
  model: ModelEntry,
  key: string,
  request: Request,
  warnings: string[],
): Promise<Response> {
  const { deps } = ex;
  const caller = CODECS[ex.caller];
  const upstream = CODECS[model.format];
  const upstreamStreams = request.stream && model.canStream;
  const sent = encodeForUpstream(ex, model, key, request, upstreamStreams);
  const secrets = [...new Set([key, ...credentialsOf(sent.call.headers)])];
  ex.record.upstreamDialect = model.format;
  const allWarnings = [...warnings, ...sent.warnings];
  const response = await callUpstream(sent.call, deps.fetch).catch((error) => {
    throw withOverflowNumbers(
      error,
      model,
      () => estimateRequestTokens(request, upstream.imageTokens),
    );
  });
  const context: DecodeContext = { toolNames: sent.toolNames, newId: deps.newId };
  const encoderOptions: StreamEncoderOptions = {
    sse: !caller.routes.jsonArrayStream?.(ex.url),
    includeUsage: request.includeUsage,
    newId: deps.newId,
    now: deps.now,
  };
  const newCallId = () => deps.newId("call");

  // Some providers answer a stream request with HTTP 200 and JSON: an error (an empty balance,
  // a bad key), which becomes that error before the caller has received anything, or a whole
  // answer, which is told as a stream like a `can_stream: false` model's.
  if (!upstreamStreams || isJson(response)) {
    const text = await readUpstreamText(response, answerLimit(deps.settings.maxRequestBytes));
    const answer = parseAnswer(text, secrets);
    const failure = upstream.answerError(answer);
    if (failure) throw redactError(failure, secrets);
    let decoded: ReturnType<typeof upstream.decodeResponse>;
    try {
      decoded = upstream.decodeResponse(answer, context);
    } catch (error) {
      throw redactError(asProxyError(error, "Upstream answer could not be read"), secrets);
    }
    decoded.value.model = request.model;
    for (const warning of decoded.warnings) allWarnings.push(warning);
    if (usageMissing(decoded.value.usage)) {
      const text = responseText(decoded.value);
      decoded.value.usage = estimateUsage(request, text, text.length, upstream.imageTokens);
      ex.record.usageEstimated = true;
    }
    ex.record.usage = decoded.value.usage;
    for (const warning of allWarnings) ex.record.warnings.push(warning);
    try {
      if (!request.stream) {
        return jsonResponse(
          caller.encodeResponse(decoded.value, encoderOptions),
          200,
          warningsHeader(allWarnings),
        );
      }
      const out = caller.createStreamEncoder(request, encoderOptions);
      const bytes = eventsToStream(responseToEvents(decoded.value, newCallId), out);
      return new Response(bytes, { headers: streamHeaders(out.contentType, allWarnings) });
    } catch (error) {
      // The upstream's answer, not the caller's request, is what no encoder could write.
      throw redactError(asProxyError(error, "Upstream answer could not be converted"), secrets);
    }
  }

  // Arguments longer than max_request_bytes could never be sent back in the next request.
  const assembler = new Assembler({
    id: deps.newId("msg"),
    model: request.model,
    newCallId,
    maxArgumentChars: deps.settings.maxRequestBytes,
  });
  const decoder = upstream.createStreamDecoder(assembler, context);
  const estimating = estimatingEncoder(
    caller.createStreamEncoder(request, encoderOptions),
    request,
    upstream.imageTokens,
  );
  const out = estimating.encoder;
  ex.deferred = true;
  for (const warning of allWarnings) ex.record.warnings.push(warning);
  const stream = translateStream(response.body, decoder, assembler, out, {
    onFirstByte: () => {
      ex.record.ttfbMs = performance.now() - ex.started;
    },
    onDone: ({ usage, error, warnings: streamWarnings }) => {
      ex.record.usage = estimating.estimated() ?? usage;
      ex.record.usageEstimated = estimating.estimated() !== undefined;
      for (const warning of streamWarnings) ex.record.warnings.push(warning);
      if (error) ex.record.error = error.message;
      if (error && error.status !== 499) ex.record.status = error.status;
      ex.finish();
    },
    maxEventBytes: answerLimit(deps.settings.maxRequestBytes),
    eventBudget: eventBudgetOf(deps, answerLimit(deps.settings.maxRequestBytes)),
    secrets,
  });
  return new Response(stream, { headers: streamHeaders(out.contentType, allWarnings) });
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
  const upstream = CODECS[model.format];
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
  const callerHeaders = ex.caller === model.format ? ex.http.headers : undefined;
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

/** Headers of a stream response to the caller. */
export function streamHeaders(contentType: string, warnings: readonly string[]): Headers {
  return new Headers({
    "content-type": contentType,
    "cache-control": "no-cache",
    ...warningsHeader(warnings),
  });
}

function isJson(response: UpstreamAnswer): boolean {
  return (response.headers.get("content-type") ?? "").includes("application/json");
}

/** A successful answer's JSON; a 502 quoting its start (without the call's keys) when it is not. */
export function parseAnswer(text: string, secrets: readonly string[]): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const start = JSON.stringify(redact(text, secrets).slice(0, 200));
    throw new ProxyError("bad_gateway", `Upstream answered with invalid JSON: ${start}`);
  }
}
