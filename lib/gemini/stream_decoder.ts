/**
 * Upstream side: Gemini's `streamGenerateContent?alt=sse`, one GenerateContentResponse per
 * `data:` line. Parts arrive whole (a `functionCall` is complete in its chunk); there are no
 * block boundaries, so the Assembler opens and closes blocks by part kind. `finishReason` and
 * the final `usageMetadata` come on the last chunk. Grounding metadata (a Google Search) becomes
 * searches where it arrives: before the text when it comes first, else right after the text
 * sent so far, since text is never held back.
 */
import { ProxyError } from "../errors.ts";
import type { Assembler } from "../ir/assembler.ts";
import type { DecodeContext, StreamDecoder } from "../ir/codec.ts";
import type { SseEvent } from "../sse/parser.ts";
import { idOf } from "../ir/lenient.ts";
import { isObject } from "../json/fields.ts";
import { errorFromGemini } from "./errors.ts";
import { GroundingReader } from "./grounding.ts";
import { stopReasonOf } from "./finish_reason.ts";
import type { GeminiPart, GeminiResponse } from "./types.ts";
import { usageFromGemini } from "./usage.ts";

/** A stream decoder feeding `assembler` from Gemini chunks. */
export function createStreamDecoder(assembler: Assembler, ctx: DecodeContext): StreamDecoder {
  return new GeminiStreamDecoder(assembler, ctx);
}

class GeminiStreamDecoder implements StreamDecoder {
  #assembler: Assembler;
  #ctx: DecodeContext;
  #calls = 0;
  #ended = false;
  #searches: GroundingReader;

  constructor(assembler: Assembler, ctx: DecodeContext) {
    this.#assembler = assembler;
    this.#ctx = ctx;
    this.#searches = new GroundingReader(ctx.newId);
  }

  /** A chunk with a `finishReason` and `usageMetadata` has arrived. */
  get ended(): boolean {
    return this.#ended;
  }

  push(event: SseEvent): void {
    if (this.#ended) return;
    const data = event.data.trim();
    if (!data || data === "[DONE]") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      this.#assembler.fail(
        new ProxyError(
          "bad_gateway",
          `Upstream sent a chunk that is not JSON: ${data.slice(0, 200)}`,
        ),
      );
      return;
    }
    for (const chunk of Array.isArray(parsed) ? parsed : [parsed]) {
      if (isObject(chunk)) this.#chunk(chunk as GeminiResponse);
    }
  }

  end(): void {
    this.#answerSearches();
  }

  /** Every search gets a result, even one no page came for. */
  #answerSearches(): void {
    const unanswered = this.#searches.finish();
    if (unanswered) this.#assembler.webSearchResult(unanswered.callId, unanswered.sources);
  }

  #grounding(metadata: unknown): void {
    const a = this.#assembler;
    const found = this.#searches.read(metadata);
    for (const part of found) {
      if (part.type === "web_search_call") a.webSearchCall(part.id, part.query);
      else a.webSearchResult(part.callId, part.sources);
    }
    if (found.length > 0) {
      a.addUsage({ serverToolUse: { webSearchRequests: this.#searches.searches } });
    }
  }

  #chunk(chunk: GeminiResponse): void {
    const assembler = this.#assembler;
    if (chunk.error !== undefined) {
      assembler.fail(errorFromGemini(chunk.error));
      return;
    }
    const usage = isObject(chunk.usageMetadata)
      ? usageFromGemini(chunk.usageMetadata, (w) => assembler.warn(w))
      : undefined;
    const id = idOf(chunk.responseId);
    assembler.start({
      ...(id ? { id } : {}),
      ...(usage ? { usage } : {}),
    });
    const candidate = Array.isArray(chunk.candidates) ? chunk.candidates[0] : undefined;
    // searches before the text of their chunk; after text that earlier chunks already sent
    if (candidate?.groundingMetadata !== undefined) {
      this.#grounding(candidate.groundingMetadata);
      if (candidate.finishReason) this.#answerSearches(); // the last grounding
    }
    const parts = candidate?.content?.parts;
    if (Array.isArray(parts)) { for (const part of parts) if (isObject(part)) this.#part(part); }
    if (usage) assembler.addUsage(usage);
    let finished = true;
    if (candidate?.finishReason) assembler.finish(stopReasonOf(candidate.finishReason, false));
    else if (!candidate && chunk.promptFeedback?.blockReason) assembler.finish("refusal");
    else finished = false;
    if (finished && usage) this.#ended = true;
  }

  #part(part: GeminiPart): void {
    const assembler = this.#assembler;
    const signature = typeof part.thoughtSignature === "string" && part.thoughtSignature
      ? { origin: "gemini" as const, value: part.thoughtSignature }
      : undefined;
    if (isObject(part.functionCall)) {
      const call = part.functionCall;
      const name = typeof call.name === "string" ? call.name : "";
      assembler.toolCall(`call_${this.#calls++}`, {
        id: typeof call.id === "string" && call.id ? call.id : this.#ctx.newId("call"),
        name: this.#ctx.toolNames.get(name) ?? name,
        args: JSON.stringify(isObject(call.args) ? call.args : {}),
        ...(signature ? { signature } : {}),
      });
    } else if (part.thought === true) {
      if (typeof part.text === "string") assembler.thinking(part.text);
      if (signature) {
        // The signature closes its run of thoughts; later thoughts are a run of their own.
        assembler.thinkingSignature(signature);
        assembler.breakBlock();
      }
    } else if (typeof part.text === "string") {
      assembler.text(part.text); // a signature on answer text is not needed back
    }
  }
}
