/**
 * `models/{model}:countTokens`: a body that is a generateContent request, or wraps one in
 * `generateContentRequest`, answered with `{totalTokens}`; a Gemini upstream's own counter gets
 * the wrapped form, which counts tools and system instructions too.
 */
import type { CountTokensWire } from "../ir/endpoint.ts";
import { isObject } from "../json/fields.ts";
import { encodeRequest } from "./encode_request.ts";

export const countTokens: CountTokensWire = {
  caller: {
    request: (body) => isObject(body.generateContentRequest) ? body.generateContentRequest : body,
    answer: (tokens) => ({ totalTokens: tokens }),
    renameModel(body, modelName) {
      const out = { ...body };
      for (const key of ["generateContentRequest", "generate_content_request"]) {
        const wrapped = out[key];
        if (isObject(wrapped)) out[key] = { ...wrapped, model: `models/${modelName}` };
      }
      return out;
    },
  },
  upstream: {
    body(request, target) {
      const encoded = encodeRequest(request, { ...target, stream: false }).value.body;
      return { generateContentRequest: { model: `models/${target.modelName}`, ...encoded } };
    },
    read(answer) {
      const tokens = isObject(answer) ? answer.totalTokens : undefined;
      return typeof tokens === "number" ? tokens : undefined;
    },
  },
};
