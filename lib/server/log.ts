/**
 * One log line per request, as text or JSON, to stderr or a file, written off the request path
 * (lib/server/log_queue.ts) and never longer than `MAX_LINE`. Records carry only a key's last
 * four characters, and `scrubbing` keeps any key that reaches a message out of the line. Every
 * field is escaped: nothing a caller or an upstream sends can split a line.
 */
import { ConfigError } from "../config/config_error.ts";
import type { LogLevel } from "../config/settings.ts";
import { countWarnings } from "../ir/warning_tally.ts";
import { maskKeyShapes, redact } from "../redact.ts";
import { LogQueue } from "./log_queue.ts";
import type { RequestRecord } from "./stats.ts";

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

export interface Logger {
  request(record: RequestRecord): void;
  message(level: LogLevel, text: string): void;
  /** Resolves once every line so far has reached the sink. */
  flush(): Promise<void>;
}

/** The longest line written, in characters; what a line holds beyond it is cut. */
export const MAX_LINE = 16 * 1024;
/** The longest error message or path kept in a line. */
const MAX_FIELD = 2000;

/**
 * A logger writing whole lines (never interleaved) through a bounded queue: a blocked sink
 * costs dropped lines, counted in a line of their own, never a blocked server.
 */
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
  const messageLine = (level: LogLevel, text: string, at = Date.now()) =>
    json
      ? JSON.stringify({ time: isoTime(at), level, message: cut(text, MAX_LINE / 2) })
      : `${isoTime(at)} ${level.toUpperCase()} ${escaped(text, false)}`;
  let queue: LogQueue | undefined;
  if (!options.sink) {
    const writer = options.filePath ? openLogFile(options.filePath) : Deno.stderr;
    queue = new LogQueue(
      writer,
      (count) => messageLine("warning", `${count} log lines dropped while the log was blocked`),
    );
  }
  const sink = options.sink;
  // A line is formatted when its batch is written (the time it names is taken now).
  const write = (format: (at: number) => string) => {
    const at = Date.now();
    if (sink) sink(cut(format(at), MAX_LINE));
    else queue!.push(() => cut(format(at), MAX_LINE));
  };
  const enabled = (level: LogLevel) => RANK[level] >= RANK[options.level];
  return {
    request(r) {
      const level: LogLevel = r.status >= 500 ? "error" : r.status >= 400 ? "warning" : "info";
      if (!enabled(level)) return;
      write((at) => json ? JSON.stringify(jsonRecord(level, r, at)) : textRecord(r, at));
    },
    message(level, text) {
      if (!enabled(level)) return;
      write((at) => messageLine(level, text, at));
    },
    flush: () => queue?.flush() ?? Promise.resolve(),
  };
}

/** `text` cut to `max` characters, saying how much was cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = ` …[${text.length - max} characters cut]`;
  return text.slice(0, max - note.length) + note;
}

/**
 * The warnings a line lists: counted by kind (at most 20 kinds, then how many more), each cut.
 * A record's warnings are counted when its request finishes; counting again changes nothing.
 */
function loggedWarnings(warnings: readonly string[]): string[] {
  return countWarnings(warnings).map((w) => cut(w, MAX_FIELD / 4));
}

/**
 * A logger whose every line has `secrets` (the keys the configuration holds) and anything shaped
 * like a key cut to their last four characters, in every free-text field (before any cut, so a
 * key is never left half shown).
 */
export function scrubbing(logger: Logger, secrets: readonly string[]): Logger {
  const scrub = (text: string) => maskKeyShapes(redact(text, secrets));
  return {
    request(r) {
      logger.request({
        ...r,
        path: scrub(r.path),
        warnings: r.warnings.length ? r.warnings.map(scrub) : r.warnings,
        ...(r.error === undefined ? {} : { error: scrub(r.error) }),
      });
    },
    message: (level, text) => logger.message(level, scrub(text)),
    flush: () => logger.flush(),
  };
}

function jsonRecord(level: LogLevel, r: RequestRecord, at: number): Record<string, unknown> {
  return {
    time: isoTime(at),
    level,
    caller: r.callerDialect,
    method: r.method,
    path: cut(r.path, MAX_FIELD),
    model: r.modelId,
    route: r.route,
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
    warnings: r.warnings.length ? loggedWarnings(r.warnings) : undefined,
    key: r.keyTail,
    error: r.error === undefined ? undefined : cut(r.error, MAX_FIELD),
  };
}

function textRecord(r: RequestRecord, at: number): string {
  const parts = [
    isoTime(at),
    `${escaped(r.method)} ${escaped(cut(r.path, MAX_FIELD))}`,
    r.status,
    `${r.callerDialect}→${r.upstreamDialect ?? "-"}`,
    escaped(r.modelId ?? "-") + (r.route ? ` route=${escaped(r.route)}` : ""),
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
  if (r.warnings.length) parts.push(`warnings=${JSON.stringify(loggedWarnings(r.warnings))}`);
  if (r.error) parts.push(`error=${JSON.stringify(cut(r.error, MAX_FIELD))}`);
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

function isoTime(at: number): string {
  return new Date(at).toISOString();
}

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
