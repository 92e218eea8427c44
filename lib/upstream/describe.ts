/**
 * A network error's description with its cause (fetch says only "fetch failed"; the cause says
 * "Connection refused" or "Too many open files"), without the query string of a URL it names.
 */
export function describe(error: unknown, url?: string): string {
  let message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && cause.message && !message.includes(cause.message)) {
    message += `: ${cause.message.replace(/^error sending request for url \([^)]*\): /, "")}`;
  }
  const host = url ? new URL(url).host : "";
  const cleaned = message.replace(/\?[^\s)]*/g, "");
  return host && !cleaned.includes(host) ? `${host}: ${cleaned}` : cleaned;
}
