/**
 * The real Codex CLI (`@openai/codex`, pinned in `_codex_binary.ts`) run headless against a mock
 * Responses server on 127.0.0.1: the model asks for a shell command, Codex runs it and sends its
 * output back, then prints the model's answer. Skipped only where the binary cannot be installed.
 */
import assert from "node:assert/strict";
import { CODEX_VERSION, codexBinary, type CodexRequest, runCodex } from "./_codex.ts";
import { type Received, sse, startMock } from "./_harness.ts";
import { responsesStream } from "./_responses_sse.ts";

const KEY = "sk-codex-test-key-0123456789";
// The output only a real shell produces: the command line itself never contains "codex-42".
const COMMAND = "printf 'codex-%s\\n' $((6 * 7))";
const CALL_ID = "call_codexShellRoundTrip01";
const ANSWER = "The shell printed codex-42.";

const FIXTURES = new URL("./fixtures/requests/", import.meta.url);

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

function keysOf(value: Record<string, unknown>): string[] {
  return Object.keys(value).sort();
}

function toolIds(body: any): string[] {
  return body.tools.map((t: any) => `${t.type}:${t.name ?? ""}`);
}

async function fixture(name: string): Promise<any> {
  return JSON.parse(await Deno.readTextFile(new URL(name, FIXTURES)));
}

Deno.test("Codex CLI runs the shell command the model asks for and sends its output back (skipped where @openai/codex cannot be installed)", async (t) => {
  const binary = await codexBinary();
  const skip = "skip" in binary ? binary.skip : undefined;
  if (skip) console.log(`Codex CLI test skipped: ${skip}`);
  // CODEX_BIN may name another release, whose requests the fixtures were not made from.
  const otherVersion = "version" in binary && binary.version !== CODEX_VERSION;
  if (otherVersion) {
    console.log(`Codex fixture check skipped: Codex ${binary.version} is not ${CODEX_VERSION}`);
  }

  const mock = startMock(answer);
  let turns: CodexRequest[] = [];
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

        turns = run.requests.filter((r) => r.method === "POST");
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

    await t.step({
      name: "the Codex fixtures still have the shape this Codex version sends",
      ignore: skip !== undefined || otherVersion,
      fn: async () => {
        assert.equal(turns.length, 2, "needs the round trip above");
        const [first, second] = turns.map((r) => r.body);
        const fixtureFirst = await fixture("codex_request.json");
        const fixtureSecond = await fixture("codex_request_turn2.json");
        assert.deepEqual(keysOf(first), keysOf(fixtureFirst));
        assert.deepEqual(toolIds(first), toolIds(fixtureFirst));
        // The fixture's second turn also replays a reasoning item, which this mock never sends.
        const types = (body: any) =>
          inputOf(body).map((item) => item.type).filter((type) => type !== "reasoning");
        assert.deepEqual(types(second), types(fixtureSecond));
      },
    });
  } finally {
    await mock.close();
  }
});
