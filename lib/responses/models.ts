/**
 * The model list a Responses caller sees at `GET /v1/models`: the OpenAI list, and the same ids
 * under `models`, where Codex's start-up probe looks for them (`slug`).
 */
import type { ModelInfo } from "../ir/codec.ts";
import { modelList as openaiModelList } from "../openai/models.ts";

/** `{object: "list", data: [...], models: [{slug, display_name, context_window}]}`. */
export function modelList(models: ModelInfo[]): Record<string, unknown> {
  return {
    ...openaiModelList(models),
    models: models.map((m) => ({
      slug: m.id,
      display_name: m.displayName,
      context_window: m.contextTokens ?? null,
    })),
  };
}
