/**
 * The OpenAI Chat Completions dialect: OpenAI callers (opencode, the OpenAI SDK, Qwen Code) on
 * one side, OpenAI-compatible upstreams (OpenAI, DeepSeek, Kimi, Qwen, GLM, OpenRouter) on the
 * other.
 */
import type { DialectCodec } from "../ir/codec.ts";
import { checkShape } from "./check_shape.ts";
import { decodeRequest } from "./decode_request.ts";
import { decodeResponse } from "./decode_response.ts";
import { encodeRequest } from "./encode_request.ts";
import { encodeResponse } from "./encode_response.ts";
import { answerError, errorBody, errorMessage, overflowWordings } from "./errors.ts";
import { imageTokens } from "./image_tokens.ts";
import { modelInfo, modelList } from "./models.ts";
import { passthrough } from "./passthrough.ts";
import { relay } from "./relay.ts";
import { routes } from "./routes.ts";
import { createStreamDecoder } from "./stream_decoder.ts";
import { createStreamEncoder } from "./stream_encoder.ts";
import { upstream } from "./upstream.ts";

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
  routes,
  checkShape,
  modelInfo,
  upstream,
  passthrough,
  relay,
  // Chat Completions has no token counter: counts for its upstreams are local.
  countTokens: {},
  config: {
    thinkingStyles: ["reasoning_effort", "deepseek", "qwen", "openrouter", "none"],
    // OpenAI-compatible hosts that honour Anthropic-style `cache_control` on parts.
    promptCache: true,
  },
  imageTokens,
  overflowWordings,
};
