/** The Anthropic Messages dialect, on the caller side and on the upstream side. */
import type { DialectCodec } from "../ir/codec.ts";
import { decodeRequest } from "./decode_request.ts";
import { decodeResponse } from "./decode_response.ts";
import { encodeRequest } from "./encode_request.ts";
import { encodeResponse } from "./encode_response.ts";
import { answerError, errorBody, errorMessage } from "./errors.ts";
import { modelList } from "./models.ts";
import { createStreamDecoder } from "./stream_decoder.ts";
import { createStreamEncoder } from "./stream_encoder.ts";

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
};
