import assert from "node:assert/strict";
import { modelList } from "./models.ts";

Deno.test("modelList() writes Anthropic's model list with ISO dates", () => {
  const list = modelList([
    {
      id: "claude-sonnet",
      displayName: "Sonnet via proxy",
      contextTokens: 200000,
      maxOutputTokens: 8192,
      created: 1700000000,
    },
    { id: "gpt-4o", displayName: "gpt-4o", maxOutputTokens: 16000, created: 0 },
  ]);
  assert.deepEqual(list, {
    data: [
      {
        type: "model",
        id: "claude-sonnet",
        display_name: "Sonnet via proxy",
        created_at: "2023-11-14T22:13:20.000Z",
        max_input_tokens: 200000,
        max_tokens: 8192,
      },
      {
        type: "model",
        id: "gpt-4o",
        display_name: "gpt-4o",
        created_at: "1970-01-01T00:00:00.000Z",
        max_tokens: 16000,
      },
    ],
    has_more: false,
    first_id: "claude-sonnet",
    last_id: "gpt-4o",
  });
});

Deno.test("modelList() gives null first and last ids for no models", () => {
  assert.deepEqual(modelList([]), { data: [], has_more: false, first_id: null, last_id: null });
});
