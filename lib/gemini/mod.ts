/**
 * The Gemini generateContent dialect: Gemini clients (@google/genai, Gemini CLI) served by any
 * upstream, and Gemini as the upstream for any client.
 */
import type { DialectCodec } from "../ir/codec.ts";
import { answerError, errorBody, errorMessage } from "./errors.ts";
import { modelList } from "./models.ts";
import { decodeRequest } from "./request_decoder.ts";
import { encodeRequest } from "./request_encoder.ts";
import { decodeResponse } from "./response_decoder.ts";
import { encodeResponse } from "./response_encoder.ts";
import { createStreamDecoder } from "./stream_decoder.ts";
import { createStreamEncoder } from "./stream_encoder.ts";

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
};
