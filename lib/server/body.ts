/** Reads a request body as JSON within the configured size limit. */
import { invalidRequest, ProxyError } from "../errors.ts";

/** Text of the body, at most `limit` bytes; 413 beyond it, 400 when it is not valid UTF-8. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let result: ReadableStreamReadResult<Uint8Array>;
    try {
      result = await reader.read();
    } catch {
      throw invalidRequest("The request body could not be read");
    }
    if (result.done) break;
    size += result.value.length;
    if (size > limit) {
      reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(result.value);
  }
  const bytes = chunks.length === 1 ? chunks[0] : concat(chunks, size);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalidRequest("The request body is not valid UTF-8");
  }
}

/** The body parsed as a JSON object; 400 for anything else. */
export async function readJsonObject(
  request: Request,
  limit: number,
): Promise<{ text: string; json: Record<string, unknown> }> {
  const text = await readBodyText(request, limit);
  if (text.trim() === "") throw invalidRequest("The request body is empty; expected a JSON object");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw invalidRequest("The request body must be a JSON object");
  }
  return { text, json: json as Record<string, unknown> };
}

function tooLarge(limit: number): ProxyError {
  return new ProxyError("request_too_large", `The request body is larger than ${limit} bytes`);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
