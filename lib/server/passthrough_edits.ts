/**
 * What a same-dialect body needs for the model it goes to, before the model name and the output
 * cap: thinking as the model's `thinking_style` asks (Anthropic), media replaced for a model that
 * cannot read them (`vision: false`), and the output cap fitted to its `context`. Only what the
 * entry asks for is done: an entry with none of these keys costs nothing.
 */
import type { ModelEntry } from "../config/models.ts";
import { withoutMedia as anthropicWithoutMedia } from "../anthropic/text_only.ts";
import { restyleThinking } from "../anthropic/restyle_thinking.ts";
import { withoutMedia as geminiWithoutMedia } from "../gemini/text_only.ts";
import { type MediaEdit, mediaWarning } from "../ir/media_placeholder.ts";
import type { Dialect, Request } from "../ir/types.ts";
import { withoutMedia as openaiWithoutMedia } from "../openai/text_only.ts";
import { estimateRequestTokens } from "../tokens/estimate.ts";
import { CODECS } from "./codecs.ts";
import { outputCap } from "./context_window.ts";

export interface PassthroughEdits {
  body: Record<string, unknown>;
  /** The output cap to apply: the model's, or less to fit its context window. */
  maxTokens: number;
  warnings: string[];
  /** The request's estimated input tokens, when it can be read (for an overflow error). */
  estimate: () => number | undefined;
}

/** The edited body (a copy when anything changed; the caller's own object is never touched). */
export function editForModel(
  dialect: Dialect,
  model: ModelEntry,
  body: Record<string, unknown>,
): PassthroughEdits {
  const warnings: string[] = [];
  let out = body;
  if (dialect === "anthropic" && model.thinkingStyle) {
    out = { ...out };
    restyleThinking(out, model.thinkingStyle);
  }
  if (!model.vision) out = withoutMedia(dialect, out, warnings);
  let request: Request | undefined | null; // null: the body could not be read
  const decoded = () => {
    if (request !== undefined) return request ?? undefined;
    try {
      request = CODECS[dialect].decodeRequest(out, { model: model.modelId, stream: false }).value;
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
    return read && estimateRequestTokens(read, model.format);
  };
  return { body: out, maxTokens, warnings, estimate };
}

/** Where each dialect keeps its conversation, and how its media are replaced. */
const MEDIA_LISTS: Record<Dialect, { key: string; edit: (list: unknown) => MediaEdit }> = {
  anthropic: { key: "messages", edit: anthropicWithoutMedia },
  openai: { key: "messages", edit: openaiWithoutMedia },
  gemini: { key: "contents", edit: geminiWithoutMedia },
};

function withoutMedia(
  dialect: Dialect,
  body: Record<string, unknown>,
  warnings: string[],
): Record<string, unknown> {
  const { key, edit } = MEDIA_LISTS[dialect];
  const { list, replaced } = edit(body[key]);
  if (replaced === 0) return body;
  warnings.push(mediaWarning(replaced));
  return { ...body, [key]: list };
}
