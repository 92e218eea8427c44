/**
 * Serving a request on a model of another dialect: encode for the upstream, call it, and decode
 * its answer (whole or streamed) back into the caller's dialect through the internal model.
 */
import type { ModelEntry } from "../config/models.ts";
import { ProxyError } from "../errors.ts";
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
  type UpstreamCall,
} from "../upstream/client.ts";
import { upstreamHeaders, upstreamUrl } from "../upstream/url.ts";
import { CODECS } from "./codecs.ts";
import { deepMerge } from "./deep_merge.ts";
import { jsonBytes } from "../json_bytes.ts";
import { type Exchange, guardConversion, jsonResponse, warningsHeader } from "./exchange.ts";
import { asProxyError, eventsToStream, redactError, translateStream } from "./stream_pipe.ts";
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
  ex.record.upstreamDialect = model.format;
  const allWarnings = [...warnings, ...sent.warnings];
  const response = await callUpstream(sent.call).catch((error) => {
    throw withOverflowNumbers(error, model, () => estimateRequestTokens(request));
  });
  const context: DecodeContext = { toolNames: sent.toolNames, newId: deps.newId };
  const encoderOptions: StreamEncoderOptions = {
    sse: ex.url.searchParams.get("alt") === "sse",
    includeUsage: request.includeUsage,
    newId: deps.newId,
    now: deps.now,
  };
  const newCallId = () => deps.newId("call");

  // Some providers answer a stream request with HTTP 200 and JSON: an error (an empty balance,
  // a bad key), which becomes that error before the caller has received anything, or a whole
  // answer, which is told as a stream like a `can_stream: false` model's.
  if (!upstreamStreams || isJson(response)) {
    const answer = await readJson(response, answerLimit(deps.settings.maxRequestBytes));
    const failure = upstreamStreams ? upstream.errorMessage(answer) : undefined;
    if (failure) throw redactError(new ProxyError("bad_gateway", failure), [key]);
    let decoded: ReturnType<typeof upstream.decodeResponse>;
    try {
      decoded = upstream.decodeResponse(answer, context);
    } catch (error) {
      throw redactError(asProxyError(error, "Upstream answer could not be read"), [key]);
    }
    decoded.value.model = request.model;
    allWarnings.push(...decoded.warnings);
    if (usageMissing(decoded.value.usage)) {
      const text = responseText(decoded.value);
      decoded.value.usage = estimateUsage(request, text, text.length);
      ex.record.usageEstimated = true;
    }
    ex.record.usage = decoded.value.usage;
    ex.record.warnings.push(...allWarnings);
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
  }

  const assembler = new Assembler({ id: deps.newId("msg"), model: request.model, newCallId });
  const decoder = upstream.createStreamDecoder(assembler, context);
  const estimating = estimatingEncoder(
    caller.createStreamEncoder(request, encoderOptions),
    request,
  );
  const out = estimating.encoder;
  ex.deferred = true;
  ex.record.warnings.push(...allWarnings);
  const stream = translateStream(response.body ?? emptyBody(), decoder, assembler, out, {
    onFirstByte: () => {
      ex.record.ttfbMs = performance.now() - ex.started;
    },
    onDone: ({ usage, error, warnings: streamWarnings }) => {
      ex.record.usage = estimating.estimated() ?? usage;
      ex.record.usageEstimated = estimating.estimated() !== undefined;
      ex.record.warnings.push(...streamWarnings);
      if (error) ex.record.error = error.message;
      if (error && error.status !== 499) ex.record.status = error.status;
      ex.finish();
    },
    maxEventBytes: answerLimit(deps.settings.maxRequestBytes),
    secrets: [key],
  });
  return new Response(stream, { headers: streamHeaders(out.contentType, allWarnings) });
}

/**
 * The upstream request, built outside the async frame of `translate`: the encoded body object
 * dies here, and `callUpstream` takes the serialised bytes out of the call once it is sent, so
 * neither outlives the young generation while the upstream answers.
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
  const call: UpstreamCall = {
    url: upstreamUrl(model, "generate", stream),
    headers: upstreamHeaders(model, key, ex.caller, ex.http.headers),
    body: jsonBytes(body),
    signal: ex.http.signal,
    timeoutMs: ex.deps.settings.timeoutSeconds * 1000,
    errorMessage: upstream.errorMessage,
  };
  return { call, toolNames: encoded.value.toolNames, warnings };
}

/** Headers of a stream response to the caller. */
export function streamHeaders(contentType: string, warnings: readonly string[]): Headers {
  return new Headers({
    "content-type": contentType,
    "cache-control": "no-cache",
    ...warningsHeader(warnings),
  });
}

/** An empty byte stream, for a 2xx stream answer that came without a body. */
export function emptyBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({ start: (controller) => controller.close() });
}

function isJson(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").includes("application/json");
}

async function readJson(response: Response, limit: number): Promise<unknown> {
  const text = await readUpstreamText(response, limit);
  try {
    return JSON.parse(text);
  } catch {
    throw new ProxyError(
      "bad_gateway",
      `Upstream answered with invalid JSON: ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
}
