/**
 * Separate processes for the end-to-end benchmark and the load script: the mock upstream and
 * the proxy (`deno run main.ts`), each pinned to a core with `taskset` where it exists, and
 * their CPU time and memory read from /proc.
 */

const ROOT = new URL("../", import.meta.url);
const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** A child process on a port of 127.0.0.1. */
export interface Server {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Whether `taskset` can pin processes here. */
export function canPin(): boolean {
  try {
    return new Deno.Command("taskset", { args: ["-V"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Pins a running process (this one, for the load generator) to a core, if possible. */
export function pin(pid: number, core: number): void {
  if (!canPin()) return;
  new Deno.Command("taskset", { args: ["-cp", String(core), String(pid)], stdout: "null" })
    .outputSync();
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

function spawn(
  args: string[],
  core: number | undefined,
  env: Record<string, string> = {},
  cwd = new URL(".", ROOT).pathname,
) {
  const pinned = core !== undefined && canPin();
  const command = new Deno.Command(pinned ? "taskset" : Deno.execPath(), {
    args: pinned ? ["-c", String(core), Deno.execPath(), ...args] : args,
    cwd,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  });
  return command.spawn();
}

async function waitReady(url: string, child: Deno.ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  child.status.then(() => exited = true);
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${url} did not come up`);
}

function server(child: Deno.ChildProcess, url: string): Server {
  return {
    pid: child.pid,
    url,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      await child.status;
    },
  };
}

/** Starts the mock upstream. */
export async function startMockUpstream(core?: number): Promise<Server> {
  const port = freePort();
  const child = spawn(["run", "--allow-net", "bench/mock_upstream.ts", String(port)], core);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health`, child);
  return server(child, url);
}

/**
 * Starts bench/floor_proxy.ts in front of `upstream` (with the V8 flags of `deno task start`);
 * with `relay`, streams pass through JavaScript chunk by chunk instead of being piped by Deno.
 */
export async function startFloorProxy(
  upstream: string,
  core?: number,
  relay = false,
): Promise<Server> {
  const port = freePort();
  const v8 = startFlags().filter((flag) => flag.startsWith("--v8-flags"));
  const args = [String(port), upstream, ...(relay ? ["relay"] : [])];
  const child = spawn(["run", "--allow-net", ...v8, "bench/floor_proxy.ts", ...args], core);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health`, child);
  return server(child, url);
}

/**
 * Starts the proxy as `deno run main.ts` with the given models.yaml and config.json, from this
 * tree or from `root` (another checkout, for a same-run A/B), with that tree's start flags.
 */
export async function startProxyProcess(
  modelsYaml: string,
  config: Record<string, unknown>,
  core?: number,
  root: URL = ROOT,
): Promise<Server> {
  const dir = await Deno.makeTempDir({ prefix: "proxy-bench-" });
  await Deno.writeTextFile(`${dir}/models.yaml`, modelsYaml);
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(config));
  const port = freePort();
  const v8 = Deno.env.get("PROXY_V8_FLAGS");
  // The ledger's file is beside that config.json: the task's write permission, moved there.
  const flags = startFlags(root).map((flag) =>
    flag.startsWith("--allow-write") ? `--allow-write=${dir}/usage.sqlite` : flag
  );
  const child = spawn(
    [
      "run",
      ...flags,
      ...(v8 ? [`--v8-flags=${v8}`] : []),
      "main.ts",
      "--port",
      String(port),
      "--models",
      `${dir}/models.yaml`,
      "--config",
      `${dir}/config.json`,
    ],
    core,
    {},
    root.pathname,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/health`, child);
  const s = server(child, url);
  return {
    ...s,
    async stop() {
      await s.stop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * The flags of `deno task start` (permissions, V8 flags), so the benchmark measures the proxy
 * exactly as users run it.
 */
export function startFlags(root: URL = ROOT): string[] {
  const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root)));
  const start = String(config.tasks?.start ?? "");
  return start.split(/\s+/).filter((word) => word.startsWith("--"));
}

/**
 * CPU seconds a process has used (all threads, user + system): from each thread's schedstat
 * (nanoseconds) where the kernel keeps it, else from /proc/<pid>/stat (10 ms ticks, too coarse
 * for a few dozen requests).
 */
export function cpuSeconds(pid: number): number {
  try {
    let ns = 0;
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(
          Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/schedstat`).split(" ")[0],
        );
      } catch {
        // the thread ended between the listing and the read
      }
    }
    if (ns > 0) return ns / 1e9;
  } catch {
    // no schedstat here
  }
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
}

/**
 * Resident and peak resident memory of a process, in MB, and how much of the resident memory is
 * mapped from files (mostly the Deno binary's own code: shared with other processes running it,
 * and dropped by the kernel before anything else when memory runs short).
 */
export function memoryMb(pid: number): { rss: number; peak: number; file: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024, file: kb("RssFile") / 1024 };
}

/** The value at quantile `q` of sorted numbers. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * The tree to compare with, for a same-run A/B: a directory as it is, or a git revision of this
 * repository exported (`git archive`) into a temporary directory. Removed by `remove`.
 */
export async function baselineTree(
  revisionOrPath: string,
): Promise<{ root: URL; label: string; remove(): Promise<void> }> {
  try {
    const info = await Deno.stat(revisionOrPath);
    if (info.isDirectory) {
      const path = await Deno.realPath(revisionOrPath);
      return { root: new URL(`file://${path}/`), label: path, remove: async () => {} };
    }
  } catch {
    // not a directory: a revision
  }
  const cwd = new URL(".", ROOT).pathname;
  const git = (args: string[]) =>
    new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "piped" }).outputSync();
  const parsed = git(["rev-parse", "--short", `${revisionOrPath}^{commit}`]);
  if (!parsed.success) {
    throw new Error(`BENCH_BASELINE: no directory or revision "${revisionOrPath}"`);
  }
  const commit = new TextDecoder().decode(parsed.stdout).trim();
  const dir = await Deno.makeTempDir({ prefix: `proxy-baseline-${commit}-` });
  const archive = new Deno.Command("sh", {
    args: ["-c", `git archive ${commit} | tar -x -C "${dir}"`],
    cwd,
    stderr: "piped",
  }).outputSync();
  if (!archive.success) throw new Error(new TextDecoder().decode(archive.stderr));
  return {
    root: new URL(`file://${dir}/`),
    label: commit,
    remove: () => Deno.remove(dir, { recursive: true }),
  };
}

/** The commit measured (with "+dirty" when the tree has changes), for the report. */
export function commitOf(): string {
  const git = (args: string[]) => {
    try {
      const out = new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).outputSync();
      return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
    } catch {
      return undefined;
    }
  };
  const commit = git(["rev-parse", "--short", "HEAD"]);
  if (!commit) return "unknown";
  return git(["status", "--porcelain"]) ? `${commit}+dirty` : commit;
}
