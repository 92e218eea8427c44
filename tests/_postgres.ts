/**
 * A private PostgreSQL cluster for tests: Debian's `postgresql` binaries, a fresh data folder
 * under /tmp, 127.0.0.1 on a free port, a password user, stopped and removed at the end. As root
 * (CI), the server runs as the `postgres` user (initdb refuses root) through `runuser`.
 */

export interface Postgres {
  /** `postgres://proxy:<password>@127.0.0.1:<port>/postgres` */
  url: string;
  password: string;
  /** Stops the server, keeping its data (to be started again). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  remove(): Promise<void>;
}

/** The newest installed server's bin folder, or undefined. */
async function binFolder(): Promise<string | undefined> {
  const versions: number[] = [];
  try {
    for await (const entry of Deno.readDir("/usr/lib/postgresql")) {
      if (/^\d+$/.test(entry.name)) versions.push(Number(entry.name));
    }
  } catch {
    return undefined;
  }
  for (const version of versions.sort((a, b) => b - a)) {
    const bin = `/usr/lib/postgresql/${version}/bin`;
    if (await Deno.stat(`${bin}/initdb`).then(() => true, () => false)) return bin;
  }
  return undefined;
}

async function output(command: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${command} ${args.join(" ")} failed: ${text}`);
  return text;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export async function postgresMissing(): Promise<string | undefined> {
  return await binFolder()
    ? undefined
    : "no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql; .ci/run does)";
}

/** Creates and starts a cluster. */
export async function startPostgres(): Promise<Postgres> {
  const bin = (await binFolder())!;
  const root = (await output("id", ["-u"])).trim() === "0";
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "proxy-pg-" });
  const data = `${dir}/data`;
  const password = `pw-${crypto.randomUUID()}`;
  await Deno.writeTextFile(`${dir}/pw`, password);
  // As root the server runs as `postgres`, which must own its folder.
  const run = (tool: string, args: string[]) =>
    root
      ? output("runuser", ["-u", "postgres", "--", `${bin}/${tool}`, ...args])
      : output(`${bin}/${tool}`, args);
  if (root) {
    const uid = Number((await output("id", ["-u", "postgres"])).trim());
    const gid = Number((await output("id", ["-g", "postgres"])).trim());
    await Deno.chown(dir, uid, gid);
    await Deno.chown(`${dir}/pw`, uid, gid);
  }
  await run("initdb", [
    "-D",
    data,
    "-U",
    "proxy",
    `--pwfile=${dir}/pw`,
    "--auth=scram-sha-256",
    "--encoding=UTF8",
    "--no-sync",
  ]);
  const port = freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => run("pg_ctl", ["-D", data, "-o", options, "-l", `${dir}/log`, "-w", "start"]);
  const stop = () => run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  await start();
  return {
    url: `postgres://proxy:${password}@127.0.0.1:${port}/postgres`,
    password,
    start: async () => {
      await start();
    },
    stop: async () => {
      await stop();
    },
    remove: async () => {
      await stop().catch(() => {});
      await Deno.remove(dir, { recursive: true });
    },
  };
}
