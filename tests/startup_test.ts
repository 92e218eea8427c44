/**
 * Start-up as a user runs it: `main.ts` as a real process with flags, environment and config
 * files; broken configuration stops it with one line naming the file, the entry and the problem.
 */
import assert from "node:assert/strict";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;
const MODELS = `${ROOT}models.yaml`;

/** A file in a fresh folder (where a config.json's default ledger file goes too). */
async function tempFile(text: string, suffix: string): Promise<string> {
  const path = `${await Deno.makeTempDir()}/file${suffix}`;
  await Deno.writeTextFile(path, text);
  return path;
}

/**
 * The permissions of `deno task start`, with writing allowed under /tmp only: the ledger's
 * default file is beside config.json, which these tests keep in a fresh folder there.
 */
const PERMISSIONS = ["--allow-net=127.0.0.1", "--allow-read", "--allow-env", "--allow-write=/tmp"];

/** Runs main.ts to completion (for configurations that must fail), in a fresh folder. */
async function runMain(
  args: string[],
  env: Record<string, string> = {},
  permissions = PERMISSIONS,
) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, MAIN, ...args],
    cwd: await Deno.makeTempDir(),
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr).trim() };
}

/** Starts main.ts in `cwd` (a fresh folder) and waits for its start-up line. */
async function startMain(args: string[], env: Record<string, string> = {}, cwd?: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, MAIN, ...args],
    cwd: cwd ?? await Deno.makeTempDir(),
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

Deno.test("main.ts counts routers apart from models in its start-up line", async () => {
  const router = "- model_id: r\n  route:\n    - to: a\n";
  const models = await tempFile(GOOD_MODELS + router, ".yaml");
  const server = await startMain(["--port", "0", "--models", models]);
  try {
    assert.match(server.line, /, serving 2 models and 1 router; /);
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
    [
      "a router without a default",
      "- model_id: a\n  api_base: http://x\n" +
      "- model_id: r\n  route:\n    - {when: {images: true}, to: a}",
      /entry 2 \("r"\): no default: the last rule must have a "to" and no "when"/,
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
      JSON.stringify({ log_file_path: `${ROOT}proxy-no-write.log` }),
      ".json",
    );
    const { code, stderr } = await runMain(["--config", config, "--models", MODELS]);
    assert.notEqual(code, 0);
    assert.equal(stderr.split("\n").length, 1, stderr);
    assert.match(stderr, /Cannot open log_file_path .*--allow-write/);
  });
  await t.step("a ledger file without write permission", async () => {
    const config = await tempFile("{}", ".json");
    const permissions = PERMISSIONS.filter((p) => !p.startsWith("--allow-write"));
    const { code, stderr } = await runMain(
      ["--config", config, "--models", MODELS],
      {},
      permissions,
    );
    assert.notEqual(code, 0);
    assert.equal(stderr.split("\n").length, 1, stderr);
    assert.match(stderr, /Cannot open the ledger ".*usage\.sqlite".*--allow-write=.*usage\.sqlite/);
  });
  await t.step("a ledger in a folder that does not exist", async () => {
    const config = await tempFile(
      JSON.stringify({ ledger: "/tmp/no-such-dir-x/u.sqlite" }),
      ".json",
    );
    const { code, stderr } = await runMain(["--config", config, "--models", MODELS]);
    assert.notEqual(code, 0);
    assert.equal(stderr.split("\n").length, 1, stderr);
    assert.match(stderr, /Cannot open the ledger "\/tmp\/no-such-dir-x\/u\.sqlite"/);
  });
  await t.step("ledger, ledger_days and admin_token of the wrong kind", async () => {
    for (
      const [doc, expected] of [
        [{ ledger: 3 }, /"ledger" must be false, a file path or a postgres:\/\/ URL/],
        [{ ledger: "mysql://u:p@h/db" }, /"ledger" must be a file path or a postgres:\/\/ URL/],
        [{ ledger_days: 0 }, /"ledger_days" must be a whole number of days/],
        [{ admin_token: "short" }, /"admin_token" must be a string of at least 16 characters/],
      ] as const
    ) {
      const config = await tempFile(JSON.stringify(doc), ".json");
      const { code, stderr } = await runMain(["--config", config]);
      assert.notEqual(code, 0);
      assert.match(stderr, expected);
    }
  });
  await t.step("unknown flag", async () => {
    const { code, stderr } = await runMain(["--prot", "1"]);
    assert.notEqual(code, 0);
    assert.match(stderr, /Unknown argument "--prot"/);
  });
});

Deno.test("the shipped models.yaml and config.json load, the ledger beside config.json", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.copyFile(`${ROOT}models.yaml`, `${dir}/models.yaml`);
  await Deno.copyFile(`${ROOT}config.json`, `${dir}/config.json`);
  const server = await startMain(["--port", "0"], {}, dir);
  try {
    assert.match(server.line, /^Listening on http:\/\/127\.0\.0\.1:\d+, serving \d+ models; /);
    assert.ok((await Deno.stat(`${dir}/usage.sqlite`)).isFile);
  } finally {
    await server.stop();
  }
});
