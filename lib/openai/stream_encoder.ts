/**
 * The strict event stream as `chat.completion.chunk` SSE lines for an OpenAI caller: a role
 * chunk, content / reasoning / tool-call deltas, a finish chunk, an optional usage chunk with
 * `"choices": []`, and `data: [DONE]`. An error is one `{"error": …}` line and the end.
 */
import type { StreamEncoder, StreamEncoderOptions } from "../ir/codec.ts";
import type { Request, StreamEvent } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { encodeSse } from "../sse/encoder.ts";
import { callerCallId } from "../ir/ids.ts";
import { completionId, createdOf, extraContentOf } from "./encode_response.ts";
import { errorBody } from "./errors.ts";
import { finishReasonOf } from "./finish_reason.ts";
import { chatUsageOf } from "./usage.ts";

/** Makes the encoder for one caller stream. */
export function createStreamEncoder(
  request: Request,
  options: StreamEncoderOptions,
): StreamEncoder {
  return new ChatStreamEncoder(request, options);
}

class ChatStreamEncoder implements StreamEncoder {
  readonly contentType = "text/event-stream";
  #options: StreamEncoderOptions;
  #includeUsage: boolean;
  #id = "";
  #created = 0;
  #model: string;
  /** Position of the open tool call among this message's calls, counted from 0. */
  #callIndex = -1;
  #ended = false;

  constructor(request: Request, options: StreamEncoderOptions) {
    this.#options = options;
    this.#includeUsage = options.includeUsage ?? request.includeUsage ?? false;
    this.#model = request.model;
  }

  /** An SSE comment: OpenAI's SDKs skip comment lines. */
  keepAlive(): string {
    return ": keep-alive\n\n";
  }

  encode(event: StreamEvent): string {
    if (this.#ended) return "";
    switch (event.type) {
      case "message_start":
        this.#id = completionId(event.id, this.#options);
        this.#created = createdOf(this.#options);
        if (event.model) this.#model = event.model;
        return this.#chunk({ role: "assistant", content: "" });
      case "block_start":
        if (event.block.type !== "tool_call") return "";
        this.#callIndex++;
        return this.#chunk({
          tool_calls: [{
            index: this.#callIndex,
            id: callerCallId(event.block.id, event.block.signature),
            type: "function",
            function: { name: event.block.name, arguments: "" },
            ...extraContentOf(event.block.signature),
          }],
        });
      case "block_delta":
        return this.#delta(event.delta);
      case "block_stop":
        return "";
      case "message_delta":
        return this.#chunk({}, finishReasonOf(event.stopReason)) +
          (this.#includeUsage ? this.#usageChunk(event.usage) : "");
      case "message_stop":
        this.#ended = true;
        return "data: [DONE]\n\n";
      case "error":
        this.#ended = true;
        return encodeSse(JSON.stringify(errorBody(event.error)));
      default:
        return unreachable(event);
    }
  }

  #delta(delta: Extract<StreamEvent, { type: "block_delta" }>["delta"]): string {
    switch (delta.type) {
      case "text":
        return this.#chunk({ content: delta.text });
      case "thinking":
        return this.#chunk({ reasoning_content: delta.text });
      case "signature":
        return "";
      case "tool_args":
        return this.#chunk({
          tool_calls: [{ index: this.#callIndex, function: { arguments: delta.json } }],
        });
      default:
        return unreachable(delta);
    }
  }

  #chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
    return encodeSse(JSON.stringify({
      ...this.#head(),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    }));
  }

  #usageChunk(usage: Extract<StreamEvent, { type: "message_delta" }>["usage"]): string {
    return encodeSse(JSON.stringify({ ...this.#head(), choices: [], usage: chatUsageOf(usage) }));
  }

  #head(): Record<string, unknown> {
    return {
      id: this.#id,
      object: "chat.completion.chunk",
      created: this.#created,
      model: this.#model,
    };
  }
}
