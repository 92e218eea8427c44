/**
 * An internal Response as a `chat.completion` for an OpenAI caller. Thinking goes to
 * `reasoning_content` (never into `content`); a Gemini thought signature rides inside the call id,
 * which every client replays verbatim, and in `extra_content` for clients that keep it.
 */
import type { StreamEncoderOptions } from "../ir/codec.ts";
import { callerCallId } from "../ir/ids.ts";
import type { Response, ToolCallPart } from "../ir/types.ts";
import { finishReasonOf } from "./finish_reason.ts";
import type { ChatToolCallOut } from "./types.ts";
import { chatUsageOf } from "./usage.ts";

/** Encodes a whole answer. Text parts join with "" exactly as the streamed deltas would. */
export function encodeResponse(
  response: Response,
  options: StreamEncoderOptions,
): Record<string, unknown> {
  let text = "";
  let reasoning = "";
  const calls: ChatToolCallOut[] = [];
  for (const part of response.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "thinking") reasoning += part.text;
    else if (part.type === "tool_call") calls.push(toolCallOf(part));
    // redacted thinking has no readable text: nothing to show an OpenAI caller
  }
  const message: Record<string, unknown> = { role: "assistant", content: text || null };
  if (reasoning) message.reasoning_content = reasoning;
  if (calls.length > 0) message.tool_calls = calls;
  return {
    id: completionId(response.id, options),
    object: "chat.completion",
    created: createdOf(options),
    model: response.model,
    choices: [{
      index: 0,
      message,
      finish_reason: finishReasonOf(response.stopReason),
      logprobs: null,
    }],
    usage: chatUsageOf(response.usage),
  };
}

/** A call as an OpenAI caller sees it, carrying its Gemini signature in the id. */
export function toolCallOf(part: ToolCallPart): ChatToolCallOut {
  return {
    id: callerCallId(part.id, part.signature),
    type: "function",
    function: { name: part.name, arguments: JSON.stringify(part.input) },
    ...extraContentOf(part.signature),
  };
}

/** `extra_content.google.thought_signature` for a Gemini signature, else nothing. */
export function extraContentOf(
  signature: ToolCallPart["signature"],
): Pick<ChatToolCallOut, "extra_content"> {
  if (signature?.origin !== "gemini") return {};
  return { extra_content: { google: { thought_signature: signature.value } } };
}

/** `chatcmpl-<upstream id>`, so the caller's id still leads back to the upstream's. */
export function completionId(id: string, options: StreamEncoderOptions): string {
  if (id.startsWith("chatcmpl-")) return id;
  return id ? `chatcmpl-${id}` : options.newId("chatcmpl-");
}

/** `created`, in seconds (`options.now()` is in milliseconds, like `Date.now()`). */
export function createdOf(options: StreamEncoderOptions): number {
  return Math.floor(options.now() / 1000);
}
