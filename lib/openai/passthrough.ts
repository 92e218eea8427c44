/** A Chat Completions body passed through: the upstream's model name and the output cap. */
import type { PassthroughWire } from "../ir/endpoint.ts";
import { capEvery } from "../ir/output_cap.ts";
import { withoutMedia } from "./text_only.ts";

export const passthrough: PassthroughWire = {
  // OpenRouter's fallback models and provider routing choose what the account pays for.
  steeringFields: ["models", "route", "provider"],
  prepare(out, target) {
    out.model = target.modelName;
    if (!target.stream && out.stream === true) {
      out.stream = false;
      // Only a stream takes stream options (OpenAI answers 400 to them otherwise).
      delete out.stream_options;
    }
    capEvery(out, ["max_tokens", "max_completion_tokens"], target.maxTokens);
  },
  withoutMedia(body) {
    const { list, replaced } = withoutMedia(body.messages);
    return { body: replaced === 0 ? body : { ...body, messages: list }, replaced };
  },
  modelPaths: { answer: ["model"], event: ["model"] },
};
