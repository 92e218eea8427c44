/**
 * A relay between a real client and the proxy that keeps what the client sent, as it sent it,
 * and passes requests and answers through unchanged (streams as they come), so a test can read
 * a client's own requests beside what the mock upstream received after conversion.
 */
import type { Received } from "./_harness.ts";

/** A client's request, with the status and the `x-proxy-warnings` of the proxy's answer. */
export interface Relayed extends Received {
  status?: number;
  warnings?: string;
}

export interface RecordingRelay {
  url: string;
  /** Every request the client made, in order. */
  received: Relayed[];
  close(): Promise<void>;
}

/** Starts a relay on a port of 127.0.0.1 in front of `target` (the proxy's base URL). */
export function startRecordingRelay(target: string): RecordingRelay {
  const received: Relayed[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const body = req.method === "GET" || req.method === "HEAD" ? "" : await req.text();
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const entry: Relayed = {
      method: req.method,
      path: url.pathname,
      search: url.search,
      headers: req.headers,
      body,
      json,
    };
    received.push(entry);
    const headers = new Headers(req.headers);
    headers.delete("host");
    headers.delete("content-length");
    const answer = await fetch(`${target}${url.pathname}${url.search}`, {
      method: req.method,
      headers,
      body: body === "" ? undefined : body,
      signal: req.signal,
    });
    entry.status = answer.status;
    entry.warnings = answer.headers.get("x-proxy-warnings") ?? undefined;
    // fetch has already decoded the body, so its encoding and length no longer apply
    const answerHeaders = new Headers(answer.headers);
    answerHeaders.delete("content-encoding");
    answerHeaders.delete("content-length");
    return new Response(answer.body, { status: answer.status, headers: answerHeaders });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    received,
    close: () => server.shutdown(),
  };
}
