/**
 * Runs the real Codex CLI headless (`codex exec`) against a Responses endpoint on this machine,
 * offline, and records every request it sends on the way. Codex gets a fresh home with a config
 * that turns off its own network features, and a dead HTTP(S) proxy for anything that is not
 * loopback, so nothing it does can leave 127.0.0.1.
 */
import { type CodexBinary, codexBinary } from "./_codex_binary.ts";

export { CODEX_VERSION, codexBinary } from "./_codex_binary.ts";
export type { CodexBinary } from "./_codex_binary.ts";

/** One request Codex sent, as the recorder saw it, with the key masked. */
export interface CodexRequest {
  method: string;
  /** Path and query, e.g. `/openai/v1/responses`. */
  path: string;
  headers: Record<string, string>;
  /** The JSON body, or its text when it is not JSON, or null when empty. */
  body: any;
}

export interface CodexRun {
  exitCode: number;
  /** True when the run was killed at `timeoutMs`. */
  timedOut: boolean;
  /** `codex exec` prints the last agent message here. */
  stdout: string;
  /** Progress, tool calls, warnings and errors. */
  stderr: string;
  requests: CodexRequest[];
  /** The directory Codex worked in (removed after the run unless the caller gave it). */
  cwd: string;
  /** Codex's temporary `HOME` (removed after the run); its `CODEX_HOME` is `{home}/.codex`. */
  home: string;
}

export interface CodexOptions {
  /** The provider `base_url`, e.g. `http://127.0.0.1:8082/openai/v1`; Codex POSTs `{baseUrl}/responses`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` (through the provider's `env_key`). */
  key: string;
  prompt: string;
  /** The working directory; a fresh temporary one when absent. */
  cwd?: string;
  /** The model name Codex asks for; `gpt-5.5` is in Codex's own catalog, so it declares `apply_patch`. */
  model?: string;
  /** Default 120 s: generous, since the machine may be loaded. */
  timeoutMs?: number;
  /** Provider retry limits; Codex's defaults (4 and 5) make a failing run take about 30 s. */
  requestMaxRetries?: number;
  streamMaxRetries?: number;
  /** More TOML appended to config.toml (e.g. an `[mcp_servers.x]` table). */
  extraConfig?: string;
  /** A binary to use instead of the pinned one. */
  binary?: string;
}

const ENV_KEY = "PROXY_KEY";
const MCP_STUB = new URL("../scripts/_mcp_stub.ts", import.meta.url).pathname;

/**
 * The `extraConfig` that gives Codex the stdio MCP server `stub` (scripts/_mcp_stub.ts, one tool,
 * `lookup_word`), run by this Deno. Its start-up may take seconds on a loaded machine, so Codex
 * waits up to a minute for it.
 */
export function mcpStubConfig(): string {
  return [
    `[mcp_servers.stub]`,
    `command = ${tomlString(Deno.execPath())}`,
    `args = ["run", "--no-config", ${tomlString(MCP_STUB)}]`,
    `startup_timeout_sec = 60`,
    ``,
    `[mcp_servers.stub.env]`,
    // Deno's own update check in the fresh HOME would be a network call.
    `DENO_NO_UPDATE_CHECK = "1"`,
    ``,
  ].join("\n");
}
const DEAD_PROXY = "http://127.0.0.1:9";

function tomlString(value: string): string {
  return JSON.stringify(value);
}

/** The config.toml that keeps Codex on the given provider and off the network. */
export function codexConfig(options: {
  baseUrl: string;
  model: string;
  requestMaxRetries?: number;
  streamMaxRetries?: number;
  extraConfig?: string;
}): string {
  const retries = [
    options.requestMaxRetries === undefined
      ? ""
      : `request_max_retries = ${options.requestMaxRetries}`,
    options.streamMaxRetries === undefined
      ? ""
      : `stream_max_retries = ${options.streamMaxRetries}`,
  ].filter(Boolean);
  return [
    `model = ${tomlString(options.model)}`,
    `model_provider = "proxy"`,
    // Its npm update check and the curated-plugin sync (github.com, chatgpt.com) run at start.
    `check_for_update_on_startup = false`,
    ``,
    `[features]`,
    `plugins = false`,
    ``,
    `[analytics]`,
    `enabled = false`,
    ``,
    `[model_providers.proxy]`,
    `name = "proxy"`,
    `base_url = ${tomlString(options.baseUrl)}`,
    `wire_api = "responses"`,
    `env_key = ${tomlString(ENV_KEY)}`,
    ...retries,
    ``,
    options.extraConfig ?? "",
  ].join("\n");
}

