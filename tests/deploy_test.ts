/**
 * The other two ways to run the proxy: `deno serve --parallel main.ts` (Deno's own multi-core
 * serving through `export default { fetch }`) and the `deno compile` binary.
 */
import assert from "node:assert/strict";
import { json, startMock } from "./_harness.ts";

const ROOT = new URL("..", import.meta.url).pathname;

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitForHealth(url: string, child: Deno.ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const response = await fetch(`${url}/health`);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error("the server did not come up");
}

Deno.test("deno serve --parallel main.ts serves requests through to the upstream", async () => {
  const mock = startMock(() =>
    json({
      id: "c",
      object: "chat.completion",
      created: 1,
      model: "up",
      choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
    })
  );
  const dir = await Deno.makeTempDir();
  const models = `${dir}/models.yaml`;
  await Deno.writeTextFile(models, `- model_id: m\n  model_name: up\n  api_base: ${mock.url}\n`);
  await Deno.writeTextFile(`${dir}/config.json`, "{}");
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "serve",
      "--parallel",
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--allow-net",
      "--allow-read",
      "--allow-env",
      `--allow-write=${dir}`,
      "main.ts",
    ],
    cwd: ROOT,
    env: {
      CUSTOM_MODELS_FILE: models,
      CONFIG_FILE: `${dir}/config.json`,
      DENO_SERVE: "1",
      DENO_JOBS: "2",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child);
    const answers = await Promise.all(Array.from({ length: 8 }, async () => {
      const response = await fetch(`${url}/openai/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: "Bearer sk-parallel-test" },
        body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
      });
      return await response.json();
    }));
    for (const answer of answers) {
      assert.equal(answer.model, "m");
      assert.equal(answer.choices[0].message.content, "ok");
    }
    assert.equal(mock.received.length, 8);
  } finally {
    child.kill();
    await child.status;
    await mock.close();
  }
});

/** The words of a task of deno.json. */
async function taskWords(name: string): Promise<string[]> {
  const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks;
  return String(tasks[name]).split(/\s+/);
}

/** A `deno …` task of deno.json as the arguments to give `deno`. */
async function taskArgs(name: string): Promise<string[]> {
  const words = await taskWords(name);
  assert.equal(words[0], "deno", `the ${name} task runs deno`);
  return words.slice(1);
}

async function v8Flags(name: string): Promise<string[]> {
  const flag = (await taskWords(name)).find((word) => word.startsWith("--v8-flags="));
  return flag ? flag.slice("--v8-flags=".length).split(",") : [];
}

Deno.test("deno.json's start, serve and compile tasks pass the same V8 flags", async () => {
  // Which flags is the user's choice (docs/operations.md, Start-up); the three ways to run must
  // not differ.
  const start = await v8Flags("start");
  assert.deepEqual(await v8Flags("serve"), start);
  assert.deepEqual(await v8Flags("compile"), start);
});

Deno.test("deno task compile builds a binary that serves (skipped where Deno's runtime cannot be downloaded)", async (t) => {
  const output = `${await Deno.makeTempDir()}/proxy`;
  // The task's own command, V8 flags included, with the binary written elsewhere.
  const args = await taskArgs("compile");
  const at = args.indexOf("--output");
  assert.ok(at >= 0 && at + 1 < args.length, `the compile task names its --output: ${args}`);
  args[at + 1] = output;
  const result = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(result.stderr);
  // Only a failed download of the runtime itself skips: any other failure fails the test.
  const unreachable = !result.success &&
    /error sending request for url \(https:\/\/dl\.deno\.land\/[^)]*denort/i.test(stderr);
  if (unreachable) {
    const reason = stderr.split("\n").find((l) => /error sending request/i.test(l))?.trim();
    console.log(`compile skipped: deno compile could not download Deno's runtime (${reason})`);
  }
  await t.step({
    name: "the compiled binary starts and answers /health",
    ignore: unreachable,
    fn: async () => {
      assert.ok(result.success, stderr);
      const port = freePort();
      // In a fresh folder: the task's --allow-write=usage.sqlite is for the ledger there.
      const child = new Deno.Command(output, {
        args: ["--port", String(port), "--models", `${ROOT}models.yaml`],
        cwd: await Deno.makeTempDir(),
        stdout: "null",
        stderr: "null",
      }).spawn();
      try {
        await waitForHealth(`http://127.0.0.1:${port}`, child);
      } finally {
        child.kill();
        await child.status;
      }
    },
  });
  await Deno.remove(output).catch(() => {});
});
