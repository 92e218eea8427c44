/**
 * For the tests beside the server code: the handler called in process with `new Request(...)`,
 * its upstream a fake `fetch` that records what it was sent (no port is opened).
 */
import { parseModels } from "../config/models.ts";
import { resolveSettings, type Settings } from "../config/settings.ts";
import { createHandler } from "./app.ts";
import type { Logger } from "./log.ts";
import { type RequestRecord, Stats } from "./stats.ts";

/** One call the fake upstream received. */
export interface Sent {
  url: string;
  headers: Headers;
  /** The body, parsed. */
  json: any;
}

/** A handler over `models.yaml` text whose upstream answers with `answer`. */
export function handlerWith(
  modelsYaml: string,
  answer: (sent: Sent) => Response | Promise<Response>,
  settings: Partial<Settings> = {},
  maxInFlight?: number,
) {
  const sent: Sent[] = [];
  const records: RequestRecord[] = [];
  const messages: string[] = [];
  const logger: Logger = {
    request: (record) => records.push(record),
    message: (_level, text) => messages.push(text),
    flush: () => Promise.resolve(),
  };
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const bytes = init?.body as Uint8Array;
    const call = {
      url: String(input),
      headers: new Headers(init?.headers),
      json: JSON.parse(new TextDecoder().decode(bytes)),
    };
    sent.push(call);
    return await answer(call);
  };
  const handle = createHandler({
    settings: { ...resolveSettings({}, () => undefined, {}, "config.json"), ...settings },
    models: parseModels(modelsYaml, "models.yaml", () => undefined),
    stats: new Stats(),
    logger,
    newId: (prefix) => `${prefix}_test`,
    now: () => 1_700_000_000_000,
    fetch,
    maxInFlight,
  });
  return { handle, sent, records, messages };
}

/** A caller's POST of `body` as JSON (a bearer key unless `headers` says otherwise). */
export function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = { authorization: "Bearer sk-test-1234" },
): Request {
  return new Request(`http://127.0.0.1:8082${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** A JSON answer. */
export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** An SSE answer of the given events (each `data:` text, or `[event, data]`). */
export function sse(events: Array<string | [string, unknown]>): Response {
  const text = events.map((e) =>
    typeof e === "string" ? `data: ${e}\n\n` : `event: ${e[0]}\ndata: ${JSON.stringify(e[1])}\n\n`
  ).join("");
  return new Response(text, { headers: { "content-type": "text/event-stream" } });
}

/** An OpenAI chat completion answer. */
export function chatCompletion(text: string, usage = { prompt_tokens: 11, completion_tokens: 3 }) {
  return {
    id: "c",
    object: "chat.completion",
    created: 1,
    model: "upstream-dated-2025",
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    usage,
  };
}
