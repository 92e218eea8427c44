import assert from "node:assert/strict";
import { modelList } from "./models.ts";

Deno.test("modelList() answers with the OpenAI list and the same ids under models", () => {
  assert.deepEqual(
    modelList([
      {
        id: "deepseek-chat",
        displayName: "deepseek-chat",
        contextTokens: 128000,
        maxOutputTokens: 8192,
        created: 1,
      },
      { id: "gpt-5-codex", displayName: "gpt-5-codex", maxOutputTokens: 32000, created: 2 },
    ]),
    {
      object: "list",
      data: [
        { id: "deepseek-chat", object: "model", created: 1, owned_by: "llm-proxy" },
        { id: "gpt-5-codex", object: "model", created: 2, owned_by: "llm-proxy" },
      ],
      models: [
        { slug: "deepseek-chat", display_name: "deepseek-chat", context_window: 128000 },
        { slug: "gpt-5-codex", display_name: "gpt-5-codex", context_window: null },
      ],
    },
  );
});
