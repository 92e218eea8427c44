/**
 * Same-dialect pass-through: the caller's body goes upstream untouched but for the model name,
 * the output cap, `extra_body` and what the model entry asks for (`thinking_style`, `vision`,
 * `context`, `drop_params`: passthrough_edits.ts), and the answer comes back byte for byte but for
 * the model name, streams included, with nothing buffered to the end. Usage is read off on the way
 * through.
 */
import type { ModelEntry } from "../config/models.ts";
import { ProxyError } from "../errors.ts";
import type { DialectCodec } from "../ir/codec.ts";
import { signatureFromString } from "../ir/signature.ts";
import type { Dialect, Usage } from "../ir/types.ts";
import { answerLimit, callUpstream, readUpstreamText } from "../upstream/client.ts";
import { type Operation, upstreamHeaders, upstreamUrl } from "../upstream/url.ts";
import { CODECS } from "./codecs.ts";
import { deepMerge } from "./deep_merge.ts";
import { jsonBytes } from "../json_bytes.ts";
import { type Exchange, warningsHeader } from "./exchange.ts";
import { withOverflowNumbers } from "./context_window.ts";
import { dropParams } from "./drop_params.ts";
import { editForModel } from "./passthrough_edits.ts";
import { emptyBody, streamHeaders } from "./translate.ts";
import { relayStream } from "./relay_stream.ts";

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
  const sent = edits
    ? prepareBody(
      edits.maxTokens === model.maxTokens ? model : { ...model, maxTokens: edits.maxTokens },
      edits.body,
    )
    : renameOnly(model, body);
  const warnings = edits?.warnings ?? [];
  const upstreamBody = edits
    ? dropParams(deepMerge(sent, model.extraBody), model.dropParams, warnings)
    : sent;
  ex.record.warnings.push(...warnings);
  let url = upstreamUrl(model, operation, stream);
  if (model.format === "gemini" && stream && ex.url.searchParams.get("alt") !== "sse") {
    url = url.replace(/\?alt=sse$/, "");
  }
  ex.record.upstreamDialect = model.format;
  const response = await callUpstream({
    url,
    headers: upstreamHeaders(model, key, ex.caller, ex.http.headers),
    body: jsonBytes(upstreamBody),
    signal: ex.http.signal,
    timeoutMs: ex.deps.settings.timeoutSeconds * 1000,
    errorMessage: codec.errorMessage,
  }).catch((error) => {
    throw withOverflowNumbers(error, model, () => edits?.estimate());
  });
  const rename = modelRenamer(model.format, model.modelName, callerModel);
  const contentType = response.headers.get("content-type") ?? "application/json";
  const limit = answerLimit(ex.deps.settings.maxRequestBytes);
  if (!stream) {
    const raw = await readUpstreamText(response, limit);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ProxyError(
        "bad_gateway",
        `Upstream answered with invalid JSON: ${JSON.stringify(raw.slice(0, 200))}`,
      );
    }
    if (operation === "generate") ex.record.usage = usageOf(codec, parsed, ex);
    return new Response(rename(raw), {
      status: response.status,
      headers: { "content-type": contentType, ...warningsHeader(warnings) },
    });
  }
  ex.deferred = true;
  const sniff = ex.url.searchParams.get("alt") === "sse" || model.format !== "gemini";
  const piped = relayStream(
    response.body ?? emptyBody(),
    model.format,
    rename,
    sniff ? codec : undefined,
    {
      onFirstByte: () => {
        ex.record.ttfbMs = performance.now() - ex.started;
      },
      onDone: ({ usage, error }) => {
        ex.record.usage = usage;
        if (error) ex.record.error = error.message;
        if (error && error.status !== 499) ex.record.status = error.status;
        ex.finish();
      },
      maxEventBytes: limit,
      secrets: [key],
    },
  );
  return new Response(piped, { headers: streamHeaders(contentType, warnings) });
}

/** Model name, output cap, and (Anthropic) thinking budget that still fits under the cap. */
function prepareBody(model: ModelEntry, body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
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
    case "openai": {
      out.model = model.modelName;
      if (out.max_completion_tokens !== undefined) {
        out.max_completion_tokens = capped(out.max_completion_tokens, model.maxTokens);
      } else {
        out.max_tokens = capped(out.max_tokens, model.maxTokens);
      }
      break;
    }
    case "gemini": {
      const config = { ...(out.generationConfig as Record<string, unknown> | undefined) };
      config.maxOutputTokens = capped(config.maxOutputTokens, model.maxTokens);
      out.generationConfig = config;
      break;
    }
  }
  return out;
}

function renameOnly(model: ModelEntry, body: Record<string, unknown>): Record<string, unknown> {
  return model.format === "gemini" ? body : { ...body, model: model.modelName };
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

/** Rewrites the first `"model":"<upstream name>"` of a text to the caller's name. */
function modelRenamer(format: Dialect, upstreamName: string, callerName: string) {
  if (format === "gemini" || !callerName || upstreamName === callerName) {
    return (text: string) => text;
  }
  const escaped = JSON.stringify(upstreamName).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`"model"\\s*:\\s*${escaped}`);
  const replacement = `"model":${JSON.stringify(callerName)}`;
  return (text: string) => text.replace(pattern, () => replacement);
}

function usageOf(codec: DialectCodec, body: unknown, ex: Exchange): Usage | undefined {
  try {
    const decoded = codec.decodeResponse(body, {
      toolNames: new Map(),
      newId: ex.deps.newId,
    });
    return decoded.value.usage;
  } catch {
    return undefined;
  }
}
