/**
 * The OpenAI Responses dialect: Responses callers (Codex CLI, the OpenAI Agents SDK, the `openai`
 * SDK's `client.responses`) on any upstream, and Responses-only models (the gpt-5-codex family,
 * gpt-5 pro, o1-pro) as the upstream for any caller.
 */
import type { DialectCodec } from "../ir/codec.ts";
import { imageTokens } from "../openai/image_tokens.ts";
import { modelInfo } from "../openai/models.ts";
import { checkShape } from "./check_shape.ts";
import { decodeRequest } from "./decode_request.ts";
import { decodeResponse } from "./decode_response.ts";
import { encodeRequest } from "./encode_request.ts";
import { encodeResponse } from "./encode_response.ts";
import { answerError, errorBody, errorMessage, overflowWordings } from "./errors.ts";
import { countTokens } from "./input_tokens.ts";
import { modelList } from "./models.ts";
import { passthrough } from "./passthrough.ts";
import { relay } from "./relay.ts";
import { routes } from "./routes.ts";
import { createStreamDecoder } from "./stream_decoder.ts";
import { createStreamEncoder } from "./stream_encoder.ts";
import { upstream } from "./upstream.ts";

/** The codec the server uses for the `responses` dialect. */
export const responsesCodec: DialectCodec = {
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
  routes,
  checkShape,
  modelInfo,
  upstream,
  passthrough,
  relay,
  countTokens,
  config: {
    // never inferred from an `api_base`: an entry is a Responses upstream only when it says so
    thinkingStyles: ["reasoning", "none"],
    promptCache: false,
  },
  // OpenAI's pricing: the Responses upstreams are OpenAI's own models
  imageTokens,
  overflowWordings,
};
