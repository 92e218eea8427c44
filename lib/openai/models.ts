/** The model list an OpenAI caller sees at `GET /v1/models`. */
import type { ModelInfo } from "../ir/codec.ts";

/** `{object: "list", data: [{id, object: "model", created, owned_by}]}`. */
export function modelList(models: ModelInfo[]): Record<string, unknown> {
  return {
    object: "list",
    data: models.map((m) => ({
      id: m.id,
      object: "model",
      created: m.created,
      owned_by: "llm-proxy",
    })),
  };
}