/** The whole environment Codex runs with: nothing inherited from the test process. */
function codexEnv(home: string, key: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    CODEX_HOME: `${home}/.codex`,
    LANG: "C.UTF-8",
    [ENV_KEY]: key,
  };
  // Anything but loopback goes to a port where nothing listens, and fails at once.
  for (const name of ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"]) {
    env[name] = DEAD_PROXY;
    env[name.toLowerCase()] = DEAD_PROXY;
  }
  env.NO_PROXY = env.no_proxy = "127.0.0.1,localhost,::1";
  return env;
}

function maskHeaders(headers: Headers, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = key ? value.replaceAll(key, "<key>") : value;
  });
  return out;
}

function parseBody(text: string): any {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const HOP_HEADERS = ["host", "content-length", "accept-encoding", "connection"];

/** A loopback relay in front of `target` that records each request before passing it on. */
function startRecorder(target: URL, key: string) {
  const requests: CodexRequest[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      const body = await req.text();
      requests.push({
        method: req.method,
        path: url.pathname + url.search,
        headers: maskHeaders(req.headers, key),
        body: parseBody(body),
      });
      const headers = new Headers(req.headers);
      for (const name of HOP_HEADERS) headers.delete(name);
      try {
        const upstream = await fetch(`${target.origin}${url.pathname}${url.search}`, {
          method: req.method,
          headers,
          body: body || undefined,
          signal: req.signal,
        });
        // fetch has already decoded the body, so its encoding and length no longer apply.
        const answer = new Headers(upstream.headers);
        answer.delete("content-encoding");
        answer.delete("content-length");
        return new Response(upstream.body, { status: upstream.status, headers: answer });
      } catch (error) {
        return new Response(`recorder: ${(error as Error).message}`, { status: 502 });
      }
    },
  );
  const origin = `http://127.0.0.1:${server.addr.port}`;
  return { origin, requests, close: () => server.shutdown() };
}

async function binaryPath(options: CodexOptions): Promise<string> {
  if (options.binary) return options.binary;
  const found: CodexBinary = await codexBinary();
  if ("skip" in found) throw new Error(`Codex CLI unavailable: ${found.skip}`);
  return found.path;
}

/**
 * Runs `codex exec <prompt>` once, headless: no approval prompts, no sandbox (the commands come
 * from a mock, not a model), outside any git repository, with nothing persisted beyond its
 * temporary home. Resolves when Codex exits or is killed at the timeout.
 */
export async function runCodex(options: CodexOptions): Promise<CodexRun> {
  const binary = await binaryPath(options);
  const target = new URL(options.baseUrl);
  const recorder = startRecorder(target, options.key);
  const home = await Deno.makeTempDir({ prefix: "codex-home-" });
  const cwd = options.cwd ?? await Deno.makeTempDir({ prefix: "codex-work-" });
  try {
    await Deno.mkdir(`${home}/.codex`);
    await Deno.writeTextFile(
      `${home}/.codex/config.toml`,
      codexConfig({
        ...options,
        baseUrl: `${recorder.origin}${target.pathname.replace(/\/$/, "")}`,
        model: options.model ?? "gpt-5.5",
      }),
    );
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 120_000);
    const output = await new Deno.Command(binary, {
      args: [
        "exec",
        "--skip-git-repo-check",
        "--dangerously-bypass-approvals-and-sandbox",
        "--ephemeral",
        "--color",
        "never",
        options.prompt,
      ],
      cwd,
      env: codexEnv(home, options.key),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: timeout,
    }).output();
    const decoder = new TextDecoder();
    return {
      exitCode: output.code,
      timedOut: timeout.aborted,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
      requests: recorder.requests,
      cwd,
      home,
    };
  } finally {
    await recorder.close();
    await Deno.remove(home, { recursive: true }).catch(() => {});
    if (!options.cwd) await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
}
