/** The wire fixtures (tests/fixtures/) and what their streams carry, as the quirk files read them. */

/** Reads a fixture file as text (`tests/fixtures/<path>`). */
export function fixture(path: string): string {
  return Deno.readTextFileSync(new URL(`../fixtures/${path}`, import.meta.url));
}

/** Reads a JSON fixture. */
export function fixtureJson(path: string): any {
  return JSON.parse(fixture(path));
}

/** The DeepSeek stream's blocks, as the fixture's pieces join. */
export const DEEPSEEK = [
  {
    type: "thinking",
    text:
      "The user wants the second tool call kept. I should read the decoder first and search for where `tool_calls[0]` is used.",
    signature: "proxy:v1",
  },
  {
    type: "text",
    text: "I'll read the decoder and search for the `[0]` index at the same time.",
  },
  {
    type: "tool_call",
    id: "call_00_Jt7bN1uYqzO0Hs2vD3kWfPmA",
    name: "read_file",
    args: { path: "docs/résumé – notes.md", offset: 1200, limit: 80 },
  },
  {
    type: "tool_call",
    id: "call_01_Rk2cE8wLx5Zq9Gm4Tn6Vb0Ud",
    name: "grep",
    args: {
      pattern: "tool_calls\\?\\.\\[0\\]",
      path: "src/stream",
      max_results: 25,
      case_sensitive: false,
    },
  },
];

/** The Anthropic fixture stream's thinking, text and calls. */
export const ANTHROPIC_STREAM = {
  thinking:
    "The grep shows decode_openai.ts:41 reads only `tool_calls?.[0]`. DeepSeek put the tail of call 0 and the head of call 1 in the same delta array, so call 1's id and name were never seen and its argument pieces were appended to call 0 or dropped.\n\nFix: map over every entry of `delta.tool_calls`. Then add the capture as a fixture and run the test again.",
  text:
    "Found it: `decodeOpenAI` only reads the first entry of `delta.tool_calls` (src/stream/decode_openai.ts:41). DeepSeek sends the end of one call and the start of the next in the same delta, so the second call never gets its id. Fixing the decoder and re-running the test.",
  calls: [
    {
      type: "tool_call",
      id: "toolu_01HqV4mZ8kTn2RbX6cWd9JyE",
      name: "Edit",
      args: {
        file_path: "/home/mara/src/tasklane/src/stream/decode_openai.ts",
        old_string:
          "    const tc = choice?.delta.tool_calls?.[0];\n    const toolCalls: ToolCallDelta[] = tc\n      ? [{ index: tc.index, id: tc.id, name: tc.function?.name, arguments: tc.function?.arguments }]\n      : [];",
        new_string:
          "    const toolCalls: ToolCallDelta[] = (choice?.delta.tool_calls ?? []).map((tc) => ({\n      index: tc.index,\n      id: tc.id,\n      name: tc.function?.name,\n      arguments: tc.function?.arguments,\n    }));",
      },
    },
    {
      type: "tool_call",
      id: "toolu_01PzL3sG7vYe5QaM1nKf8UoB",
      name: "Bash",
      args: {
        command: "npm test -- src/stream 2>&1 | tail -n 40",
        description: "Re-run stream tests",
        timeout: 120000,
      },
    },
  ],
};
