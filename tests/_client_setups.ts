/**
 * How each real client is pointed at the proxy and kept off the network, headless: the
 * environment, the files it reads from its fresh HOME, its command line, and where its final
 * answer is in what it prints. docs/real_clients.md says what each setting prevents.
 */
import type { ClientName } from "./_clients.ts";

export interface ClientSetup {
  name: ClientName;
  env: Record<string, string>;
  args: string[];
  /** Files to write before the run, by path relative to HOME. */
  homeFiles: Record<string, string>;
  /** The answer the user sees, from the client's stdout. */
  finalText(stdout: string): string;
}

export interface SetupOptions {
  /** The proxy's origin, `http://127.0.0.1:<port>`. */
  proxy: string;
  key: string;
  model: string;
  prompt: string;
}

/**
 * Claude Code as ccproxy runs it: `-p` with a stream-json transcript, the Bash tool (or `tool`) allowed,
 * every model slot on the proxy's model, and its non-essential traffic off. `keyVariable` is
 * `ANTHROPIC_API_KEY` (sent as x-api-key) or `ANTHROPIC_AUTH_TOKEN` (sent as a bearer token).
 */
export function claudeCode(
  options: SetupOptions,
  keyVariable: "ANTHROPIC_API_KEY" | "ANTHROPIC_AUTH_TOKEN",
  tool = "Bash",
): ClientSetup {
  const { proxy, key, model, prompt } = options;
  return {
    name: "claude",
    env: {
      ANTHROPIC_BASE_URL: `${proxy}/anthropic/v1`,
      [keyVariable]: key,
      ANTHROPIC_MODEL: model,
      ANTHROPIC_SMALL_FAST_MODEL: model,
      ANTHROPIC_DEFAULT_OPUS_MODEL: model,
      ANTHROPIC_DEFAULT_SONNET_MODEL: model,
      ANTHROPIC_DEFAULT_HAIKU_MODEL: model,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_TELEMETRY: "1",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_ERROR_REPORTING: "1",
      CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: "1",
    },
    args: [
      "-p",
      prompt,
      "--output-format",
      "stream-json",
      "--verbose",
      "--allowedTools",
      tool,
      "--max-turns",
      "4",
    ],
    homeFiles: {},
    finalText: (stdout) => claudeResult(stdout)?.result ?? "",
  };
}

/** The closing `result` event of a Claude Code stream-json transcript. */
export function claudeResult(stdout: string): any {
  return claudeEvents(stdout).findLast((event) => event.type === "result");
}

/** Every event of a Claude Code stream-json transcript. */
export function claudeEvents(stdout: string): any[] {
  return stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
}

/**
 * Gemini CLI with its API-key auth and its default model choice (a routing call, then the
 * chosen model): `--yolo` approves the shell call, the work folder is trusted (otherwise YOLO
 * falls back to asking, which headless means refusing), and usage statistics, telemetry,
 * updates, the IDE link and the ripgrep download are off. `model` is unused: the client picks
 * its own `gemini-*` names, which the proxy's aliases catch.
 */
export function geminiCli(options: SetupOptions): ClientSetup {
  const { proxy, key, prompt } = options;
  const settings = {
    general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    ide: { enabled: false },
    tools: { useRipgrep: false },
    security: { auth: { selectedType: "gemini-api-key" }, folderTrust: { enabled: false } },
  };
  return {
    name: "gemini",
    env: { GOOGLE_GEMINI_BASE_URL: `${proxy}/gemini`, GEMINI_API_KEY: key },
    args: ["--prompt", prompt, "--yolo", "--output-format", "json"],
    homeFiles: { ".gemini/settings.json": JSON.stringify(settings) },
    finalText: (stdout) => JSON.parse(stdout).response ?? "",
  };
}

/** The provider id opencode's config gives the proxy. */
export const OPENCODE_PROVIDER = "llmproxy";

/**
 * opencode's `run` with the proxy as a custom OpenAI-compatible provider (reasoning on, so it
 * sends `reasoning_effort`), bash allowed, and its models.dev fetch, default plugins, LSP
 * downloads, sharing and update check off. Its config folder is seeded so that opencode does
 * not install `@opencode-ai/plugin` from npm there in the background: it skips the install when
 * `node_modules` exists and the lock file already lists every dependency.
 */
export function opencode(options: SetupOptions, version: string): ClientSetup {
  const { proxy, key, model, prompt } = options;
  const config = {
    autoupdate: false,
    share: "disabled",
    permission: { bash: "allow" },
    provider: {
      [OPENCODE_PROVIDER]: {
        npm: "@ai-sdk/openai-compatible",
        name: "llm-proxy",
        options: { baseURL: `${proxy}/openai/v1`, apiKey: key },
        models: { [model]: { name: model, reasoning: true, options: { reasoningEffort: "high" } } },
      },
    },
    model: `${OPENCODE_PROVIDER}/${model}`,
    small_model: `${OPENCODE_PROVIDER}/${model}`,
  };
  const dependencies = { "@opencode-ai/plugin": version };
  return {
    name: "opencode",
    env: {
      OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
      OPENCODE_DISABLE_MODELS_FETCH: "1",
      OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
      OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
      OPENCODE_DISABLE_AUTOUPDATE: "1",
      OPENCODE_DISABLE_SHARE: "1",
      OPENCODE_DISABLE_CLAUDE_CODE: "1",
      OPENCODE_DISABLE_EXTERNAL_SKILLS: "1",
    },
    args: ["run", prompt],
    homeFiles: {
      ".config/opencode/package.json": JSON.stringify({ dependencies }),
      ".config/opencode/package-lock.json": JSON.stringify({ packages: { "": { dependencies } } }),
      ".config/opencode/node_modules/.keep": "",
    },
    finalText: (stdout) => stdout.trim(),
  };
}
