/**
 * Same-dialect pass-through: the caller's body goes upstream untouched but for the model name,
 * the output cap, fields that would steer a model running on the proxy's key, `extra_body`
 * and what the model entry asks for (`thinking_style`, `vision`, `context`, `drop_params`:
 * passthrough_edits.ts); the answer comes back byte for byte but for the model name, streams
 * included, with nothing buffered to the end. Usage is read off on the way through.
 */
import type { ModelEntry } from "../config/models.ts";
import type { DialectCodec } from "../ir/codec.ts";
import { isUsageWarning } from "../ir/lenient.ts";
import { signatureFromString } from "../ir/signature.ts";
import type { Dialect, Usage } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { isObject } from "../json_fields.ts";
import { credentialsOf, redact } from "../redact.ts";
import { answerLimit, callUpstream, readUpstreamText } from "../upstream/client.ts";
import { type Operation, upstreamHeaders, upstreamUrl } from "../upstream/url.ts";
import { CODECS } from "./codecs.ts";
import { deepMerge } from "./deep_merge.ts";
import { jsonBytes } from "../json_bytes.ts";
import { type Exchange, upstreamDeadline, warningsHeader } from "./exchange.ts";
import { eventBudgetOf } from "./event_budget.ts";
import { withOverflowNumbers } from "./context_window.ts";
import { dropParams } from "./drop_params.ts";
import { modelRename } from "./model_rename.ts";
import { editForModel } from "./passthrough_edits.ts";
import { emptyBody, parseAnswer, streamHeaders } from "./translate.ts";
import { relayJsonArray } from "./relay_json_array.ts";
import { withoutProxySignatures } from "../gemini/proxy_signatures.ts";
import { relayStream } from "./relay_stream.ts";
import { type PipeOptions, redactError } from "./stream_pipe.ts";

