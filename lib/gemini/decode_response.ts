/**
 * Upstream side: a Gemini `generateContent` answer into the internal Response, its Google Search
 * grounding as searches before the answer's text.
 */
import { ProxyError } from "../errors.ts";
import type { DecodeContext } from "../ir/codec.ts";
import type { Converted, Response, Signature } from "../ir/types.ts";
import { emptyUsage } from "../ir/types.ts";
import { idOf } from "../ir/lenient.ts";
import { isObject } from "../json/fields.ts";
import { errorFromGemini } from "./errors.ts";
import { citeSupports, GroundingReader } from "./grounding.ts";
import { stopReasonOf } from "./finish_reason.ts";
import type { GeminiPart, GeminiResponse } from "./types.ts";
import { usageFromGemini } from "./usage.ts";

type Content = Response["content"];

/** Decodes a whole answer; leniently, since upstreams leave fields out. */
export function decodeResponse(body: unknown, ctx: DecodeContext): Converted<Response> {
  if (!isObject(body)) {
    throw new ProxyError("bad_gateway", "Upstream answer is not a Gemini response object");
  }
  const response = body as GeminiResponse;
  if (isObject(response.error)) throw errorFromGemini(response.error);
  const warnings: string[] = [];
  const candidate = Array.isArray(response.candidates) ? response.candidates[0] : undefined;
  const parts = Array.isArray(candidate?.content?.parts) ? candidate.content.parts : [];
  const content = decodeParts(parts, ctx, warnings);
  const sawCall = content.some((p) => p.type === "tool_call");
  const blocked = !candidate && response.promptFeedback?.blockReason !== undefined;
  const usage = isObject(response.usageMetadata)
    ? usageFromGemini(response.usageMetadata, (w) => warnings.push(w))
    : emptyUsage();
  citeSupports(candidate?.groundingMetadata, content);
  const searches = new GroundingReader(ctx.newId);
  const found = searches.read(candidate?.groundingMetadata);
  const unanswered = searches.finish();
  if (unanswered) found.push(unanswered);
  if (found.length > 0) {
    // before the answer, as Anthropic places its searches: after the thinking that led to them
    const at = content.findIndex((p) => p.type !== "thinking");
    content.splice(at < 0 ? content.length : at, 0, ...found);
    usage.serverToolUse = { webSearchRequests: searches.searches };
  }
  return {
    value: {
      id: idOf(response.responseId) ?? ctx.newId("msg"),
      model: response.modelVersion ?? "",
      content,
      stopReason: blocked ? "refusal" : stopReasonOf(candidate?.finishReason, sawCall),
      usage,
    },
    warnings,
  };
}

function geminiSignature(value: unknown): Signature | undefined {
  return typeof value === "string" && value ? { origin: "gemini", value } : undefined;
}

/** Parts in order; consecutive thoughts join into one thinking part, as do texts. */
function decodeParts(parts: GeminiPart[], ctx: DecodeContext, warnings: string[]): Content {
  const out: Content = [];
  for (const part of parts) {
    if (!isObject(part)) continue;
    const last = out.at(-1);
    if (part.functionCall && isObject(part.functionCall)) {
      const call = part.functionCall;
      const name = typeof call.name === "string" ? call.name : "";
      const signature = geminiSignature(part.thoughtSignature);
      out.push({
        type: "tool_call",
        id: typeof call.id === "string" && call.id ? call.id : ctx.newId("call"),
        name: ctx.toolNames.get(name) ?? name,
        input: isObject(call.args) ? call.args : {},
        ...(signature ? { signature } : {}),
      });
    } else if (part.thought === true) {
      const text = typeof part.text === "string" ? part.text : "";
      const signature = geminiSignature(part.thoughtSignature);
      if (last?.type === "thinking" && !last.signature) {
        last.text += text;
        if (signature) last.signature = signature;
      } else if (text || signature) {
        out.push({ type: "thinking", text, ...(signature ? { signature } : {}) });
      }
    } else if (typeof part.text === "string") {
      if (!part.text) continue;
      if (last?.type === "text") last.text += part.text;
      else out.push({ type: "text", text: part.text });
    } else if (part.executableCode !== undefined || part.codeExecutionResult !== undefined) {
      warnings.push("Dropped code execution parts from the answer");
    }
  }
  return out;
}
