/**
 * Start-up as a user runs it: `main.ts` as a real process with flags, environment and config
 * files; broken configuration stops it with one line naming the file, the entry and the problem.
 */
import assert from "node:assert/strict";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

async function tempFile(text: string, suffix: string): Promise<string> {
  const path = await Deno.makeTempFile({ suffix });
  await Deno.writeTextFile(path, text);
  return path;
}

/** Runs main.ts to completion (for configurations that must fail). */
async function runMain(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", MAIN, ...args],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr).trim() };
}

/** Starts main.ts and waits for its start-up line. */
async function startMain(args: string[], env: Record<string, string> = {}) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", "--allow-read", "--allow-env", MAIN, ...args],
    cwd: ROOT,
    env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  const line = seen.split("\n")[0];
  return {
    line,
    async stop() {
      child.kill();
      await reader.cancel();
      await child.status;
    },
  };
}

const GOOD_MODELS = `
- model_id: a
  api_base: http://127.0.0.1:9/v1
- model_id: b
  api_base: https://api.anthropic.com
`;

Deno.test("main.ts prints one start-up line with the address and the number of models", async () => {
  const models = await tempFile(GOOD_MODELS, ".yaml");
  const server = await startMain(["--port", "0", "--models", models]);
  try {
    assert.match(server.line, /^Listening on http:\/\/127\.0\.0\.1:\d+, serving 2 models; /);
  } finally {
    await server.stop();
  }
});

Deno.test("main.ts: flags win over environment, environment over config.json", async () => {
  const models = await tempFile(GOOD_MODELS, ".yaml");
  const config = await tempFile(JSON.stringify({ host: "0.0.0.0", port: 1 }), ".json");
  const server = await startMain(["--port", "0", "--config", config], {
    HOST: "127.0.0.1",
    CUSTOM_MODELS_FILE: models,
  });
  try {
    assert.match(server.line, /^Listening on http:\/\/127\.0\.0\.1:\d+, serving 2 models; /);
  } finally {
    await server.stop();
  }
});

Deno.test("main.ts stops with one line and a non-zero exit on each broken configuration", async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ["bad YAML", "- model_id: a\n  api_base: [unclosed", /^Cannot parse .*\.yaml: /],
    [
      "unknown format",
      "- model_id: a\n  api_base: http://x\n  format: cohere",
      /entry 1 \("a"\): unknown format "cohere"/,
    ],
    ["missing api_base", "- model_id: a\n  model_name: b", /entry 1 \("a"\): no "api_base"/],
    [
      "duplicate model_id",
      "- model_id: a\n  api_base: http://x\n- model_id: a\n  api_base: http://y",
      /entry 2: duplicate model_id "a"/,
    ],
    [
      "bad max_tokens",
      "- model_id: a\n  api_base: http://x\n  max_tokens: lots",
      /"max_tokens" is not a token count/,
    ],
  ];
  for (const [name, yaml, expected] of cases) {
    await t.step(name, async () => {
      const models = await tempFile(yaml, ".yaml");
      const { code, stderr } = await runMain(["--models", models]);
      assert.notEqual(code, 0);
      assert.equal(stderr.split("\n").length, 1, stderr);
      assert.match(stderr, expected);
      assert.ok(stderr.includes(models), "names the file");
    });
  }
  await t.step("unknown config.json key", async () => {
    const config = await tempFile(JSON.stringify({ prot: 1 }), ".json");
    const { code, stderr } = await runMain(["--config", config]);
    assert.notEqual(code, 0);
    assert.match(stderr, /unknown key "prot"/);
  });
  await t.step("log_file_path without write permission", async () => {
    const config = await tempFile(
      JSON.stringify({ log_file_path: "/tmp/proxy-no-write.log" }),
      ".json",
    );
    const { code, stderr } = await runMain(["--config", config]);
    assert.notEqual(code, 0);
    assert.equal(stderr.split("\n").length, 1, stderr);
    assert.match(stderr, /Cannot open log_file_path .*--allow-write/);
  });
  await t.step("unknown flag", async () => {
    const { code, stderr } = await runMain(["--prot", "1"]);
    assert.notEqual(code, 0);
    assert.match(stderr, /Unknown argument "--prot"/);
  });
});

Deno.test("the shipped models.yaml and config.json load", async () => {
  const server = await startMain(["--port", "0"]);
  try {
    assert.match(server.line, /^Listening on http:\/\/127\.0\.0\.1:\d+, serving \d+ models; /);
  } finally {
    await server.stop();
  }
});
