/** Writes Server-Sent Events; the inverse of `SseParser`. */

/** One event as SSE text: an optional `event:` line, one `data:` line per line of data. */
export function encodeSse(data: string, event?: string): string {
  const head = event === undefined ? "" : `event: ${event}\n`;
  if (!data.includes("\n") && !data.includes("\r")) return `${head}data: ${data}\n\n`;
  return head + data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join("") + "\n";
}
