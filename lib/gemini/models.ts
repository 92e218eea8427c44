/** The configured models as Gemini's `GET /v1beta/models` list. */
import type { ModelInfo } from "../ir/codec.ts";

/** `{models: [...]}` in Gemini's shape, so Gemini clients can list and pick a model. */
export function modelList(models: ModelInfo[]): Record<string, unknown> {
  return {
    models: models.map((model) => ({
      name: `models/${model.id}`,
      version: "001",
      displayName: model.displayName,
      ...(model.contextTokens !== undefined ? { inputTokenLimit: model.contextTokens } : {}),
      outputTokenLimit: model.maxOutputTokens,
      supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
    })),
  };
}
