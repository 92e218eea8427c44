/** Fixture loading shared by the benchmarks. */
import { type SseEvent, SseParser } from "../lib/sse/parser.ts";

const FIXTURES = new URL("../tests/fixtures/", import.meta.url);

/** A fixture file's text. */
export function fixtureText(path: string): string {
  return Deno.readTextFileSync(new URL(path, FIXTURES));
}

/** The parsed SSE events of a stream fixture. */
export function fixtureEvents(path: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(fixtureText(path)), ...parser.end()];
}

/** A fixed id maker and clock, so benchmarks do no random work of their own. */
export const ids = { newId: (prefix: string) => `${prefix}_bench`, now: () => 1_700_000_000_000 };
