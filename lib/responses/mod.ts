/**
 * The OpenAI Responses dialect: Responses callers (Codex CLI, the OpenAI Agents SDK, the `openai`
 * SDK's `client.responses`) on any upstream, and Responses-only models (the gpt-5-codex family,
 * gpt-5 pro, o1-pro) as the upstream for any caller.
 */
import type { DialectCodec } from "../ir/codec.ts";
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
 * The codec for the `responses` dialect. Typed by hand until "responses" joins the `Dialect`
 * union (the server's registry then takes it like the other three).
 */
export const responsesCodec: Omit<DialectCodec, "dialect"> & { readonly dialect: "responses" } = {
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
