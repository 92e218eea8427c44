/**
 * `main.ts` as a child process, for tests of what only a real process shows: its descriptor
 * limit, its connections, its stderr. Optionally under a lower open-file limit (`ulimit -n` in
 * `sh`), and with stderr either collected or left unread.
 */

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const ROOT = new URL("..", import.meta.url).pathname;

export interface MainProcess {
  url: string;
  port: number;
  /** The start-up line. */
  line: string;
  /** Lines of stderr after the start-up line (empty when stderr is left unread). */
  logs: string[];
  child: Deno.ChildProcess;
  /** Whether the process has exited. */
  exited(): boolean;
  /** Starts reading stderr (for a test that left it unread so far). */
  readLogs(): void;
  stop(): Promise<void>;
}

/** Options for `startMain`. */
export interface MainOptions {
  models: string;
  config?: Record<string, unknown>;
  /** Runs the process under `ulimit -n <nofile>`. */
  nofile?: number;
  /** Leaves stderr unread after the start-up line, as a stalled log reader would. */
  unreadStderr?: boolean;
}

/** Starts main.ts on a free port and waits for its start-up line. */
export async function startMain(options: MainOptions): Promise<MainProcess> {
  const dir = await Deno.makeTempDir({ prefix: "proxy-main-" });
  await Deno.writeTextFile(`${dir}/models.yaml`, options.models);
  await Deno.writeTextFile(`${dir}/config.json`, JSON.stringify(options.config ?? {}));
  const deno = [
    Deno.execPath(),
    "run",
    "--allow-net",
    "--allow-read",
    "--allow-env",
    `--allow-write=${dir}`, // the ledger, usage.sqlite beside config.json, as under deno task start
    MAIN,
    "--port",
    "0",
    "--models",
    `${dir}/models.yaml`,
    "--config",
    `${dir}/config.json`,
  ];
  const command = options.nofile === undefined
    ? new Deno.Command(deno[0], { args: deno.slice(1), cwd: ROOT, stderr: "piped", stdout: "null" })
    : new Deno.Command("sh", {
      args: ["-c", `ulimit -n ${options.nofile} && exec "$@"`, "sh", ...deno],
      cwd: ROOT,
      stderr: "piped",
      stdout: "null",
    });
  const child = command.spawn();
  let exited = false;
  child.status.then(() => exited = true);
  const reader = child.stderr.getReader();
  const decoder = new TextDecoder();
  /** A start that failed leaves no process and no directory behind. */
  const fail = async (message: string): Promise<never> => {
    if (!exited) child.kill();
    await child.status;
    await reader.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
    throw new Error(message);
  };
  let seen = "";
  while (!seen.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) return await fail(`main.ts exited before listening: ${seen}`);
    seen += decoder.decode(value, { stream: true });
  }
  const line = seen.slice(0, seen.indexOf("\n"));
  const port = Number(/:(\d+),/.exec(line)?.[1]);
  if (!port) return await fail(`No port in the start-up line: ${line}`);
  const logs: string[] = [];
  let reading = false;
  let pending = seen.slice(seen.indexOf("\n") + 1);
  const readLogs = () => {
    if (reading) return;
    reading = true;
    (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        pending += decoder.decode(value, { stream: true });
        const cut = pending.lastIndexOf("\n");
        if (cut < 0) continue;
        logs.push(...pending.slice(0, cut).split("\n"));
        pending = pending.slice(cut + 1);
      }
    })();
  };
  if (!options.unreadStderr) readLogs();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    line,
    logs,
    child,
    exited: () => exited,
    readLogs,
    async stop() {
      if (!exited) child.kill();
      await child.status;
      await reader.cancel().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Resolves after `ms`, without holding the test's event loop when cleared. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
