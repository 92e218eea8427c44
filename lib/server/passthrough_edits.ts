/**
 * What a same-dialect body needs for the model it goes to, before the model name and the output
 * cap: thinking as the model's `thinking_style` asks (where the dialect can restyle it), media
 * replaced for a model that cannot read them (`vision: false`), and the output cap fitted to its
 * `context`. Only what the entry asks for is done: an entry with none of these keys costs nothing.
 */
import type { ModelEntry } from "../config/models.ts";
import type { DialectCodec } from "../ir/codec.ts";
import { mediaWarning } from "../ir/media_placeholder.ts";
import type { Request } from "../ir/types.ts";
import { estimateRequestTokens } from "../tokens/estimate.ts";
import { outputCap } from "./context_window.ts";

export interface PassthroughEdits {
  body: Record<string, unknown>;
  /** The output cap to apply: the model's, or less to fit its context window. */
  maxTokens: number;
  warnings: string[];
  /** The request's estimated input tokens, when it can be read (for an overflow error). */
  estimate: () => number | undefined;
}

/**
 * The edited body (a copy when anything changed; the caller's own object is never touched).
 * `codec` is the dialect of the body and of the model's upstream alike.
 */
export function editForModel(
  codec: DialectCodec,
  model: ModelEntry,
  body: Record<string, unknown>,
): PassthroughEdits {
  const warnings: string[] = [];
  let out = body;
  const restyle = codec.passthrough.restyleThinking;
  if (restyle && model.thinkingStyle) {
    out = { ...out };
    restyle(out, model.thinkingStyle);
  }
  if (!model.vision) {
    const edited = codec.passthrough.withoutMedia(out);
    if (edited.replaced > 0) warnings.push(mediaWarning(edited.replaced));
    out = edited.body;
  }
  let request: Request | undefined | null; // null: the body could not be read
  const decoded = () => {
    if (request !== undefined) return request ?? undefined;
    try {
      const options = { model: model.modelId, stream: false, passThrough: true };
      request = codec.decodeRequest(out, options).value;
    } catch {
      request = null; // the upstream judges a body the proxy's decoder cannot read
    }
    return request ?? undefined;
  };
  let maxTokens = model.maxTokens;
  if (model.contextTokens !== undefined) {
    const read = decoded();
    if (read) maxTokens = outputCap(read, model);
  }
  const estimate = () => {
    const read = decoded();
    return read && estimateRequestTokens(read, codec.imageTokens);
  };
  return { body: out, maxTokens, warnings, estimate };
}
