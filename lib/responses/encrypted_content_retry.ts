/**
 * The one retry a Responses upstream gets when it cannot verify the reasoning it is sent back
 * (`invalid_encrypted_content`: the key or account changed mid-session, or the blob came from
 * another upstream): the same body again without its reasoning items, which carry nothing the
 * upstream can use without their `encrypted_content`.
 */
import { isObject } from "../json/fields.ts";

const INVALID_ENCRYPTED_CONTENT =
  /invalid_encrypted_content|encrypted content .*(could not be|cannot be) (decrypted|verified)|encrypted content item_id did not match/i;

/** Whether an upstream's error answer (status and parsed body) is that error. */
export function isInvalidEncryptedContent(status: number, body: unknown): boolean {
  if (status !== 400 || !isObject(body)) return false;
  const error = isObject(body.error) ? body.error : body;
  if (error.code === "invalid_encrypted_content") return true;
  return typeof error.message === "string" && INVALID_ENCRYPTED_CONTENT.test(error.message);
}

/**
 * A copy of an encoded (or passed-through) body without reasoning items in `input`, or undefined
 * when it has none, so there is nothing to retry. The body itself is left as it was.
 */
export function withoutEncryptedContent(
  body: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const input = body.input;
  if (!Array.isArray(input)) return undefined;
  const kept = input.filter((item) => !(isObject(item) && item.type === "reasoning"));
  return kept.length === input.length ? undefined : { ...body, input: kept };
}
