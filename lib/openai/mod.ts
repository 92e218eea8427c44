/**
 * The OpenAI Chat Completions dialect: OpenAI callers (opencode, the OpenAI SDK, Qwen Code) on
 * one side, OpenAI-compatible upstreams (OpenAI, DeepSeek, Kimi, Qwen, GLM, OpenRouter) on the
 * other.
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

/** The codec the server uses for the `openai` dialect. */
export const openaiCodec: DialectCodec = {
  dialect: "openai",
  decodeRequest: (body) => decodeRequest(body),
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
