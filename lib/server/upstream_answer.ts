/**
 * What the converting and the pass-through handlers both do with an upstream's successful
 * answer: parse a whole one, recognise JSON where a stream was asked for, head a stream to the
 * caller, and record a stream's end on the request.
 */
import { ProxyError } from "../errors.ts";
import type { Usage } from "../ir/types.ts";
import { redact } from "../redact.ts";
import { answerLimit, type UpstreamAnswer } from "../upstream/client.ts";
import { eventBudgetOf } from "./event_budget.ts";
import { type Exchange, warningsHeader } from "./exchange.ts";
import type { PipeOptions } from "./stream_lifecycle.ts";

/** A successful answer's JSON; a 502 quoting its start (without the call's keys) when it is not. */
export function parseAnswer(text: string, secrets: readonly string[]): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const start = JSON.stringify(redact(text, secrets).slice(0, 200));
    throw new ProxyError("bad_gateway", `Upstream answered with invalid JSON: ${start}`);
  }
}

/** Whether an answer says it is JSON (a stream request answered whole, or with an error). */
export function isJson(answer: UpstreamAnswer): boolean {
  return (answer.headers.get("content-type") ?? "").includes("application/json");
}

/** Headers of a stream response to the caller. */
export function streamHeaders(contentType: string, warnings: readonly string[]): Headers {
  return new Headers({
    "content-type": contentType,
    "cache-control": "no-cache",
    ...warningsHeader(warnings),
  });
}

/**
 * How a stream to the caller reports to its request: the first byte, then (once) its usage,
 * warnings and error, and the request is finished (the handler marks it `deferred`). `estimated` gives the proxy's own usage when
 * the upstream's stream carried none.
 */
export function recordedStream(
  ex: Exchange,
  secrets: readonly string[],
  estimated?: () => Usage | undefined,
): PipeOptions {
  const limit = answerLimit(ex.deps.settings.maxRequestBytes);
  return {
    onFirstByte: () => {
      ex.record.ttfbMs = performance.now() - ex.started;
    },
    onDone: ({ usage, error, warnings }) => {
      const estimate = estimated?.();
      ex.record.usage = estimate ?? usage;
      if (estimated) ex.record.usageEstimated = estimate !== undefined;
      for (const warning of warnings) ex.record.warnings.push(warning);
      if (error) ex.record.error = error.message;
      if (error && error.status !== 499) ex.record.status = error.status;
      ex.finish();
    },
    maxEventBytes: limit,
    eventBudget: eventBudgetOf(ex.deps, limit),
    secrets,
  };
}
