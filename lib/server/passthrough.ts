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
import type { Usage } from "../ir/types.ts";
import { credentialsOf, redact } from "../redact.ts";
import { answerLimit, callUpstream, readUpstreamText } from "../upstream/client.ts";
import { upstreamHeaders } from "../upstream/headers.ts";
import { deepMerge } from "./deep_merge.ts";
import { jsonBytes } from "../json_bytes.ts";
import { type Exchange, upstreamDeadline, warningsHeader } from "./exchange.ts";
import { eventBudgetOf } from "./event_budget.ts";
import { withOverflowNumbers } from "./context_window.ts";
import { dropParams } from "./drop_params.ts";
import { modelRename } from "./model_rename.ts";
import { editForModel } from "./passthrough_edits.ts";
import { parseAnswer, streamHeaders } from "./translate.ts";
import { Held } from "../held.ts";
import { relayJsonArray } from "./relay_json_array.ts";
import { relayStream } from "./relay_stream.ts";
import { type PipeOptions, redactError } from "./stream_pipe.ts";

/** Forwards a same-dialect request and relays the answer. */
export async function passthrough(
  ex: Exchange,
  model: ModelEntry,
  key: string,
  body: Record<string, unknown>,
  stream: boolean,
  operation: Exclude<Operation, "models"> = "generate",
): Promise<Response> {
  const codec = CODECS[model.format];
  const edits = operation === "generate" ? editForModel(codec, model, body) : undefined;
  const warnings = edits?.warnings ?? [];
  const sent = edits
    ? prepareBody(codec, model, edits.body, edits.maxTokens, warnings)
    : codec.countTokens.caller!.renameModel(body, model.modelName);
  const upstreamBody = edits
    ? dropParams(deepMerge(sent, model.extraBody), model.dropParams, warnings)
    : sent;
  ex.record.warnings.push(...warnings);
  const jsonArray = stream && (codec.routes.jsonArrayStream?.(ex.url) ?? false);
  const url = codec.upstream.url(model, operation, stream, jsonArray);
  ex.record.upstreamDialect = model.format;
  const headers = upstreamHeaders(codec.upstream, key, ex.http.headers, model.extraHeaders);
  // The key is also in the headers (unless a header of extra_headers replaced it).
  const secrets = [...new Set([key, ...credentialsOf(headers)])];
  const response = await callUpstream({
    url,
    headers,
    body: new Held(jsonBytes(upstreamBody), "The upstream request"),
    signal: ex.http.signal,
    timeoutMs: ex.deps.settings.timeoutSeconds * 1000,
    deadline: upstreamDeadline(ex),
    errorMessage: codec.errorMessage,
  }, ex.deps.fetch).catch((error) => {
    throw withOverflowNumbers(error, model, () => edits?.estimate());
  });
  const rename = modelRename(codec.passthrough.modelPaths, String(body.model));
  const declared = response.headers.get("content-type");
  const contentType = declared ?? "application/json";
  const limit = answerLimit(ex.deps.settings.maxRequestBytes);
  // A stream request answered with JSON: an error (or a whole answer), read as one.
  if (!stream || (!jsonArray && declared?.includes("application/json"))) {
    const raw = await readUpstreamText(response, limit);
    const parsed = parseAnswer(raw, secrets);
    const failure = codec.answerError(parsed);
    if (failure) throw redactError(failure, secrets);
    if (operation === "generate") ex.record.usage = usageOf(codec, parsed, ex);
    const answer = rename ? rename.answer(raw) : raw;
    return new Response(redact(answer, secrets), {
      status: response.status,
      headers: { "content-type": contentType, ...warningsHeader(warnings) },
    });
  }
  ex.deferred = true;
  const options = relayOptions(ex, limit, secrets);
  const piped = jsonArray
    ? relayJsonArray(response.body, codec, options)
    : relayStream(response.body, codec, rename?.dataLine, options);
  return new Response(piped, { headers: streamHeaders(contentType, warnings) });
}

/** What a relay reports to the exchange: first byte, then usage, warnings and any error. */
function relayOptions(ex: Exchange, limit: number, secrets: string[]): PipeOptions {
  return {
    onFirstByte: () => {
      ex.record.ttfbMs = performance.now() - ex.started;
    },
    onDone: ({ usage, error, warnings }) => {
      ex.record.usage = usage;
      ex.record.warnings.push(...warnings);
      if (error) ex.record.error = error.message;
      if (error && error.status !== 499) ex.record.status = error.status;
      ex.finish();
    },
    maxEventBytes: limit,
    eventBudget: eventBudgetOf(ex.deps, limit),
    secrets,
  };
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
  codec.passthrough.prepare(out, { modelName: model.modelName, maxTokens });
  return out;
}

/** The usage of a whole answer (and the warnings about figures that were no count). */
function usageOf(codec: DialectCodec, body: unknown, ex: Exchange): Usage | undefined {
  try {
    const decoded = codec.decodeResponse(body, {
      toolNames: new Map(),
      newId: ex.deps.newId,
    });
    for (const warning of decoded.warnings) {
      if (isUsageWarning(warning)) ex.record.warnings.push(warning);
    }
    return decoded.value.usage;
  } catch {
    return undefined;
  }
}
