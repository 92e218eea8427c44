/**
 * Same-dialect pass-through: the caller's body goes upstream untouched but for the model name,
 * the output cap and `extra_body`, and the answer comes back byte for byte but for the model
 * name, streams included, with nothing buffered to the end. Usage is read off on the way through.
 */
import type { ModelEntry } from "../config/models.ts";
import { ProxyError } from "../errors.ts";
import { Assembler } from "../ir/assembler.ts";
import type { DialectCodec } from "../ir/codec.ts";
import { signatureFromString } from "../ir/signature.ts";
import type { Dialect, Usage } from "../ir/types.ts";
import { type SseEvent, SseParser } from "../sse/parser.ts";
import { encodeSse } from "../sse/encoder.ts";
import {
  answerLimit,
  callUpstream,
  chunksOf,
  readUpstreamText,
  redact,
} from "../upstream/client.ts";
import { type Operation, upstreamHeaders, upstreamUrl } from "../upstream/url.ts";
import { CODECS } from "./codecs.ts";
import { deepMerge } from "./deep_merge.ts";
import type { Exchange } from "./exchange.ts";
import { asProxyError, type PipeOptions, redactError } from "./stream_pipe.ts";
import { emptyBody, streamHeaders } from "./translate.ts";

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
  const sent = operation === "generate" ? prepareBody(model, body) : renameOnly(model, body);
  let url = upstreamUrl(model, operation, stream);
  if (model.format === "gemini" && stream && ex.url.searchParams.get("alt") !== "sse") {
    url = url.replace(/\?alt=sse$/, "");
  }
  ex.record.upstreamDialect = model.format;
  const response = await callUpstream({
    url,
    headers: upstreamHeaders(model, key, ex.caller, ex.http.headers),
    body: JSON.stringify(deepMerge(sent, operation === "generate" ? model.extraBody : {})),
    signal: ex.http.signal,
    timeoutMs: ex.deps.settings.timeoutSeconds * 1000,
    errorMessage: codec.errorMessage,
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
      headers: { "content-type": contentType },
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
  return new Response(piped, { headers: streamHeaders(contentType, []) });
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

/**
 * Relays upstream stream bytes line by line (renaming the model in `data:` lines), reading
 * usage with the dialect's own decoder, and ending with the dialect's error event if the
 * upstream fails mid-stream, sends an event that cannot be read, or stops early.
 */
function relayStream(
  upstream: ReadableStream<Uint8Array>,
  format: Dialect,
  rename: (line: string) => string,
  codec: DialectCodec | undefined,
  options: PipeOptions,
): ReadableStream<Uint8Array> {
  const source = chunksOf(upstream);
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  const assembler = new Assembler({ id: "", model: "", newCallId: () => "" });
  const sniffer = codec?.createStreamDecoder(assembler, { toolNames: new Map(), newId: () => "" });
  const parser = new SseParser();
  let carry = "";
  /** The chunks so far ended at a line end: the decoder holds no bytes of a character. */
  let aligned = true;
  let first = true;
  let finished = false;
  /** The upstream's own error event ended the stream (already relayed). */
  let reported = false;
  const complete = (error?: ProxyError) => {
    if (finished) return;
    finished = true;
    options.onDone({ usage: assembler.usage, error, warnings: [] });
  };
  /** Feeds relayed text to the sniffer; returns a failure the upstream did not report itself. */
  const feed = (text: string): ProxyError | undefined => {
    if (!sniffer || reported) return undefined;
    try {
      for (const event of parser.push(text)) {
        if (!holdsUsage(format, event)) continue;
        sniffer.push(event);
        const failed = assembler.drain().find((e) => e.type === "error");
        if (failed?.type !== "error") continue;
        if (isErrorEvent(format, event)) {
          reported = true;
          return undefined;
        }
        return failed.error;
      }
    } catch (error) {
      return asProxyError(error, "Upstream stream could not be read");
    }
    if (parser.pendingLength > options.maxEventBytes) return tooLarge(options.maxEventBytes);
    return undefined;
  };
  const safe = (text: string) =>
    options.secrets.some((k) => text.includes(k)) ? redact(text, options.secrets) : text;
  const stop = (
    controller: ReadableStreamDefaultController<Uint8Array>,
    text: string,
    error: ProxyError | undefined,
  ) => {
    const failure = error && redactError(error, options.secrets);
    const tail = failure ? text + "\n" + streamErrorEvent(format, failure) : text;
    if (tail) controller.enqueue(encoder.encode(tail));
    controller.close();
    source.cancel();
    complete(failure);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        let chunk: Uint8Array | undefined;
        try {
          chunk = await source.read();
        } catch (error) {
          // A partial line is dropped; the blank line ends any event that was in progress.
          return stop(controller, "", asProxyError(error));
        }
        if (!chunk) {
          const tail = carry + decoder.decode();
          carry = "";
          const failed = feed(tail) ??
            (sniffer && !reported ? endedEarly(sniffer, parser, assembler) : undefined);
          return stop(controller, tail ? safe(rename(tail)) : "", failed);
        }
        const text = decoder.decode(chunk, { stream: true });
        const cut = text.lastIndexOf("\n") + 1;
        // The chunk is whole lines, all of its bytes in `text`: relayed as it came when unchanged.
        const whole = aligned && carry === "" && chunk[chunk.length - 1] === 10;
        aligned = chunk[chunk.length - 1] === 10;
        if (cut === 0) {
          carry += text;
          if (carry.length > options.maxEventBytes) {
            return stop(controller, "", tooLarge(options.maxEventBytes));
          }
          continue;
        }
        const lines = whole ? text : carry + text.slice(0, cut);
        carry = whole ? "" : text.slice(cut);
        const failed = feed(lines);
        if (first) {
          first = false;
          options.onFirstByte();
        }
        const out = safe(format === "gemini" ? lines : renameLines(lines, rename));
        if (failed) return stop(controller, out, failed);
        controller.enqueue(whole && out === lines ? chunk : encoder.encode(out));
        return;
      }
    },
    cancel(reason) {
      complete(new ProxyError("invalid_request", "Caller went away", 499));
      return source.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** Anthropic stream events that never carry usage, an error or the end of the message. */
const USAGE_FREE = new Set([
  "content_block_delta",
  "content_block_start",
  "content_block_stop",
  "ping",
  "message_stop",
]);

/**
 * Whether the usage sniffer needs an event: only those that can hold usage, an error or the
 * finish are parsed (Anthropic `message_start`/`message_delta`/`error`; OpenAI chunks naming
 * `usage`, `error` or a `finish_reason`, and `[DONE]`). A skipped event still has to look like a
 * whole JSON object, else the sniffer sees it and the stream ends with an error.
 */
function holdsUsage(format: Dialect, event: SseEvent): boolean {
  const data = event.data;
  if (data.charCodeAt(0) !== 123 || data.charCodeAt(data.length - 1) !== 125) return true;
  switch (format) {
    case "anthropic":
      return event.event === undefined || !USAGE_FREE.has(event.event);
    case "openai":
      return data.includes('"usage"') || data.includes('"error"') || FINISHED.test(data);
    case "gemini":
      return true;
  }
}

/** A chunk whose `finish_reason` is set (not null). */
const FINISHED = /"finish_reason"\s*:\s*"/;

function tooLarge(limit: number): ProxyError {
  return new ProxyError("bad_gateway", `Upstream stream event is larger than ${limit} bytes`);
}

/** True for an event in which the upstream itself reports an error (relayed as it is). */
function isErrorEvent(format: Dialect, event: SseEvent): boolean {
  if (format === "anthropic" && event.event === "error") return true;
  return /^\s*\{\s*"(error|type"\s*:\s*"error)"/.test(event.data);
}

/** The error a stream that stopped without its closing events amounts to, if it did. */
function endedEarly(
  sniffer: { push(e: SseEvent): void; end(): void },
  parser: SseParser,
  assembler: Assembler,
): ProxyError | undefined {
  for (const event of parser.end()) sniffer.push(event);
  sniffer.end();
  assembler.end();
  const failed = assembler.drain().find((e) => e.type === "error");
  return failed?.type === "error" ? failed.error : undefined;
}

function renameLines(lines: string, rename: (line: string) => string): string {
  if (!lines.includes('"model"')) return lines;
  return lines.split("\n").map((line) => line.startsWith("data:") ? rename(line) : line).join(
    "\n",
  );
}

/** The error event that ends a stream in a dialect (SPEC §2). */
export function streamErrorEvent(dialect: Dialect, error: ProxyError): string {
  const body = JSON.stringify(CODECS[dialect].errorBody(error));
  return dialect === "anthropic" ? encodeSse(body, "error") : encodeSse(body);
}
