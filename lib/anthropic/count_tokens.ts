/**
 * `POST /v1/messages/count_tokens`: a Messages body without `max_tokens`, answered with
 * `{input_tokens}`; an Anthropic upstream's own counter takes the body without the fields that
 * only shape the answer.
 */
import type { CountTokensWire } from "../ir/endpoint.ts";
import { isObject } from "../json/fields.ts";
import { encodeRequest } from "./encode_request.ts";

export const countTokens: CountTokensWire = {
  caller: {
    // The decoder requires `max_tokens`, which a count request has no use for.
    request: (body) => ({ max_tokens: 1, ...body }),
    answer: (tokens) => ({ input_tokens: tokens }),
    renameModel: (body, modelName) => ({ ...body, model: modelName }),
  },
  upstream: {
    body(request, target) {
      const encoded = encodeRequest(request, { ...target, stream: false }).value.body;
      const { max_tokens: _m, stream: _s, temperature: _t, top_p: _p, top_k: _k, ...rest } =
        encoded;
      return rest;
    },
    read(answer) {
      const tokens = isObject(answer) ? answer.input_tokens : undefined;
      return typeof tokens === "number" ? tokens : undefined;
    },
  },
};
