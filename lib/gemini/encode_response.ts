/**
 * Caller side: the internal Response as a Gemini `generateContent` answer; its searches as the
 * candidate's `groundingMetadata`, as Gemini reports its own.
 */
import type { Response, Signature } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { ThinkingCarrier } from "./carried_thinking.ts";
import { finishReasonOf } from "./finish_reason.ts";
import { type CitedText, groundingMetadataOf, type SearchPart } from "./grounding.ts";
import type { GeminiPart, GeminiResponse } from "./types.ts";
import { usageToGemini } from "./usage.ts";

/** Encodes a whole answer for a Gemini caller. */
export function encodeResponse(response: Response): GeminiResponse {
  const parts: GeminiPart[] = [];
  const carrier = new ThinkingCarrier();
  const searches: SearchPart[] = [];
  const texts: CitedText[] = [];
  for (const part of response.content) {
    switch (part.type) {
      case "text":
        if (!part.text) break;
        if (part.citations?.length) texts.push({ partIndex: parts.length, part });
        parts.push({ text: part.text });
        break;
      case "thinking":
        if (part.text || part.signature?.origin === "gemini") {
          parts.push({ text: part.text, thought: true, ...signatureField(part.signature) });
        }
        carrier.add(part.text);
        carrier.close(part.signature);
        break;
      case "redacted_thinking":
        break; // encrypted for another vendor: nothing a Gemini caller can use
      case "tool_call":
        parts.push(functionCallPart(part.id, part.name, part.input, part.signature, carrier));
        break;
      case "web_search_call":
      case "web_search_result":
        searches.push(part); // told in the candidate's groundingMetadata
        break;
      default:
        unreachable(part);
    }
  }
  const grounding = groundingMetadataOf(searches, texts);
  return {
    candidates: [{
      content: { role: "model", parts },
      finishReason: finishReasonOf(response.stopReason),
      index: 0,
      ...(grounding ? { groundingMetadata: grounding } : {}),
    }],
    usageMetadata: usageToGemini(response.usage),
    modelVersion: response.model,
    responseId: response.id,
  };
}

/** `thoughtSignature` for a Gemini-made signature; others mean nothing to a Gemini caller. */
export function signatureField(signature: Signature | undefined): { thoughtSignature?: string } {
  return signature?.origin === "gemini" && signature.value
    ? { thoughtSignature: signature.value }
    : {};
}

/**
 * A whole `functionCall` part: with its own Gemini signature, else with the proxy's carrying the
 * thinking before it (the carrier is emptied either way: that thinking belongs to this call).
 */
export function functionCallPart(
  id: string,
  name: string,
  args: Record<string, unknown>,
  signature: Signature | undefined,
  carrier: ThinkingCarrier,
): GeminiPart {
  const own = signatureField(signature).thoughtSignature;
  if (own) carrier.clear();
  const thoughtSignature = own ?? carrier.take();
  return { functionCall: { name, args, id }, ...(thoughtSignature ? { thoughtSignature } : {}) };
}
