/**
 * How a Responses upstream is called: `{api_base}/responses` (`/responses/input_tokens` to
 * count), a bearer key; and the one second try without replayed reasoning when the upstream
 * cannot verify it.
 */
import type { UpstreamWire } from "../ir/endpoint.ts";
import { isInvalidEncryptedContent, withoutEncryptedContent } from "./encrypted_content_retry.ts";

export const upstream: UpstreamWire = {
  url: (address, operation) =>
    `${address.apiBase}/responses${operation === "count_tokens" ? "/input_tokens" : ""}`,
  authorize(headers, key) {
    headers.set("authorization", `Bearer ${key}`);
  },
  retry(error, body) {
    // the refusal's code does not survive into the error; OpenAI's words for it always say it
    const refusal = { error: { message: error.message, code: error.code } };
    if (!isInvalidEncryptedContent(error.status, refusal)) return undefined;
    const mended = withoutEncryptedContent(body);
    if (!mended) return undefined;
    return {
      body: mended,
      warning: "The upstream could not verify the reasoning sent back to it " +
        "(invalid_encrypted_content): sent again without the earlier reasoning items",
    };
  },
};