/** Forwards a same-dialect request and relays the answer. */
export async function passthrough(
  ex: Exchange,
  model: ModelEntry,
  key: string,
  body: Record<string, unknown>,
  stream: boolean,
  operation: Operation = "generate",
): Promise<Response> {
  const codec = CODECS[model.format];
  const callerModel = ex.caller === "gemini" ? "" : String(body.model);
  const edits = operation === "generate" ? editForModel(ex.caller, model, body) : undefined;
  const warnings = edits?.warnings ?? [];
  const sent = edits
    ? prepareBody(
      edits.maxTokens === model.maxTokens ? model : { ...model, maxTokens: edits.maxTokens },
      edits.body,
      warnings,
    )
    : renameOnly(model, body);
  const upstreamBody = edits
    ? dropParams(deepMerge(sent, model.extraBody), model.dropParams, warnings)
    : sent;
  ex.record.warnings.push(...warnings);
  const arrayForm = model.format === "gemini" && stream && ex.url.searchParams.get("alt") !== "sse";
  let url = upstreamUrl(model, operation, stream);
  if (arrayForm) url = url.replace(/\?alt=sse$/, "");
  ex.record.upstreamDialect = model.format;
  const headers = upstreamHeaders(model, key, ex.caller, ex.http.headers);
  // The key is also in the headers (unless a header of extra_headers replaced it).
  const secrets = [...new Set([key, ...credentialsOf(headers)])];
  const response = await callUpstream({
    url,
    headers,
    body: jsonBytes(upstreamBody),
    signal: ex.http.signal,
    timeoutMs: ex.deps.settings.timeoutSeconds * 1000,
    deadline: upstreamDeadline(ex),
    errorMessage: codec.errorMessage,
  }).catch((error) => {
    throw withOverflowNumbers(error, model, () => edits?.estimate());
  });
  const rename = modelRename(model.format, callerModel);
  const declared = response.headers.get("content-type");
  const contentType = declared ?? "application/json";
  const limit = answerLimit(ex.deps.settings.maxRequestBytes);
  // A stream request answered with JSON: an error (or a whole answer), read as one.
  if (!stream || (!arrayForm && declared?.includes("application/json"))) {
    const raw = await readUpstreamText(response, limit);
    const parsed = parseAnswer(raw, secrets);
    const failure = codec.answerError(parsed);
    if (failure) throw redactError(failure, secrets);
    if (operation === "generate") ex.record.usage = usageOf(codec, parsed, ex);
    return new Response(redact(rename.answer(raw), secrets), {
      status: response.status,
      headers: { "content-type": contentType, ...warningsHeader(warnings) },
    });
  }
  ex.deferred = true;
  const options = relayOptions(ex, limit, secrets);
  const answer = response.body ?? emptyBody();
  const piped = arrayForm
    ? relayJsonArray(answer, codec, options)
    : relayStream(answer, model.format, rename.dataLine, codec, options);
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
 * Body fields with which a caller would choose other models or run tools on the account that
 * pays: dropped for an entry with its own key unless its `allow_params` lists them.
 */
const STEERING: Record<Dialect, readonly string[]> = {
  openai: ["models", "route", "provider"],
  anthropic: ["mcp_servers", "container"],
  gemini: [],
};

function dropSteering(model: ModelEntry, out: Record<string, unknown>, warnings: string[]): void {
  if (!model.apiKey) return;
  for (const field of STEERING[model.format]) {
    if (out[field] === undefined || model.allowParams.includes(field)) continue;
    delete out[field];
    warnings.push(
      `Dropped "${field}": this model runs on the proxy's own key (allow_params lets it through)`,
    );
  }
}

/**
 * Model name, output cap (every spelling the dialect accepts), and (Anthropic) thinking budget
 * that still fits under the cap.
 */
function prepareBody(
  model: ModelEntry,
  body: Record<string, unknown>,
  warnings: string[],
): Record<string, unknown> {
  const out = { ...body };
  dropSteering(model, out, warnings);
  switch (model.format) {
    case "anthropic": {
      out.model = model.modelName;
      const max = capped(out.max_tokens, model.maxTokens);
      out.max_tokens = max;
      const messages = withoutForeignThinking(out.messages);
      if (messages !== out.messages) {
        out.messages = messages;
        // Anthropic refuses thinking when the last tool turn no longer starts with thinking.
        if (lastToolTurnUnsigned(messages)) delete out.thinking;
      }
      const thinking = out.thinking as { type?: string; budget_tokens?: number } | undefined;
      if (thinking?.type === "enabled" && typeof thinking.budget_tokens === "number") {
        if (thinking.budget_tokens >= max) {
          if (max > 1024) out.thinking = { ...thinking, budget_tokens: max - 1 };
          else delete out.thinking;
        }
      }
      break;
    }
    case "openai":
      out.model = model.modelName;
      capEvery(out, ["max_tokens", "max_completion_tokens"], model.maxTokens);
      break;
    case "gemini": {
      // A session that switched here from another model may replay the proxy's signatures.
      const contents = withoutProxySignatures(out.contents);
      if (contents.replaced > 0) out.contents = contents.list;
      // Gemini reads each field in camelCase or snake_case.
      const spellings = ["generationConfig", "generation_config"].filter((k) => isObject(out[k]));
      for (const key of spellings.length ? spellings : ["generationConfig"]) {
        const config = { ...(out[key] as Record<string, unknown> | undefined) };
        capEvery(config, ["maxOutputTokens", "max_output_tokens"], model.maxTokens);
        out[key] = config;
      }
      break;
    }
    default:
      unreachable(model.format);
  }
  return out;
}

/** Caps each of `fields` that is set; sets the first to the cap when none is. */
function capEvery(out: Record<string, unknown>, fields: readonly string[], cap: number): void {
  const set = fields.filter((f) => out[f] !== undefined && out[f] !== null);
  for (const field of set) out[field] = capped(out[field], cap);
  if (set.length === 0) out[fields[0]] = cap;
}

/** count_tokens: only the model name, wherever the dialect carries it. */
function renameOnly(model: ModelEntry, body: Record<string, unknown>): Record<string, unknown> {
  if (model.format !== "gemini") return { ...body, model: model.modelName };
  const out = { ...body };
  for (const key of ["generateContentRequest", "generate_content_request"]) {
    const wrapped = out[key];
    if (isObject(wrapped)) out[key] = { ...wrapped, model: `models/${model.modelName}` };
  }
  return out;
}

function capped(asked: unknown, cap: number): number {
  return typeof asked === "number" && asked > 0 ? Math.min(asked, cap) : cap;
}

type Block = { type?: string; signature?: unknown; text?: unknown };

/**
 * An Anthropic upstream never receives a signature it did not make: thinking blocks the proxy
 * signed for another upstream (the session switched models) are dropped, and so is the
 * whitespace-only text such turns carry, which Anthropic rejects. Untouched turns stay as sent.
 */
function withoutForeignThinking(messages: unknown): unknown {
  if (!Array.isArray(messages)) return messages;
  let changed = false;
  const out = messages.map((m) => {
    if (!m || typeof m !== "object" || !Array.isArray(m.content)) return m;
    const foreign = (b: Block) =>
      b?.type === "thinking" && typeof b.signature === "string" &&
      signatureFromString(b.signature).origin !== "anthropic";
    if (!m.content.some(foreign)) return m;
    changed = true;
    const blank = (b: Block) => b?.type === "text" && String(b.text ?? "").trim() === "";
    return { ...m, content: m.content.filter((b: Block) => !foreign(b) && !blank(b)) };
  });
  return changed ? out : messages;
}

/** True when the last assistant turn calls tools but does not start with thinking. */
function lastToolTurnUnsigned(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  const last = messages.findLast((m) => m?.role === "assistant");
  if (!last || !Array.isArray(last.content)) return false;
  if (!last.content.some((b: Block) => b?.type === "tool_use")) return false;
  const first = last.content[0]?.type;
  return first !== "thinking" && first !== "redacted_thinking";
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
