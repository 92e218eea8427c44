/**
 * Same-dialect pass-through: the caller's body goes upstream untouched but for the model name,
 * the output cap, fields that would steer a model running on the proxy's key, `extra_body`
 * and what the model entry asks for (`thinking_style`, `vision`, `context`, `drop_params`:
 * passthrough_edits.ts); the answer comes back byte for byte but for the model name, streams
 * included, with nothing buffered to the end. Usage is read off on the way through.
 */
import type { ModelEntry } from "../config/models.ts";
import { CODECS } from "../dialects.ts";
import type { DialectCodec } from "../ir/codec.ts";
import type { Operation } from "../ir/endpoint.ts";
import { isUsageWarning } from "../ir/lenient.ts";
import type { Response as IrResponse } from "../ir/types.ts";
import { responseToEvents } from "../ir/replay.ts";
import { ProxyError } from "../errors.ts";
import { credentialsOf, redact } from "../redact.ts";
import { answerLimit, readUpstreamText } from "../upstream/client.ts";
import { upstreamHeaders } from "../upstream/headers.ts";
import { callMended } from "./call_mended.ts";
import { deepMerge } from "./deep_merge.ts";
import { jsonBytes } from "../json/json_bytes.ts";
import { type Exchange, guardConversion, upstreamDeadline, warningsHeader } from "./exchange.ts";
import { withOverflowNumbers } from "./context_window.ts";
import { dropParams } from "./drop_params.ts";
import { modelRename } from "./model_rename.ts";
import { editForModel } from "./passthrough_edits.ts";
import { parseAnswer, recordedStream, streamHeaders } from "./upstream_answer.ts";
import { Held } from "../held.ts";
import { relayJsonArray } from "./relay_json_array.ts";
import { relayStream } from "./relay_stream.ts";
import { redactError } from "./stream_lifecycle.ts";
import { eventsToStream } from "./stream_pipe.ts";

/** Forwards a same-dialect request and relays the answer. */
export async function passthrough(
  ex: Exchange,
  model: ModelEntry,
  key: string,
  body: Record<string, unknown>,
  stream: boolean,
  operation: Exclude<Operation, "models"> = "generate",
): Promise<Response> {
  const codec = CODECS[model.dialect];
  // A model that cannot stream is asked for its whole answer, told to the caller as a stream.
  const upstreamStreams = stream && model.canStream;
  const outgoing = outgoingBody(codec, model, body, operation, upstreamStreams);
  ex.record.warnings.push(...outgoing.warnings);
  ex.record.upstreamDialect = model.dialect;
  const jsonArray = upstreamStreams && (codec.routes.jsonArrayStream?.(ex.url) ?? false);
  const headers = upstreamHeaders(codec.upstream, key, ex.http.headers, model.extraHeaders);
  // The key is also in the headers (unless a header of extra_headers replaced it).
  const secrets = [...new Set([key, ...credentialsOf(headers)])];
  const call = {
    url: codec.upstream.url(model, operation, upstreamStreams, jsonArray),
    headers,
    body: new Held(jsonBytes(outgoing.body), "The upstream request"),
    signal: ex.http.signal,
    timeoutMs: ex.deps.settings.timeoutSeconds * 1000,
    deadline: upstreamDeadline(ex),
    errorMessage: codec.errorMessage,
  };
  const mendable = operation === "generate" ? outgoing.body : undefined;
  const warn = (warning: string) => {
    outgoing.warnings.push(warning);
    ex.record.warnings.push(warning);
  };
  const answer = await callMended(call, codec.upstream, mendable, ex.deps.fetch, warn).catch(
    (error) => {
      throw withOverflowNumbers(error, model, outgoing.estimate);
    },
  );
  const rename = modelRename(codec.passthrough.modelPaths, String(body.model));
  const declared = answer.headers.get("content-type");
  const limit = answerLimit(ex.deps.settings.maxRequestBytes);
  // A stream request answered with JSON: an error (or a whole answer), read as one.
  if (!upstreamStreams || (!jsonArray && declared?.includes("application/json"))) {
    const text = await readUpstreamText(answer, limit);
    const parsed = parseAnswer(text, secrets);
    const failure = codec.answerError(parsed);
    if (failure) throw redactError(failure, secrets);
    if (stream && !upstreamStreams) return toldAsStream(ex, codec, body, parsed, outgoing.warnings);
    if (operation === "generate") ex.record.usage = readAnswer(codec, parsed, ex)?.usage;
    return new Response(redact(rename ? rename.answer(text) : text, secrets), {
      status: answer.status,
      headers: {
        "content-type": declared ?? "application/json",
        ...warningsHeader(outgoing.warnings),
      },
    });
  }
  ex.deferred = true;
  const options = recordedStream(ex, secrets);
  const piped = jsonArray
    ? relayJsonArray(answer.body, codec, options)
    : relayStream(answer.body, codec, rename?.dataLine, options);
  return new Response(piped, {
    headers: streamHeaders(declared ?? "application/json", outgoing.warnings),
  });
}

