/**
 * The OpenAI Responses dialect: Responses callers (Codex CLI, the OpenAI Agents SDK, the `openai`
 * SDK's `client.responses`) on any upstream, and Responses-only models (the gpt-5-codex family,
 * gpt-5 pro, o1-pro) as the upstream for any caller.
 */
import type { DialectConverters } from "../ir/codec.ts";
import { decodeRequest } from "./decode_request.ts";
import { decodeResponse } from "./decode_response.ts";
import { encodeRequest } from "./encode_request.ts";
import { encodeResponse } from "./encode_response.ts";
import { answerError, errorBody, errorMessage } from "./errors.ts";
import { modelList } from "./models.ts";
import { createStreamDecoder } from "./stream_decoder.ts";
import { createStreamEncoder } from "./stream_encoder.ts";

export { inputTokensAnswer, inputTokensBody, readInputTokens } from "./input_tokens.ts";
export { isInvalidEncryptedContent, withoutEncryptedContent } from "./encrypted_content_retry.ts";
export { NO_STORED_RESPONSES } from "./decode_request.ts";

/**
 * The conversions of the `responses` dialect. It becomes a `DialectCodec` (and so served) with
 * its HTTP side (routes, upstream, pass-through, relay, token counts: lib/ir/endpoint.ts) and its
 * line in the registry, lib/dialects.ts.
 */
export const responsesCodec: DialectConverters & { readonly dialect: "responses" } = {
  dialect: "responses",
  decodeRequest,
  encodeResponse,
  createStreamEncoder,
  errorBody,
  modelList,
  encodeRequest,
  decodeResponse,
  createStreamDecoder,
  errorMessage,
  answerError,
};
