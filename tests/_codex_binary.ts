/**
 * Finds the Codex CLI's native binary, installing the pinned `@openai/codex` release from the npm
 * registry into a cache under /tmp when it is missing. The npm package ships one prebuilt binary
 * per platform as an optional dependency, so `npm install` alone brings a runnable `codex`.
 */

/** The Codex release the tests and fixtures were made with; bump both together. */
export const CODEX_VERSION = "0.171.0";

const CACHE_ROOT = "/tmp/llm-proxy-codex";

/** Where the binary is, or why it cannot be had on this machine. */
export type CodexBinary = { path: string; version: string } | { skip: string };

interface Platform {
  /** The npm alias the package's optional dependency is installed under. */
  packageName: string;
  triple: string;
}

function platform(): Platform | undefined {
  const { os, arch } = Deno.build;
  const cpu = arch === "x86_64" ? "x64" : arch === "aarch64" ? "arm64" : undefined;
  if (!cpu) return undefined;
  switch (os) {
    case "linux":
      return { packageName: `@openai/codex-linux-${cpu}`, triple: `${arch}-unknown-linux-musl` };
    case "darwin":
      return { packageName: `@openai/codex-darwin-${cpu}`, triple: `${arch}-apple-darwin` };
    default:
      return undefined;
  }
}

function binaryIn(prefix: string, p: Platform): string {
  return `${prefix}/node_modules/${p.packageName}/vendor/${p.triple}/bin/codex`;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function versionOf(path: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(path, {
      args: ["--version"],
      env: { HOME: "/tmp" },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    return out.success ? text.replace(/^codex-cli\s+/, "") : undefined;
  } catch {
    return undefined;
  }
}

async function npmInstall(prefix: string): Promise<string | undefined> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("npm", {
      args: [
        "install",
        "--prefix",
        prefix,
        "--no-save",
        "--no-package-lock",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        `@openai/codex@${CODEX_VERSION}`,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    return `npm could not be started (${(error as Error).message})`;
  }
  if (out.success) return undefined;
  // npm's first error lines name the cause (code, then message); the rest is a stack and advice.
  const lines = new TextDecoder().decode(out.stderr).split("\n")
    .map((line) => line.replace(/^npm (error|ERR!)\s*/, "").trim())
    .filter((line) => line && !line.startsWith("at ") && !/^(syscall|errno)\b/.test(line));
  return `npm install @openai/codex@${CODEX_VERSION} failed: ${lines.slice(0, 2).join("; ")}`;
}

let pending: Promise<CodexBinary> | undefined;

/**
 * The Codex binary: `$CODEX_BIN` when set, else the cached pinned release, installed on first use.
 * Any failure to obtain it comes back as `{ skip }` with the reason, never as a throw.
 */
export function codexBinary(): Promise<CodexBinary> {
  pending ??= locate();
  return pending;
}

async function locate(): Promise<CodexBinary> {
  const fromEnv = Deno.env.get("CODEX_BIN");
  if (fromEnv) {
    const version = await versionOf(fromEnv);
    if (!version) return { skip: `CODEX_BIN=${fromEnv} does not run \`codex --version\`` };
    return { path: fromEnv, version };
  }
  const p = platform();
  if (!p) return { skip: `no Codex binary is published for ${Deno.build.os}/${Deno.build.arch}` };
  const prefix = `${CACHE_ROOT}/${CODEX_VERSION}`;
  const path = binaryIn(prefix, p);
  if (!(await isFile(path))) {
    // Installed beside the cache and renamed into place, so a half-done install is never used.
    await Deno.mkdir(CACHE_ROOT, { recursive: true });
    const staging = await Deno.makeTempDir({ dir: CACHE_ROOT, prefix: "install-" });
    const failure = await npmInstall(staging);
    if (failure) {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
      return { skip: failure };
    }
    if (!(await isFile(binaryIn(staging, p)))) {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
      return { skip: `npm installed @openai/codex@${CODEX_VERSION} without ${p.packageName}` };
    }
    try {
      await Deno.rename(staging, prefix);
    } catch {
      // Another run put it in place first.
      await Deno.remove(staging, { recursive: true }).catch(() => {});
    }
  }
  const version = await versionOf(path);
  if (!version) return { skip: `${path} does not run \`codex --version\`` };
  return { path, version };
}
