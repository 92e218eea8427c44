/**
 * Usage for upstreams that report none: the request's input estimated locally, the output from
 * the text that went to the caller. Only then; real upstream usage is never replaced.
 */
import type { StreamEncoder } from "../ir/codec.ts";
import type { ImagePricing } from "../ir/endpoint.ts";
import type { Request, Response, StreamEvent, Usage } from "../ir/types.ts";
import { estimateRequestTokens, textTokens } from "../tokens/estimate.ts";

/** Output text kept for counting, at most (the count of a longer answer is scaled up). */
const MAX_KEPT = 1 << 20;

/** True when an upstream gave no usage figures at all. */
export function usageMissing(usage: Usage): boolean {
  return usage.inputTokens === 0 && usage.outputTokens === 0 && usage.cacheReadTokens === 0 &&
    usage.cacheWriteTokens === 0;
}

/** An estimate from the request (its images priced by `images`) and the answer. */
export function estimateUsage(
  request: Request,
  outputText: string,
  outputLength: number,
  images: ImagePricing,
): Usage {
  const kept = textTokens(outputText);
  const output = outputText.length >= outputLength
    ? kept
    : Math.ceil(kept * (outputLength / Math.max(1, outputText.length)));
  return {
    inputTokens: estimateRequestTokens(request, images),
    outputTokens: output,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}

/** The text of a whole answer, as counted for output tokens. */
export function responseText(response: Response): string {
  let text = "";
  for (const part of response.content) {
    if (part.type === "text" || part.type === "thinking") text += part.text;
    else if (part.type === "tool_call") text += part.name + JSON.stringify(part.input);
  }
  return text;
}

/**
 * Wraps a stream encoder so that, when the upstream's stream carries no usage, the closing
 * `message_delta` the caller receives holds an estimate (from the request and the text written)
 * instead of zeros; `estimated()` gives it for the log and the stats.
 */
export function estimatingEncoder(
  out: StreamEncoder,
  request: Request,
  images: ImagePricing,
): { encoder: StreamEncoder; estimated(): Usage | undefined } {
  let kept = "";
  let length = 0;
  let estimate: Usage | undefined;
  const keep = (piece: string) => {
    length += piece.length;
    if (kept.length < MAX_KEPT) kept += piece;
  };
  return {
    encoder: {
      contentType: out.contentType,
      ...(out.keepAlive ? { keepAlive: () => out.keepAlive!() } : {}),
      encode(event: StreamEvent): string {
        if (event.type === "block_delta") {
          const d = event.delta;
          if (d.type === "text" || d.type === "thinking") keep(d.text);
          else if (d.type === "tool_args") keep(d.json);
        } else if (event.type === "block_start" && event.block.type === "tool_call") {
          keep(event.block.name);
        } else if (event.type === "message_delta" && usageMissing(event.usage)) {
          estimate = estimateUsage(request, kept, length, images);
          return out.encode({ ...event, usage: estimate });
        }
        return out.encode(event);
      },
    },
    estimated: () => estimate,
  };
}
