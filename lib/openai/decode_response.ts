/**
 * An OpenAI-dialect upstream's non-streamed answer as an internal Response. Lenient: providers
 * leave fields out, send `null`, or add their own (`reasoning`, `prompt_cache_hit_tokens`).
 */
import type { DecodeContext } from "../ir/codec.ts";
import { ProxyError } from "../errors.ts";
import type { Converted, Response, Signature, ToolCallPart } from "../ir/types.ts";
import { idOf } from "../ir/lenient.ts";
import { isObject } from "../json/fields.ts";
import { errorKindOf, errorMessage } from "./errors.ts";
import { stopReasonOf } from "./finish_reason.ts";
import type { ChatCompletionIn, ChatMessageIn, ChatToolCallIn } from "./types.ts";
import { usageOfChat } from "./usage.ts";
import { emptyUsage } from "../ir/types.ts";

/** Decodes `choices[0]` and `usage`; an answer without choices is a 502 (or its own error). */
export function decodeResponse(body: unknown, context: DecodeContext): Converted<Response> {
  if (!isObject(body)) throw new ProxyError("bad_gateway", "Upstream answer is not a JSON object");
  const completion = body as ChatCompletionIn;
  const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
  if (!choice) {
    if (completion.error) {
      throw new ProxyError(
        errorKindOf(completion.error),
        errorMessage(body) ?? "Upstream error",
      );
    }
    throw new ProxyError("bad_gateway", "Upstream answer has no choices");
  }
  const warnings: string[] = [];
  const message: ChatMessageIn = choice.message ?? {};
  const content: Response["content"] = [];
  const reasoning = reasoningOf(message);
  if (reasoning) {
    content.push({ type: "thinking", text: reasoning, signature: { origin: "proxy", value: "" } });
  }
  // whitespace-only text (GLM, Qwen and Kimi put "\n\n" before tool calls) is no answer, and
  // Anthropic rejects such a block when a client replays it
  const text = textOf(message.content);
  if (text.trim()) content.push({ type: "text", text });
  if (typeof message.refusal === "string" && message.refusal) {
    content.push({ type: "text", text: message.refusal });
  }
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    if (isObject(call)) content.push(decodeToolCall(call, context, warnings));
  }
  let stopReason = stopReasonOf(choice.finish_reason);
  if (message.refusal) stopReason = "refusal";
  if (content.some((p) => p.type === "tool_call")) stopReason = "tool_use";
  else if (stopReason === "tool_use") stopReason = "end_turn"; // "tool_calls" without any call
  return {
    value: {
      id: idOf(completion.id) ?? context.newId("msg"),
      model: completion.model ?? "",
      content,
      stopReason,
      usage: {
        ...emptyUsage(),
        ...usageOfChat(isObject(completion.usage) ? completion.usage : {}, (w) => warnings.push(w)),
      },
    },
    warnings,
  };
}

/** `reasoning_content` (DeepSeek, Kimi, Qwen, GLM), else `reasoning` (OpenRouter, vLLM). */
export function reasoningOf(message: ChatMessageIn): string {
  if (typeof message.reasoning_content === "string" && message.reasoning_content) {
    return message.reasoning_content;
  }
  return typeof message.reasoning === "string" ? message.reasoning : "";
}

/** A Gemini thought signature on a call (Gemini's OpenAI-compatible endpoint sends one). */
export function callSignatureOf(call: ChatToolCallIn): Signature | undefined {
  const value = call.extra_content?.google?.thought_signature;
  return typeof value === "string" && value ? { origin: "gemini", value } : undefined;
}

/** Content as a string, or (some providers) an array of text parts. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((p) => isObject(p) && typeof p.text === "string" ? p.text : "").join("");
}

/** One call, its name restored to the caller's. */
function decodeToolCall(
  call: ChatToolCallIn,
  context: DecodeContext,
  warnings: string[],
): ToolCallPart {
  const fn: Record<string, unknown> = isObject(call.function) ? call.function : {};
  const name = typeof fn.name === "string" ? fn.name : "";
  const input = argumentsOf(fn.arguments, name, warnings);
  const signature = callSignatureOf(call);
  return {
    type: "tool_call",
    id: typeof call.id === "string" && call.id ? call.id : context.newId("call"),
    name: context.toolNames.get(name) ?? name,
    input,
    ...(signature ? { signature } : {}),
  };
}

/**
 * Arguments that are not a JSON object are kept for the caller to see, under `_raw_arguments`
 * (with a warning), rather than silently becoming `{}`; empty arguments are `{}`.
 */
export function argumentsOf(
  raw: unknown,
  name: string,
  warnings: string[],
): Record<string, unknown> {
  if (isObject(raw)) return raw; // a few providers send the object itself
  if (typeof raw !== "string" || raw.trim() === "") return {};
  try {
    const parsed = JSON.parse(raw);
    if (isObject(parsed)) return parsed;
  } catch {
    // kept below
  }
  warnings.push(`Tool call "${name}" had arguments that are not a JSON object`);
  return { _raw_arguments: raw };
}
