/**
 * The real clients our users run (Claude Code, Gemini CLI, opencode), installed on demand from
 * npm into a cache under /tmp (never globally) and run headless with a fresh HOME, every
 * network feature they have turned off, and a tripwire proxy that records any request they
 * still try to make off this machine.
 */

/** Where the clients are installed; `.ci/run` installs into the same place. */
export const CLIENTS_DIR = Deno.env.get("REAL_CLIENTS_DIR") ?? "/tmp/llm-proxy-clients";

export type ClientName = "claude" | "gemini" | "opencode";

/** One client's npm install is given up after this long (each takes 5–15 s here). */
const INSTALL_TIMEOUT_MS = 180_000;

interface ClientPackage {
  npm: string;
  version: string;
  /** Paths under node_modules that may hold the runnable program, tried in order. */
  bins: string[];
}

/**
 * Pinned versions, so a test run means the same thing next month; bump them on purpose. The
 * second path of Claude Code and opencode is the platform package's own binary, for an npm
 * that did not run the wrapper's postinstall (which copies it over a placeholder).
 */
export const CLIENTS: Record<ClientName, ClientPackage> = {
  claude: {
    npm: "@anthropic-ai/claude-code",
    version: "2.1.332",
    bins: [".bin/claude", "@anthropic-ai/claude-code-linux-x64/claude"],
  },
  gemini: {
    npm: "@google/gemini-cli",
    version: "0.61.0",
    bins: [".bin/gemini"],
  },
  opencode: {
    npm: "opencode-ai",
    version: "1.18.33",
    bins: [".bin/opencode", "opencode-linux-x64/bin/opencode"],
  },
};

/** The folder one client version is installed in. */
export function installDir(name: ClientName): string {
  const { npm, version } = CLIENTS[name];
  return `${CLIENTS_DIR}/${npm.replace(/[@/]/g, "_")}@${version}`;
}

/** An installed client's program. */
export interface Program {
  path: string;
  version: string;
}

export type Installed = Program | { skip: string };

const installs = new Map<ClientName, Promise<Installed>>();

/**
 * The client's program, installing it first when the cache lacks it; `skip` says why it
 * cannot be had here (npm failed, or the program does not start).
 */
export function installClient(name: ClientName): Promise<Installed> {
  let pending = installs.get(name);
  if (!pending) {
    pending = install(name);
    installs.set(name, pending);
  }
  return pending;
}

async function install(name: ClientName): Promise<Installed> {
  const found = await findProgram(name);
  if ("path" in found) return found;
  if (Deno.env.get("REAL_CLIENTS_INSTALL") === "0") {
    return { skip: `${found.skip}, and REAL_CLIENTS_INSTALL=0 forbids installing it` };
  }
  try {
    const failed = await npmInstall(name);
    if (failed) return { skip: failed };
  } catch (error) {
    return { skip: `cannot install ${CLIENTS[name].npm}: ${(error as Error).message}` };
  }
  return await findProgram(name);
}

/**
 * Installs into a folder of its own, then renames it into place: another test run installing
 * at the same time (other worktrees share /tmp) never sees half an install. Returns why it
 * failed, if it did.
 */
