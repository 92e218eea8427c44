/** Reads a request body as JSON within the configured size limit and time. */
import { readAtMost, sourceOf } from "../bytes/chunk_source.ts";
import { invalidRequest, ProxyError } from "../errors.ts";
import { asciiJsonText, NotUtf8Error } from "../json/ascii_text.ts";
import { isShared, parseRequestText, rememberTools } from "../json/remembered_tools.ts";
import { watchIdle } from "../upstream/idle.ts";

/** How much of a body may arrive, and how long it may take. */
export interface BodyLimits {
  /** Bytes; 413 beyond. */
  maxBytes: number;
  /** Milliseconds from the start of the read; 408 beyond (0: no deadline). */
  timeoutMs: number;
}

/**
 * The bytes of the body, at most `maxBytes` (413 beyond it), within `timeoutMs` (408 beyond it:
 * a client sending its body a byte at a time would otherwise hold the request open for good).
 */
export async function readBodyBytes(request: Request, limits: BodyLimits): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  if (!request.body) return new Uint8Array(0);
  if (limits.timeoutMs <= 0) return await readBody(request, declared, limits.maxBytes);
  let expire!: () => void;
  const expired = new Promise<never>((_, reject) => {
    expire = () => reject(bodyTimeout(limits.timeoutMs));
  });
  const watch = watchIdle(limits.timeoutMs, expire);
  try {
    return await Promise.race([readBody(request, declared, limits.maxBytes), expired]);
  } finally {
    watch.stop();
  }
}

async function readBody(request: Request, declared: number, limit: number): Promise<Uint8Array> {
  if (Number.isFinite(declared)) {
    // The length is known and within the limit: one read, no chunk list kept alive.
    return new Uint8Array(await readWhole(request));
  }
  const read = await readAtMost(sourceOf(request.body!), limit);
  if (read.over) throw tooLarge(limit);
  if (read.error !== undefined) throw invalidRequest("The request body could not be read");
  return read.bytes;
}

async function readWhole(request: Request): Promise<ArrayBuffer> {
  try {
    return await request.arrayBuffer();
  } catch {
    throw invalidRequest("The request body could not be read");
  }
}

/**
 * The body parsed as a JSON object; 400 for anything else. It is parsed from its ASCII-escaped
 * text (lib/json/ascii_text.ts), which gives the same value faster, and a top-level `tools` seen
 * before is reused (lib/json/remembered_tools.ts).
 */
export async function readJsonObject(
  request: Request,
  limits: BodyLimits,
): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = asciiJsonText(await readBodyBytes(request, limits));
  } catch (error) {
    if (error instanceof NotUtf8Error) throw invalidRequest(error.message);
    throw error;
  }
  if (text.trim() === "") throw invalidRequest("The request body is empty; expected a JSON object");
  let json: unknown;
  try {
    json = parseRequestText(text);
  } catch (error) {
    throw invalidRequest(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw invalidRequest("The request body must be a JSON object");
  }
  if (nestingDepth(json, MAX_DEPTH) > MAX_DEPTH) {
    throw invalidRequest(`The request body is nested deeper than ${MAX_DEPTH} levels`);
  }
  rememberTools(text, json as Record<string, unknown>);
  return json as Record<string, unknown>;
}

/**
 * The deepest nesting any real request needs is a few dozen levels (tool schemas); the codecs
 * walk bodies recursively, so hostile nesting is refused here, before it can overflow a stack.
 */
const MAX_DEPTH = 256;

/** The nesting depth of a parsed JSON value, counted without recursion, stopping past `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== "object" || item === null) continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    const children = Array.isArray(item) ? item : Object.values(item);
    for (const child of children) {
      // A shared value passed this check in the same place before it was remembered.
      if (typeof child === "object" && child !== null && !isShared(child)) {
        stack.push([child, depth + 1]);
      }
    }
  }
  return deepest;
}

/** A 408: the caller was too slow (its connection is closed with the answer). */
function bodyTimeout(ms: number): ProxyError {
  return new ProxyError("timeout", `The request body did not arrive within ${ms / 1000} s`, 408);
}

function tooLarge(limit: number): ProxyError {
  return new ProxyError("request_too_large", `The request body is larger than ${limit} bytes`);
}
