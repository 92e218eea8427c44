/** The configured models as Gemini's `GET /v1beta/models` list, and one model. */
import type { ModelInfo } from "../ir/codec.ts";

/** One model in Gemini's shape, so Gemini clients can list and pick it. */
export function modelInfo(model: ModelInfo): Record<string, unknown> {
  return {
    name: `models/${model.id}`,
    version: "001",
    displayName: model.displayName,
    ...(model.contextTokens !== undefined ? { inputTokenLimit: model.contextTokens } : {}),
    outputTokenLimit: model.maxOutputTokens,
    supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
  };
}

/** `{models: [...]}`. */
export function modelList(models: ModelInfo[]): Record<string, unknown> {
  return { models: models.map(modelInfo) };
}
