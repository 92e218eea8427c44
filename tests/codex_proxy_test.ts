/**
 * The real Codex CLI (`codex exec`, headless and offline: tests/_codex.ts) through the proxy to a
 * local mock upstream of another dialect: the model asks for a shell command, Codex runs it and
 * sends the output back, and prints the model's answer; on a model name Codex knows, it also
 * searches its deferred tools, calls the MCP tool it found (a namespaced call) and applies a
 * patch, each asked for by a Chat Completions upstream. Skipped only where the binary cannot be
 * installed.
 */
import assert from "node:assert/strict";
import { codexBinary, type CodexRun, mcpStubConfig, runCodex } from "./_codex.ts";
import { json, type Mock, type Received, sse, startMock, startProxy } from "./_harness.ts";
import { type Dialect, startScriptedUpstream, USAGE } from "./_scripted_upstream.ts";

const KEY = "sk-codex-proxy-0123456789";
// The output only a real shell produces: the command line itself never contains "codex-42".
const COMMAND = "printf 'codex-%s\\n' $((6 * 7))";
const ANSWER = "The shell printed codex-42.";
const PATCH =
  "*** Begin Patch\n*** Add File: zebra.txt\n+zebra: a stub definition\n*** End Patch\n";

function context(run: CodexRun): string {
  return `exit ${run.exitCode}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

/** The proxy serving `model` on `mock`, an upstream of `dialect`. */
function proxyFor(mock: Mock, dialect: Dialect, model: string) {
  const apiBase = dialect === "anthropic" ? mock.url : `${mock.url}/v1`;
  return startProxy(`
- model_id: ${model}
  model_name: upstream-model
  api_base: ${apiBase}
  format: ${dialect}
  max_tokens: 8K
`);
}

/** The text of the last tool result in a request the upstream received. */
function lastResult(dialect: Dialect, body: any): string {
  if (dialect === "openai") return String(body.messages.at(-1).content);
  const content = body.messages.at(-1).content.find((b: any) => b.type === "tool_result").content;
  return typeof content === "string" ? content : content.map((p: any) => p.text).join("");
}

// ---- a Chat Completions model that plays a sequence of calls ---------------------------------

type Step = { call: string; args: Record<string, unknown> } | { text: string };

function chunk(delta: unknown, finish: string | null = null) {
  return {
    id: "chatcmpl-seq",
    object: "chat.completion.chunk",
    created: 1700000000,
    model: "upstream-model",
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

/** Step n answers the request that holds n tool results (a retried request gets the same). */
function startSequence(steps: Step[]): Mock {
  return startMock((req: Received) => {
    if (req.method !== "POST" || !req.json?.messages) return json({ error: "unexpected" }, 404);
    const done = req.json.messages.filter((m: any) => m.role === "tool").length;
    const step = steps[Math.min(done, steps.length - 1)];
    const usage = { prompt_tokens: USAGE.input, completion_tokens: USAGE.output };
    const body = "text" in step
      ? [chunk({ role: "assistant", content: step.text }), chunk({}, "stop")]
      : [
        chunk({
          role: "assistant",
          content: null,
          tool_calls: [{
            index: 0,
            id: `call_step_${done}`,
            type: "function",
            function: { name: step.call, arguments: JSON.stringify(step.args) },
          }],
        }),
        chunk({}, "tool_calls"),
      ];
    return sse([
      ...body.map((c) => `data: ${JSON.stringify(c)}\n\n`),
      `data: ${JSON.stringify({ ...chunk({}), choices: [], usage })}\n\n`,
      "data: [DONE]\n\n",
    ]);
  });
}

Deno.test("Codex CLI through the proxy: shell round trips on other dialects, MCP and apply_patch (skipped where @openai/codex cannot be installed)", async (t) => {
  const binary = await codexBinary();
  const skip = "skip" in binary ? binary.skip : undefined;
  if (skip) console.log(`Codex proxy test skipped: ${skip}`);

  for (const dialect of ["openai", "anthropic"] as const) {
    await t.step({
      name:
        `Codex → proxy → ${dialect} upstream: the model's shell command runs, its output goes back`,
      ignore: skip !== undefined,
      fn: async () => {
        const mock = startScriptedUpstream(dialect, {
          tool: "exec_command",
          input: { cmd: COMMAND },
          thinking: "Run the command to find the magic word.",
          finalText: ANSWER,
        });
        const proxy = proxyFor(mock, dialect, "deepseek-chat");
        try {
          const run = await runCodex({
            baseUrl: `${proxy.url}/openai/v1`,
            key: KEY,
            model: "deepseek-chat",
            prompt: "Run the shell command that prints the magic word, then say what it printed.",
            streamMaxRetries: 0,
          });
          assert.equal(run.timedOut, false, context(run));
          assert.equal(run.exitCode, 0, context(run));
          assert.ok(run.stdout.includes(ANSWER), context(run));
          // Codex 0.171 on an env_key provider sends its turns only: no `GET /models` probe.
          assert.deepEqual(run.requests.map((r) => `${r.method} ${r.path}`), [
            "POST /openai/v1/responses",
            "POST /openai/v1/responses",
          ]);
          const calls = mock.received.filter((r) => r.method === "POST");
          assert.equal(calls.length, 2, context(run));
          for (const call of calls) {
            const auth = dialect === "openai"
              ? call.headers.get("authorization")
              : call.headers.get("x-api-key");
            assert.equal(auth, dialect === "openai" ? `Bearer ${KEY}` : KEY);
            assert.equal(call.json.model, "upstream-model");
          }
          // The call went back under its own id with the shell's real output.
          const second = calls[1].json;
          const result = lastResult(dialect, second);
          assert.match(result, /codex-42/);
          assert.match(result, /exited with code 0/);
          assert.equal(proxy.logs.filter((l) => l.includes("deepseek-chat")).length >= 2, true);
        } finally {
          await proxy.close();
          await mock.close();
        }
      },
    });
  }

  await t.step({
    name:
      "Codex → proxy → Chat Completions on gpt-5.5: tool_search, the namespaced MCP call, apply_patch",
    ignore: skip !== undefined,
    fn: async () => {
      const cwd = await Deno.makeTempDir({ prefix: "codex-proxy-" });
      const mock = startSequence([
        { call: "tool_search", args: { query: "look up a word", limit: 3 } },
        { call: "mcp__stub__lookup_word", args: { word: "zebra" } },
        { call: "apply_patch", args: { input: PATCH } },
        { text: "Saved the definition to zebra.txt." },
      ]);
      const proxy = proxyFor(mock, "openai", "gpt-5.5");
      try {
        const run = await runCodex({
          baseUrl: `${proxy.url}/openai/v1`,
          key: KEY,
          model: "gpt-5.5",
          cwd,
          prompt: "Look up zebra in the stub dictionary and save the definition to zebra.txt.",
          extraConfig: mcpStubConfig(),
          streamMaxRetries: 0,
        });
        assert.equal(run.exitCode, 0, context(run));
        assert.match(run.stdout, /Saved the definition to zebra\.txt\./, context(run));
        assert.match(run.stderr, /mcp: stub\/lookup_word \(completed\)/, context(run));
        assert.equal(await Deno.readTextFile(`${cwd}/zebra.txt`), "zebra: a stub definition\n");
        const bodies = mock.received.filter((r) => r.method === "POST").map((r) => r.json);
        assert.equal(bodies.length, 4, context(run));
        const declared = (body: any) => body.tools.map((tool: any) => tool.function.name);
        assert.ok(declared(bodies[0]).includes("tool_search"));
        assert.ok(declared(bodies[0]).includes("apply_patch"));
        assert.ok(!declared(bodies[0]).includes("mcp__stub__lookup_word"), "deferred at first");
        assert.ok(declared(bodies[1]).includes("mcp__stub__lookup_word"), "found by the search");
        const results = bodies[3].messages.filter((m: any) => m.role === "tool");
        assert.deepEqual(results.map((m: any) => m.tool_call_id), [
          "call_step_0",
          "call_step_1",
          "call_step_2",
        ]);
        assert.match(results[1].content, /zebra: a stub definition/);
        assert.match(results[2].content, /Success/);
      } finally {
        await proxy.close();
        await mock.close();
        await Deno.remove(cwd, { recursive: true }).catch(() => {});
      }
    },
  });
});
