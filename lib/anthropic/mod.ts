/** The Anthropic Messages dialect, on the caller side and on the upstream side. */
import type { DialectCodec } from "../ir/codec.ts";
import { checkShape } from "./check_shape.ts";
import { countTokens } from "./count_tokens.ts";
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

/** Everything the server needs to speak Anthropic Messages to a caller or an upstream. */
export const anthropicCodec: DialectCodec = {
  dialect: "anthropic",
  decodeRequest: (body) => decodeRequest(body),
  encodeResponse: (response) => ({ ...encodeResponse(response) }),
  createStreamEncoder: () => createStreamEncoder(),
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
    thinkingStyles: ["budget", "adaptive", "none"],
    promptCache: false,
    // `direct: true` says so for an Anthropic-compatible host of another name.
    claimsApiBase: (apiBase, entry) => entry.direct === true || apiBase.includes("anthropic.com"),
  },
  imageTokens,
  overflowWordings,
};
