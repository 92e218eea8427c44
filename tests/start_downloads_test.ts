/**
 * `deno task start` on a fresh machine downloads only what the server imports. Deno fetches every
 * npm package of the lockfile it reads before it runs anything, so the packages the tests and
 * benchmarks use (the SDKs, the tokenizer) are kept out of `deno.json` and `deno.lock`: the test
 * tasks name `tests/import_map.json` and lock them in `tests/deno.lock`.
 */
import assert from "node:assert/strict";

const ROOT = new URL("..", import.meta.url).pathname;

interface Graph {
  /** The npm packages main.ts's modules import, as `name@version`. */
  roots: string[];
  /** Every package known to Deno for this graph, with its dependencies and cache folder. */
  packages: Record<string, { dependencies: string[]; localPath: string }>;
}

/** `deno info --json main.ts`, run as a user would: the root deno.json and deno.lock. */
async function startGraph(): Promise<Graph> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "main.ts"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  const info = JSON.parse(new TextDecoder().decode(output.stdout));
  const roots = info.modules
    .map((m: { specifier: string }) => /^npm:\/?(@?[^@/]+(?:\/[^@/]+)?@[^/]+)/.exec(m.specifier))
    .filter(Boolean)
    .map((match: RegExpExecArray) => match[1]);
  return { roots, packages: info.npmPackages };
}

/** The packages `roots` need, their dependencies included. */
function closure(graph: Graph): Set<string> {
  const needed = new Set<string>();
  const visit = (id: string) => {
    if (needed.has(id)) return;
    needed.add(id);
    for (const dependency of graph.packages[id]?.dependencies ?? []) visit(dependency);
  };
  graph.roots.forEach(visit);
  return needed;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("deno.lock holds only the npm packages main.ts imports", async () => {
  const graph = await startGraph();
  // postgres is imported only when the ledger is a postgres:// URL, but it is the server's own.
  assert.deepEqual(graph.roots.sort(), ["postgres@3.4.9", "yaml@2.9.1"]);
  const lock = JSON.parse(await Deno.readTextFile(`${ROOT}deno.lock`));
  assert.deepEqual(Object.keys(lock.npm).sort(), [...closure(graph)].sort());
});

Deno.test("tests/import_map.json maps deno.json's imports alike and adds only test packages", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  const dev = JSON.parse(await Deno.readTextFile(`${ROOT}tests/import_map.json`));
  for (const [name, target] of Object.entries(config.imports)) {
    assert.equal(dev.imports[name], target, `"${name}" differs between the two import maps`);
  }
  for (const task of ["test", "check", "bench:micro"]) {
    assert.match(
      config.tasks[task],
      /--import-map=tests\/import_map\.json --lock=tests\/deno\.lock/,
      `the ${task} task reads the test import map and its lockfile`,
    );
  }
});

Deno.test("deno task start serves from a Deno cache holding only those packages", async () => {
  const graph = await startGraph();
  const cache = await Deno.makeTempDir({ prefix: "deno_dir_" });
  try {
    // The cache as a fresh machine has it after the start task's downloads, and nothing more.
    for (const id of closure(graph)) {
      const from = graph.packages[id].localPath; // …/npm/registry.npmjs.org/<name>/<version>
      const to = `${cache}/npm/${from.split("/npm/")[1]}`;
      await copyTree(from, to);
      await Deno.copyFile(`${dirname(from)}/registry.json`, `${dirname(to)}/registry.json`);
    }
    // No ledger file: the test leaves nothing behind in the repository.
    await Deno.writeTextFile(`${cache}/config.json`, JSON.stringify({ ledger: false }));
    const tasks = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks;
    const words: string[] = tasks.start.split(/\s+/);
    assert.deepEqual(words.slice(0, 2), ["deno", "run"]);
    // --cached-only: any package the start path needs beyond these fails instead of downloading.
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--cached-only", ...words.slice(2), "--port", String(freePort())],
      cwd: ROOT,
      env: { DENO_DIR: cache, NO_COLOR: "1", CONFIG_FILE: `${cache}/config.json` },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes("\n")) {
      const { value, done } = await stderr.read();
      if (done) break;
      seen += value;
    }
    child.kill();
    for (;;) if ((await stderr.read()).done) break;
    await child.status;
    assert.match(seen, /^Listening on http:\/\/127\.0\.0\.1:\d+,/, `it did not serve: ${seen}`);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

const dirname = (path: string) => path.slice(0, path.lastIndexOf("/"));

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    if (entry.isDirectory) await copyTree(source, `${to}/${entry.name}`);
    else if (entry.isFile) await Deno.copyFile(source, `${to}/${entry.name}`);
  }
}