/** What goes upstream, the warnings about it, and the request's estimated tokens. */
function outgoingBody(
  codec: DialectCodec,
  model: ModelEntry,
  body: Record<string, unknown>,
  operation: Exclude<Operation, "models">,
  stream: boolean,
): { body: Record<string, unknown>; warnings: string[]; estimate: () => number | undefined } {
  if (operation === "count_tokens") {
    const renamed = codec.countTokens.caller!.renameModel(body, model.modelName);
    return { body: renamed, warnings: [], estimate: () => undefined };
  }
  const edits = editForModel(codec, model, body);
  const { warnings } = edits;
  const prepared = prepareBody(codec, model, edits.body, edits.maxTokens, stream, warnings);
  const sent = dropParams(deepMerge(prepared, model.extraBody), model.dropParams, warnings);
  return { body: sent, warnings, estimate: edits.estimate };
}

/**
 * A whole answer to a caller that asked for a stream (the model has `can_stream: false`): read
 * as the dialect's answer and told as its stream, under the name the caller asked for.
 */
function toldAsStream(
  ex: Exchange,
  codec: DialectCodec,
  body: Record<string, unknown>,
  answer: unknown,
  warnings: string[],
): Response {
  const name = ex.record.requestedModel ?? "";
  const request = guardConversion(
    ex,
    "Reading the request",
    () => codec.decodeRequest(body, { model: name, stream: true, passThrough: true }).value,
  );
  const decoded = readAnswer(codec, answer, ex);
  if (!decoded) throw new ProxyError("bad_gateway", "Upstream answer could not be read");
  ex.record.usage = decoded.usage;
  decoded.model = request.model;
  const out = codec.createStreamEncoder(request, {
    sse: !codec.routes.jsonArrayStream?.(ex.url),
    includeUsage: request.includeUsage,
    newId: ex.deps.newId,
    now: ex.deps.now,
  });
  const events = responseToEvents(decoded, () => ex.deps.newId("call"));
  return new Response(eventsToStream(events, out), {
    headers: streamHeaders(out.contentType, warnings),
  });
}

/**
 * The body as the upstream gets it: the caller's (a copy), without the fields that would steer
 * the account of an entry with its own key, with the model name and output cap as the dialect
 * spells them.
 */
function prepareBody(
  codec: DialectCodec,
  model: ModelEntry,
  body: Record<string, unknown>,
  maxTokens: number,
  stream: boolean,
  warnings: string[],
): Record<string, unknown> {
  const out = { ...body };
  if (model.apiKey) {
    for (const field of codec.passthrough.steeringFields) {
      if (out[field] === undefined || model.allowParams.includes(field)) continue;
      delete out[field];
      warnings.push(
        `Dropped "${field}": this model runs on the proxy's own key (allow_params lets it through)`,
      );
    }
  }
  codec.passthrough.prepare(out, { modelName: model.modelName, maxTokens, stream });
  return out;
}

/**
 * A whole answer read in the dialect's terms, for its usage (the warnings about figures that
 * were no count go to the record); undefined when it cannot be read.
 */
function readAnswer(codec: DialectCodec, body: unknown, ex: Exchange): IrResponse | undefined {
  try {
    const decoded = codec.decodeResponse(body, {
      toolNames: new Map(),
      newId: ex.deps.newId,
    });
    for (const warning of decoded.warnings) {
      if (isUsageWarning(warning)) ex.record.warnings.push(warning);
    }
    return decoded.value;
  } catch {
    return undefined;
  }
}
