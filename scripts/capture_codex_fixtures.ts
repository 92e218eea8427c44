/**
 * Writes tests/fixtures/requests/codex_*.json from what the real Codex CLI sends: three scripted
 * sessions against a mock Responses server on 127.0.0.1, with paths, ids and the key replaced by
 * neutral values. Run it after bumping CODEX_VERSION (naming sessions runs only those):
 *
 *   deno run --allow-all scripts/capture_codex_fixtures.ts [tools] [mcp] [tool_search]
 */
import { CODEX_VERSION, type CodexRun, mcpStubConfig, runCodex } from "../tests/_codex.ts";
import { sse, startMock } from "../tests/_harness.ts";
import { responsesStream } from "../tests/_responses_sse.ts";

const OUT = new URL("../tests/fixtures/requests/", import.meta.url);

type Item = Record<string, unknown>;

function reasoning(n: number, title: string, text: string): Item {
  return {
    id: `rs_${n}a1b2c3d4e5f60718293a4b5c6d7e8f9`,
    type: "reasoning",
    summary: [{ type: "summary_text", text: `**${title}**\n\n${text}` }],
    encrypted_content: btoa(`mock encrypted reasoning ${n} for the codex fixtures`),
  };
}

function message(n: number, text: string): Item {
  return {
    id: `msg_${n}a1b2c3d4e5f60718293a4b5c6d7e8f9`,
    type: "message",
    role: "assistant",
    status: "completed",
    content: [{ type: "output_text", text, annotations: [] }],
  };
}

/** Shell, then apply_patch (a custom tool), then text; on a model in Codex's own catalog. */
const TOOLS_SESSION: Item[][] = [
  [
    reasoning(0, "Running the command", "The user wants the echo run; I call exec_command."),
    {
      id: "fc_0a1b2c3d4e5f60718293a4b5c6d7e8f9",
      type: "function_call",
      status: "completed",
      call_id: "call_Xy12AbCdEf34GhIjKl56MnOp",
      name: "exec_command",
      arguments: JSON.stringify({ cmd: "echo hello-from-shell", yield_time_ms: 1000 }),
    },
  ],
  [
    reasoning(1, "Writing the note", "The command worked; I add notes.txt with apply_patch."),
    {
      id: "ctc_1a1b2c3d4e5f60718293a4b5c6d7e8f9",
      type: "custom_tool_call",
      status: "completed",
      call_id: "call_Qr78StUvWx90YzAbCd12EfGh",
      name: "apply_patch",
      input: "*** Begin Patch\n*** Add File: notes.txt\n+hello-from-shell\n*** End Patch\n",
    },
  ],
  [message(2, "The command printed hello-from-shell, and notes.txt now holds it.")],
];

/** An MCP tool called through its namespace, on a model Codex does not know. */
const MCP_SESSION: Item[][] = [
  [{
    id: "fc_3a1b2c3d4e5f60718293a4b5c6d7e8f9",
    type: "function_call",
    status: "completed",
    call_id: "call_Ij34KlMnOp56QrStUv78WxYz",
    namespace: "mcp__stub",
    name: "lookup_word",
    arguments: JSON.stringify({ word: "zebra" }),
  }],
  [message(4, "The stub dictionary defines zebra.")],
];

/**
 * On a model in Codex's catalog the MCP tools are deferred: the model finds them with the
 * client-run `tool_search`. Its reasoning comes as raw `reasoning_text` with no
 * `encrypted_content`, as an upstream without proofs would send it.
 */
const TOOL_SEARCH_SESSION: Item[][] = [
  [
    {
      id: "rs_5a1b2c3d4e5f60718293a4b5c6d7e8f9",
      type: "reasoning",
      summary: [],
      content: [{ type: "reasoning_text", text: "The dictionary tool is deferred; search it." }],
    },
    {
      id: "tsc_5a1b2c3d4e5f60718293a4b5c6d7e8f9",
      type: "tool_search_call",
      status: "completed",
      call_id: "call_Ts56UvWxYz78AbCdEf90GhIj",
      execution: "client",
      arguments: { query: "look up a word in a dictionary", limit: 3 },
    },
  ],
  [{
    id: "fc_6a1b2c3d4e5f60718293a4b5c6d7e8f9",
    type: "function_call",
    status: "completed",
    call_id: "call_Kl90MnOpQr12StUvWx34YzAb",
    namespace: "mcp__stub",
    name: "lookup_word",
    arguments: JSON.stringify({ word: "zebra" }),
  }],
  [message(7, "The stub dictionary defines zebra.")],
];

async function session(
  turns: Item[][],
  options: { model: string; prompt: string; extraConfig?: string },
): Promise<CodexRun> {
  let turn = 0;
  const mock = startMock(() => {
    const items = turns[Math.min(turn, turns.length - 1)];
    turn++;
    return sse([responsesStream(items, { id: `resp_${turn}`, model: options.model })]);
  });
  try {
    const run = await runCodex({ baseUrl: `${mock.url}/openai/v1`, key: "sk-capture", ...options });
    if (run.exitCode !== 0 || turn !== turns.length) {
      throw new Error(`Codex stopped after ${turn} turns (exit ${run.exitCode}):\n${run.stderr}`);
    }
    return run;
  } finally {
    await mock.close();
  }
}

/** Neutral UUIDs per session, so that one session's turns keep naming the same ids. */
const neutralIds = new WeakMap<CodexRun, Map<string, string>>();

/** Replaces this machine's paths and every UUID (session, turn, item ids) with neutral values. */
function neutralize(run: CodexRun, body: unknown): unknown {
  let text = JSON.stringify(body)
    .replaceAll(run.cwd, "/home/user/project")
    .replaceAll(run.home, "/home/user");
  if (!neutralIds.has(run)) neutralIds.set(run, new Map());
  const ids = neutralIds.get(run)!;
  text = text.replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
    (uuid) => {
      if (!ids.has(uuid)) {
        const n = (ids.size + 1).toString(16).padStart(12, "0");
        ids.set(uuid, `00000000-0000-7000-8000-${n}`);
      }
      return ids.get(uuid)!;
    },
  );
  return JSON.parse(text);
}

async function write(name: string, run: CodexRun, index: number): Promise<void> {
  const posts = run.requests.filter((r) => r.method === "POST");
  const body = neutralize(run, posts[index].body);
  await Deno.writeTextFile(new URL(name, OUT), JSON.stringify(body, null, 2) + "\n");
  console.log(`wrote ${name} (Codex ${CODEX_VERSION}, turn ${index + 1})`);
}

const wanted = (name: string) => Deno.args.length === 0 || Deno.args.includes(name);

if (wanted("tools")) {
  const tools = await session(TOOLS_SESSION, {
    model: "gpt-5.5",
    prompt: "Run echo hello-from-shell, then save its output to notes.txt.",
  });
  await write("codex_request.json", tools, 0);
  await write("codex_request_turn2.json", tools, 1);
  await write("codex_request_turn3.json", tools, 2);
}

if (wanted("mcp")) {
  const mcp = await session(MCP_SESSION, {
    model: "deepseek-chat",
    prompt: "Look up the word zebra with the stub dictionary.",
    extraConfig: mcpStubConfig(),
  });
  await write("codex_request_mcp.json", mcp, 1);
}

if (wanted("tool_search")) {
  const search = await session(TOOL_SEARCH_SESSION, {
    model: "gpt-5.5",
    prompt: "Look up the word zebra with the stub dictionary.",
    extraConfig: mcpStubConfig(),
  });
  await write("codex_request_tool_search.json", search, 2);
}
