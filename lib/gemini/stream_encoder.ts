/**
 * Caller side: the strict event stream as Gemini's `streamGenerateContent`, either SSE
 * (`?alt=sse`: exactly `data: <one-line JSON>` and a blank line per chunk, nothing else, since
 * Gemini CLI rejects anything else) or one JSON array written as it grows. Text and thoughts go
 * out as they arrive; a call goes out whole when its block ends; the last chunk carries
 * `finishReason`, `usageMetadata` and, for an answer that searched, `groundingMetadata`.
 */
import type { ProxyError } from "../errors.ts";
import type { StreamEncoder, StreamEncoderOptions } from "../ir/codec.ts";
import type { Request, Signature, StreamEvent } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { ThinkingCarrier } from "./carried_thinking.ts";
import { errorBody } from "./errors.ts";
import { finishReasonOf } from "./finish_reason.ts";
import { groundingMetadataOf, type SearchPart } from "./grounding.ts";
import { functionCallPart, signatureField } from "./encode_response.ts";
import type { GeminiPart } from "./types.ts";
import { usageToGemini } from "./usage.ts";

interface PendingCall {
  id: string;
  name: string;
  signature?: Signature;
  json: string;
}

/** A stream encoder for a Gemini caller; `options.sse === false` selects the JSON array. */
export function createStreamEncoder(
  request: Request,
  options: StreamEncoderOptions,
): StreamEncoder {
  return new GeminiStreamEncoder(request, options);
}

class GeminiStreamEncoder implements StreamEncoder {
  readonly contentType: string;
  #sse: boolean;
  #model: string;
  #id: string;
  #chunks = 0;
  #done = false;
  #call: PendingCall | undefined;
  #carrier = new ThinkingCarrier();
  /** The answer's searches, told on the last chunk as Gemini tells its grounding. */
  #searches: SearchPart[] = [];

  constructor(request: Request, options: StreamEncoderOptions) {
    this.#sse = options.sse !== false;
    this.contentType = this.#sse ? "text/event-stream" : "application/json";
    this.#model = request.model;
    this.#id = options.newId("resp");
  }

  encode(event: StreamEvent): string {
    if (this.#done) return "";
    switch (event.type) {
      case "message_start":
        this.#id = event.id || this.#id;
        this.#model = event.model || this.#model;
        return "";
      case "block_start": {
        const block = event.block;
        if (block.type === "tool_call") {
          const { id, name, signature } = block;
          this.#call = { id, name, json: "", ...(signature ? { signature } : {}) };
        } else if (block.type === "web_search_call") {
          this.#searches.push({ type: "web_search_call", id: block.id, query: block.query });
        } else if (block.type === "web_search_result") {
          this.#searches.push({ ...block, type: "web_search_result" });
        }
        return "";
      }
      case "block_delta":
        return this.#delta(event.delta);
      case "block_stop":
        return this.#flushCall();
      case "message_delta": {
        const grounding = groundingMetadataOf(this.#searches);
        return this.#write({
          candidates: [{
            content: { role: "model", parts: [] },
            finishReason: finishReasonOf(event.stopReason),
            index: 0,
            ...(grounding ? { groundingMetadata: grounding } : {}),
          }],
          usageMetadata: usageToGemini(event.usage),
        });
      }
      case "message_stop":
        this.#done = true;
        return this.#sse ? "" : this.#chunks === 0 ? "[]" : "]";
      case "error":
        return this.#error(event.error);
      default:
        return unreachable(event);
    }
  }

  #delta(delta: Extract<StreamEvent, { type: "block_delta" }>["delta"]): string {
    switch (delta.type) {
      case "text":
        return delta.text ? this.#part({ text: delta.text }) : "";
      case "thinking":
        if (!delta.text) return "";
        this.#carrier.add(delta.text);
        return this.#part({ text: delta.text, thought: true });
      case "signature": {
        this.#carrier.close(delta.signature);
        const field = signatureField(delta.signature);
        return field.thoughtSignature ? this.#part({ text: "", thought: true, ...field }) : "";
      }
      case "tool_args":
        if (this.#call) this.#call.json += delta.json;
        return "";
      default:
        return unreachable(delta);
    }
  }

  #flushCall(): string {
    const call = this.#call;
    if (!call) return "";
    this.#call = undefined;
    let args: Record<string, unknown> = { _raw_arguments: call.json };
    try {
      const parsed = JSON.parse(call.json || "{}");
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) args = parsed;
    } catch {
      // Not JSON (the Assembler closes arguments into an object, so only a bug gets here): the
      // text is kept for the caller to see, as in a whole answer.
    }
    return this.#part(functionCallPart(call.id, call.name, args, call.signature, this.#carrier));
  }

  #part(part: GeminiPart): string {
    return this.#write({ candidates: [{ content: { role: "model", parts: [part] }, index: 0 }] });
  }

  #error(error: ProxyError): string {
    this.#done = true;
    const chunk = this.#frame(JSON.stringify(errorBody(error)));
    return this.#sse ? chunk : chunk + "]";
  }

  #write(body: Record<string, unknown>): string {
    return this.#frame(
      JSON.stringify({ ...body, modelVersion: this.#model, responseId: this.#id }),
    );
  }

  #frame(json: string): string {
    const first = this.#chunks++ === 0;
    if (this.#sse) return `data: ${json}\n\n`;
    return (first ? "[" : ",\n") + json;
  }
}
