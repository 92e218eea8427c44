/**
 * What of a converted request each model entry may receive, whichever dialect it came in; used
 * for the upstream call and for an upstream's token counter alike.
 */
import type { ModelEntry } from "../config/models.ts";
import { CODECS } from "../dialects.ts";
import { withoutBillingHeader } from "../ir/billing_header.ts";
import { withoutMedia } from "../ir/text_only.ts";
import type { Converted, Request } from "../ir/types.ts";

/**
 * The request as this model may receive it, whichever dialect it came in: Claude Code's billing
 * line only for upstreams whose dialect keeps it (elsewhere its nonce defeats the prefix cache),
 * and text placeholders for media a `vision: false` model cannot read.
 */
export function requestForModel(request: Request, model: ModelEntry): Converted<Request> {
  let value = request;
  if (!CODECS[model.dialect].upstream.keepsBillingHeader) {
    const system = withoutBillingHeader(request.system);
    if (system !== request.system) value = { ...value, system };
  }
  if (model.vision) return { value, warnings: [] };
  return withoutMedia(value);
}
