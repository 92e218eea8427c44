/**
 * A whole response told as a stream: for callers that asked for a stream from a model that
 * cannot stream (`can_stream: false`), so they still get a proper one.
 */
import { Assembler } from "./assembler.ts";
import type { Response, StreamEvent } from "./types.ts";
import { unreachable } from "./types.ts";

/** The strict events of a finished response, as the Assembler would have produced them. */
export function responseToEvents(response: Response, newCallId: () => string): StreamEvent[] {
  const assembler = new Assembler({ id: response.id, model: response.model, newCallId });
  assembler.start({ id: response.id, usage: { ...response.usage, outputTokens: 0 } });
  for (const [i, part] of response.content.entries()) {
    assembler.breakBlock();
    switch (part.type) {
      case "text":
        assembler.text(part.text);
        break;
      case "thinking":
        assembler.thinking(part.text);
        if (part.signature) assembler.thinkingSignature(part.signature);
        break;
      case "redacted_thinking":
        assembler.redactedThinking(part.data);
        break;
      case "web_search_call":
        assembler.webSearchCall(part.id, part.query);
        break;
      case "web_search_result":
        assembler.webSearchResult(part.callId, part.sources, part.errorCode);
        break;
      case "tool_call":
        assembler.toolCall(`replay-${i}`, {
          id: part.id,
          name: part.name,
          args: JSON.stringify(part.input),
          signature: part.signature,
        });
        break;
      default:
        unreachable(part);
    }
  }
  assembler.finish(response.stopReason, response.stopSequence);
  assembler.addUsage(response.usage);
  assembler.end();
  return assembler.drain();
}
