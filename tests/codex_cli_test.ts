/**
 * The real Codex CLI (`@openai/codex`, pinned in `_codex_binary.ts`) run headless against a mock
 * Responses server on 127.0.0.1: the model asks for a shell command, Codex runs it and sends its
 * output back, then prints the model's answer. Skipped only where the binary cannot be installed.
 */
import assert from "node:assert/strict";
import { codexBinary, runCodex } from "./_codex.ts";
import { type Received, sse, startMock } from "./_harness.ts";
import { responsesStream } from "./_responses_sse.ts";

const KEY = "sk-codex-test-key-0123456789";
// The output only a real shell produces: the command line itself never contains "codex-42".
const COMMAND = "printf 'codex-%s\\n' $((6 * 7))";
const CALL_ID = "call_codexShellRoundTrip01";
const ANSWER = "The shell printed codex-42.";

function inputOf(body: any): any[] {
  return Array.isArray(body?.input) ? body.input : [];
}

/** First turn: call the shell tool. Once Codex sends the call's output: answer in text. */
function answer(req: Received): Response {
  const done = inputOf(req.json).some((item) => item.type === "function_call_output");
  const items = done
    ? [{
      id: "msg_mock_answer",
      type: "message",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: ANSWER, annotations: [] }],
    }]
    : [{
      id: "fc_mock_shell",
      type: "function_call",
      status: "completed",
      call_id: CALL_ID,
      name: "exec_command",
      arguments: JSON.stringify({ cmd: COMMAND }),
    }];
  return sse([responsesStream(items, { id: done ? "resp_mock_2" : "resp_mock_1" })]);
}

function toolIds(body: any): string[] {
  return body.tools.map((t: any) => `${t.type}:${t.name ?? ""}`);
}

Deno.test("Codex CLI runs the shell command the model asks for and sends its output back (skipped where @openai/codex cannot be installed)", async (t) => {
  const binary = await codexBinary();
  const skip = "skip" in binary ? binary.skip : undefined;
  if (skip) console.log(`Codex CLI test skipped: ${skip}`);

  const mock = startMock(answer);
  try {
    await t.step({
      name: "codex exec completes the two-turn tool round trip",
      ignore: skip !== undefined,
      fn: async () => {
        const run = await runCodex({
          baseUrl: `${mock.url}/openai/v1`,
          key: KEY,
          prompt: "Run the shell command that prints the magic word, then tell me what it printed.",
        });
        const context = `exit ${run.exitCode}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
        assert.equal(run.timedOut, false, context);
        assert.equal(run.exitCode, 0, context);
        assert.ok(run.stdout.includes(ANSWER), context);

        const turns = run.requests.filter((r) => r.method === "POST");
        assert.deepEqual(turns.map((r) => r.path), [
          "/openai/v1/responses",
          "/openai/v1/responses",
        ]);
        assert.equal(mock.received.length, run.requests.length);
        for (const received of mock.received) {
          assert.equal(received.headers.get("authorization"), `Bearer ${KEY}`);
        }
        assert.ok(!JSON.stringify(run.requests).includes(KEY), "the recorder masks the key");

        const [first, second] = turns.map((r) => r.body);
        assert.equal(first.stream, true);
        assert.equal(first.store, false);
        assert.ok(toolIds(first).includes("function:exec_command"), toolIds(first).join(", "));

        const call = inputOf(second).find((item) => item.type === "function_call");
        assert.equal(call?.call_id, CALL_ID);
        assert.equal(call?.name, "exec_command");
        const output = inputOf(second).find((item) => item.type === "function_call_output");
        assert.equal(output?.call_id, CALL_ID);
        assert.equal(typeof output?.output, "string");
        assert.match(output.output, /codex-42/);
        assert.match(output.output, /exited with code 0/);
      },
    });
  } finally {
    await mock.close();
  }
});
