/** The model list an OpenAI caller sees at `GET /v1/models`, and one model. */
import type { ModelInfo } from "../ir/codec.ts";

/** `{id, object: "model", created, owned_by}`. */
export function modelInfo(m: ModelInfo): Record<string, unknown> {
  return { id: m.id, object: "model", created: m.created, owned_by: "llm-proxy" };
}

/** `{object: "list", data: [...]}`. */
export function modelList(models: ModelInfo[]): Record<string, unknown> {
  return { object: "list", data: models.map(modelInfo) };
}
