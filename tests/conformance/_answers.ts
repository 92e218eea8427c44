/** One short text answer per upstream dialect, for cases that look only at what went upstream. */
import type { Dialect } from "../../lib/ir/types.ts";
import type { UpstreamAnswer } from "./_runner.ts";

/** "Hi." in each upstream dialect's whole-answer shape. */
export const TEXT_ANSWERS: Record<Dialect, UpstreamAnswer> = {
  openai: {
    json: {
      id: "chatcmpl-1",
      object: "chat.completion",
      created: 1763990000,
      model: "gpt-real-1",
      choices: [{
        index: 0,
        message: { role: "assistant", content: "Hi." },
        finish_reason: "stop",
      }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    },
  },
  anthropic: {
    json: {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-real-1",
      content: [{ type: "text", text: "Hi." }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 2 },
    },
  },
  gemini: {
    json: {
      candidates: [{ content: { role: "model", parts: [{ text: "Hi." }] }, finishReason: "STOP" }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, totalTokenCount: 12 },
    },
  },
};