async function npmInstall(name: ClientName): Promise<string | undefined> {
  const { npm, version } = CLIENTS[name];
  await Deno.mkdir(CLIENTS_DIR, { recursive: true });
  const staging = await Deno.makeTempDir({ dir: CLIENTS_DIR, prefix: ".installing-" });
  await Deno.chmod(staging, 0o755);
  try {
    // npm keeps this machine's environment: its registry settings and CA certificates are there
    const args = ["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", staging];
    const npmRun = await run(
      "npm",
      [...args, `${npm}@${version}`],
      { cwd: staging, env: {}, inherit: true },
      INSTALL_TIMEOUT_MS,
    );
    if (npmRun.code !== 0) {
      const why = npmRun.timedOut ? "timed out" : `exited ${npmRun.code}`;
      const said = npmRun.stderr.split("\n").filter((line) => !line.includes("complete log"));
      return `npm install ${npm}@${version} ${why}: ${said.slice(0, 3).join(" ").slice(0, 300)}`;
    }
    await Deno.remove(installDir(name), { recursive: true }).catch(() => {}); // a broken one
    await Deno.rename(staging, installDir(name)).catch(() => {}); // or another run was first
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}

async function findProgram(name: ClientName): Promise<Installed> {
  const { version, bins } = CLIENTS[name];
  let why = `${CLIENTS[name].npm}@${version} is not installed in ${installDir(name)}`;
  for (const bin of bins) {
    const path = `${installDir(name)}/node_modules/${bin}`;
    try {
      await Deno.stat(path);
    } catch {
      continue;
    }
    const home = await Deno.makeTempDir({ prefix: "real-client-probe-" });
    const probe = await run(path, ["--version"], { env: baseEnv(home) }, 60_000);
    await Deno.remove(home, { recursive: true });
    if (probe.code === 0 && probe.stdout.includes(version)) return { path, version };
    why = `${path} --version exited ${probe.code}: ${lastLine(probe.stderr || probe.stdout)}`;
  }
  return { skip: why };
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1)?.slice(0, 300) ?? "";
}

/** What a client run left: its exit code and output, and whether it had to be killed. */
export interface ClientRun {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

export interface RunOptions {
  env: Record<string, string>;
  /** Keep this process's environment under `env` (npm); clients never do. */
  inherit?: boolean;
  cwd?: string;
  stdin?: string;
}

/**
 * Runs a program in a session of its own with only `env` (nothing inherited, so no key of the
 * machine's leaks in), killing the whole session (the shells it started too) after `timeoutMs`.
 */
export async function run(
  program: string,
  args: string[],
  options: RunOptions,
  timeoutMs: number,
): Promise<ClientRun> {
  const started = performance.now();
  const child = new Deno.Command("setsid", {
    args: [program, ...args],
    cwd: options.cwd,
    env: options.env,
    clearEnv: !options.inherit,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killSession(child.pid);
  }, timeoutMs);
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  clearTimeout(timer);
  killSession(child.pid); // what it left running in the background
  return {
    code: status.code,
    stdout,
    stderr,
    timedOut,
    ms: Math.round(performance.now() - started),
  };
}

function killSession(pid: number): void {
  try {
    Deno.kill(-pid, "SIGKILL");
  } catch {
    // the session has already ended
  }
}

/**
 * The environment every client gets: a fresh HOME (XDG folders inside it), a plain terminal,
 * and `proxy` (the tripwire) as the HTTP(S) proxy for everything but loopback.
 */
export function baseEnv(home: string, proxy?: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: `${home}/.config`,
    XDG_DATA_HOME: `${home}/.local/share`,
    XDG_CACHE_HOME: `${home}/.cache`,
    XDG_STATE_HOME: `${home}/.local/state`,
    TMPDIR: "/tmp",
    LANG: "C.UTF-8",
    TERM: "dumb",
    NO_COLOR: "1",
    CI: "1",
  };
  if (proxy) {
    for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"]) {
      env[name] = proxy;
    }
    env.NO_PROXY = env.no_proxy = "127.0.0.1,localhost,::1";
  }
  return env;
}

/** A forward proxy that refuses everything and remembers where each request wanted to go. */
export interface Tripwire {
  url: string;
  /** `CONNECT host:port` or `GET http://…`, one per attempt. */
  attempts: string[];
  close(): void;
}

/** Starts the tripwire on a port of 127.0.0.1. */
export function startTripwire(): Tripwire {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const attempts: string[] = [];
  const refusal = new TextEncoder().encode(
    "HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
  );
  (async () => {
    for await (const conn of listener) {
      (async () => {
        try {
          const buffer = new Uint8Array(4096);
          const n = await conn.read(buffer);
          const head = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
          attempts.push(head.split("\r\n")[0].replace(/ HTTP\/1\.[01]$/, ""));
          await conn.write(refusal);
        } catch {
          // the client hung up first
        } finally {
          conn.close();
        }
      })();
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    attempts,
    close: () => listener.close(),
  };
}
