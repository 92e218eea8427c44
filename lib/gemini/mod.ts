/**
 * The Gemini generateContent dialect: Gemini clients (@google/genai, Gemini CLI) served by any
 * upstream, and Gemini as the upstream for any client.
 */
import type { DialectCodec } from "../ir/codec.ts";
import { checkShape } from "./check_shape.ts";
import { countTokens } from "./count_tokens.ts";
import { answerError, errorBody, errorMessage, overflowWordings } from "./errors.ts";
import { imageTokens } from "./image_tokens.ts";
import { modelInfo, modelList } from "./models.ts";
import { passthrough } from "./passthrough.ts";
import { relay } from "./relay.ts";
import { decodeRequest } from "./decode_request.ts";
import { encodeRequest } from "./encode_request.ts";
import { decodeResponse } from "./decode_response.ts";
import { encodeResponse } from "./encode_response.ts";
import { routes } from "./routes.ts";
import { createStreamDecoder } from "./stream_decoder.ts";
import { createStreamEncoder } from "./stream_encoder.ts";
import { upstream } from "./upstream.ts";

/** The Gemini codec the server uses on either side. */
export const geminiCodec: DialectCodec = {
  dialect: "gemini",
  decodeRequest,
  encodeResponse: (response) => encodeResponse(response) as unknown as Record<string, unknown>,
  createStreamEncoder,
  errorBody: (error) => errorBody(error) as unknown as Record<string, unknown>,
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
    // Gemini's thinking is set from the request's effort or budget: no style to choose.
    thinkingStyles: [],
    promptCache: false,
    claimsApiBase: (apiBase) => apiBase.includes("generativelanguage.googleapis.com"),
  },
  imageTokens,
  overflowWordings,
};
