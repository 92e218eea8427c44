/** The configured models as Anthropic's `GET /v1/models` list, and one of them. */
import type { ModelInfo } from "../ir/codec.ts";

/** One model: `{type: "model", id, display_name, created_at, …}`. */
export function modelInfo(model: ModelInfo): Record<string, unknown> {
  return {
    type: "model",
    id: model.id,
    display_name: model.displayName,
    created_at: new Date(model.created * 1000).toISOString(),
    ...(model.contextTokens !== undefined ? { max_input_tokens: model.contextTokens } : {}),
    max_tokens: model.maxOutputTokens,
  };
}

/** `{data, has_more, first_id, last_id}`; `created` is read as Unix seconds. */
export function modelList(models: ModelInfo[]): Record<string, unknown> {
  const data = models.map(modelInfo);
  return {
    data,
    has_more: false,
    first_id: data.at(0)?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  };
}
