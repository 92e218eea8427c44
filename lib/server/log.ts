/**
 * One log line per request, as text or JSON, to stderr or a file. Records carry only a key's
 * last four characters, and `scrubbing` keeps any key that reaches a message out of the line.
 * Every field is escaped: nothing a caller or an upstream sends can split a line.
 */
import { ConfigError } from "../config/config_error.ts";
import type { LogLevel } from "../config/settings.ts";
import { maskKeyShapes, redact } from "../redact.ts";
import type { RequestRecord } from "./stats.ts";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

export interface Logger {
  request(record: RequestRecord): void;
  message(level: LogLevel, text: string): void;
}

/** A logger writing whole lines synchronously (a line is never interleaved with another). */
export function createLogger(
  options: {
    level: LogLevel;
    format: "text" | "json";
    filePath?: string;
    /** Receives each line instead of stderr or the file (tests). */
    sink?: (line: string) => void;
  },
): Logger {
  const json = options.format === "json" || options.level === "debug";
  const encoder = new TextEncoder();
  const file = options.filePath && !options.sink ? openLogFile(options.filePath) : undefined;
  const write = options.sink ?? ((line: string) => {
    const bytes = encoder.encode(line + "\n");
    if (file) file.writeSync(bytes);
    else Deno.stderr.writeSync(bytes);
  });
  const enabled = (level: LogLevel) => RANK[level] >= RANK[options.level];
  return {
    request(r) {
      const level: LogLevel = r.status >= 500 ? "error" : r.status >= 400 ? "warning" : "info";
      if (!enabled(level)) return;
      write(json ? JSON.stringify(jsonRecord(level, r)) : textRecord(r));
    },
    message(level, text) {
      if (!enabled(level)) return;
      write(
        json
          ? JSON.stringify({ time: new Date().toISOString(), level, message: text })
          : `${new Date().toISOString()} ${level.toUpperCase()} ${escaped(text, false)}`,
      );
    },
  };
}

/**
 * A logger whose every line has `secrets` (the keys the configuration holds) and anything shaped
 * like a key cut to their last four characters, in every free-text field.
 */
export function scrubbing(logger: Logger, secrets: readonly string[]): Logger {
  const scrub = (text: string) => maskKeyShapes(redact(text, secrets));
  return {
    request(r) {
      logger.request({
        ...r,
        path: scrub(r.path),
        warnings: r.warnings.map(scrub),
        ...(r.error === undefined ? {} : { error: scrub(r.error) }),
      });
    },
    message: (level, text) => logger.message(level, scrub(text)),
  };
}

function jsonRecord(level: LogLevel, r: RequestRecord): Record<string, unknown> {
  return {
    time: new Date().toISOString(),
    level,
    caller: r.callerDialect,
    method: r.method,
    path: r.path,
    model: r.modelId,
    upstream: r.upstreamDialect,
    stream: r.stream,
    status: r.status,
    ttfb_ms: r.ttfbMs === undefined ? undefined : round(r.ttfbMs),
    total_ms: round(r.totalMs),
    input_tokens: r.usage?.inputTokens,
    output_tokens: r.usage?.outputTokens,
    cache_read_input_tokens: r.usage?.cacheReadTokens,
    cache_creation_input_tokens: r.usage?.cacheWriteTokens,
    reasoning_tokens: r.usage?.reasoningTokens,
    usage_estimated: r.usageEstimated || undefined,
    warnings: r.warnings.length ? r.warnings : undefined,
    key: r.keyTail,
    error: r.error,
  };
}

function textRecord(r: RequestRecord): string {
  const parts = [
    new Date().toISOString(),
    `${escaped(r.method)} ${escaped(r.path)}`,
    r.status,
    `${r.callerDialect}→${r.upstreamDialect ?? "-"}`,
    escaped(r.modelId ?? "-"),
    r.stream ? "stream" : "json",
    `ttfb=${r.ttfbMs === undefined ? "-" : round(r.ttfbMs)}ms`,
    `total=${round(r.totalMs)}ms`,
  ];
  if (r.usage) {
    const u = r.usage;
    parts.push(
      `in=${u.inputTokens} out=${u.outputTokens} cache_read=${u.cacheReadTokens} cache_write=${u.cacheWriteTokens} reasoning=${u.reasoningTokens}`,
    );
    if (r.usageEstimated) parts.push("usage=estimated");
  }
  parts.push(`key=${escaped(r.keyTail)}`);
  if (r.warnings.length) parts.push(`warnings=${JSON.stringify(r.warnings)}`);
  if (r.error) parts.push(`error=${JSON.stringify(r.error)}`);
  return parts.join(" ");
}

/** Control characters (CR and LF among them), and in a field its spaces, as JSON escapes. */
function escaped(text: string, inField = true): string {
  return text.replace(
    inField ? FIELD_BREAKS : LINE_BREAKS,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

// deno-lint-ignore no-control-regex -- control characters are exactly what is escaped
const LINE_BREAKS = /[\x00-\x1f\x7f\u2028\u2029]/g;
// deno-lint-ignore no-control-regex -- and, in a field, spaces too
const FIELD_BREAKS = /[\x00-\x20\x7f\u2028\u2029]/g;

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The log file, or a ConfigError naming it (a missing `--allow-write` included). */
function openLogFile(path: string): Deno.FsFile {
  try {
    return Deno.openSync(path, { append: true, create: true, write: true });
  } catch (error) {
    const hint =
      error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied
        ? ` (run with --allow-write=${path})`
        : "";
    throw new ConfigError(
      `Cannot open log_file_path "${path}": ${(error as Error).message}${hint}`,
    );
  }
}
