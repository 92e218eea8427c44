/**
 * A bound on a request's estimated input tokens that costs next to nothing: every text counts as
 * many tokens as the estimate could ever give it (two per character), and shared tool definitions
 * count their estimate, made once. When input at this bound and the output cap fit the context
 * window, the estimate itself (0.2–0.7 ms for a Claude Code request) need not be made.
 */
import type { ImagePricing } from "../ir/endpoint.ts";
import type { Request } from "../ir/types.ts";
import { isShared } from "../json/remembered_tools.ts";
import { countRequestTokens, FIXED_PART_MARGIN, textTokens, toolTokens } from "./estimate.ts";

/** At least `textTokens(text)`, for any text: no character costs the estimate more than 1.6. */
export function tokensAtMost(text: string): number {
  return 2 * text.length + 1;
}

/** A number never below `estimateRequestTokens(request, images)`. */
export function inputTokensAtMost(request: Request, images: ImagePricing): number {
  const rest = countRequestTokens({ ...request, tools: [] }, tokensAtMost, images);
  let tools = 0;
  for (const tool of request.tools) {
    tools += toolTokens(tool, isShared(tool) ? textTokens : tokensAtMost);
  }
  return Math.ceil(rest.system * FIXED_PART_MARGIN) + rest.messages +
    Math.ceil(tools * FIXED_PART_MARGIN);
}
