/**
 * An upstream's answer told to a caller of another dialect: a whole answer decoded, its usage
 * estimated when it gave none, and encoded whole or as a stream; a streamed answer converted
 * event by event.
 */
import { Assembler } from "../ir/assembler.ts";
import type { DecodeContext, DialectCodec, StreamEncoderOptions } from "../ir/codec.ts";
import { responseToEvents } from "../ir/replay.ts";
import type { Request } from "../ir/types.ts";
import { answerLimit, readUpstreamText, type UpstreamAnswer } from "../upstream/client.ts";
import { asOverflow } from "../upstream/context_overflow.ts";
import { type Exchange, jsonResponse, warningsHeader } from "./exchange.ts";
import { asProxyError, redactError } from "./stream_lifecycle.ts";
import { eventsToStream, translateStream } from "./stream_pipe.ts";
import { parseAnswer, recordedStream, streamHeaders } from "./upstream_answer.ts";
import { estimateUsage, estimatingEncoder, responseText, usageMissing } from "./usage_estimate.ts";

/** One translated exchange: the request, both dialects, and the upstream's answer. */
export interface Translated {
  ex: Exchange;
  request: Request;
  caller: DialectCodec;
  upstream: DialectCodec;
  answer: UpstreamAnswer;
  /** Upstream tool names → the caller's, for names the encoder had to shorten. */
  toolNames: Map<string, string>;
  secrets: string[];
  /** What the request's conversion had to drop. */
  warnings: string[];
}

/**
 * A whole answer (or one given where a stream was asked for): its error, if it holds one,
 * before the caller has received anything; else the caller's answer, whole or as a stream.
 */
export async function translatedWhole(t: Translated): Promise<Response> {
  const { ex, request, caller, upstream, secrets } = t;
  const text = await readUpstreamText(t.answer, answerLimit(ex.deps.settings.maxRequestBytes));
  const answer = parseAnswer(text, secrets);
  const failure = upstream.answerError(answer);
  if (failure) throw redactError(asOverflow(failure), secrets);
  let decoded: ReturnType<typeof upstream.decodeResponse>;
  try {
    decoded = upstream.decodeResponse(answer, decodeContext(t));
  } catch (error) {
    throw redactError(asProxyError(error, "Upstream answer could not be read"), secrets);
  }
  const response = decoded.value;
  response.model = request.model;
  const warnings = [...t.warnings, ...decoded.warnings];
  if (usageMissing(response.usage)) {
    const said = responseText(response);
    response.usage = estimateUsage(request, said, said.length, upstream.imageTokens);
    ex.record.usageEstimated = true;
  }
  ex.record.usage = response.usage;
  for (const warning of warnings) ex.record.warnings.push(warning);
  const options = encoderOptions(t);
  try {
    if (!request.stream) {
      const body = caller.encodeResponse(response, options, request);
      return jsonResponse(body, 200, warningsHeader(warnings));
    }
    const out = caller.createStreamEncoder(request, options);
    const bytes = eventsToStream(responseToEvents(response, () => ex.deps.newId("call")), out);
    return new Response(bytes, { headers: streamHeaders(out.contentType, warnings) });
  } catch (error) {
    // The upstream's answer, not the caller's request, is what no encoder could write.
    throw redactError(asProxyError(error, "Upstream answer could not be converted"), secrets);
  }
}

/** A streamed answer, converted event by event as the caller reads. */
export function translatedStream(t: Translated): Response {
  const { ex, request, upstream } = t;
  const { deps } = ex;
  // Arguments longer than max_request_bytes could never be sent back in the next request.
  const assembler = new Assembler({
    id: deps.newId("msg"),
    model: request.model,
    newCallId: () => deps.newId("call"),
    maxArgumentChars: deps.settings.maxRequestBytes,
  });
  const decoder = upstream.createStreamDecoder(assembler, decodeContext(t));
  const estimating = estimatingEncoder(
    t.caller.createStreamEncoder(request, encoderOptions(t)),
    request,
    upstream.imageTokens,
  );
  const out = estimating.encoder;
  ex.deferred = true;
  for (const warning of t.warnings) ex.record.warnings.push(warning);
  const options = recordedStream(ex, t.secrets, estimating.estimated);
  const stream = translateStream(t.answer.body, decoder, assembler, out, options);
  return new Response(stream, { headers: streamHeaders(out.contentType, t.warnings) });
}

function decodeContext(t: Translated): DecodeContext {
  return { toolNames: t.toolNames, newId: t.ex.deps.newId };
}

function encoderOptions(t: Translated): StreamEncoderOptions {
  const { deps, url } = t.ex;
  return {
    sse: !t.caller.routes.jsonArrayStream?.(url),
    includeUsage: t.request.includeUsage,
    newId: deps.newId,
    now: deps.now,
  };
}
