/**
 * A Responses body passed through to a Responses upstream: the upstream's model name and the
 * `max_output_tokens` cap, and no reasoning item another dialect's upstream made.
 * `previous_response_id`, `store` and `conversation` go on as written, since that upstream holds
 * the state they refer to.
 */
import type { PassthroughWire } from "../ir/endpoint.ts";
import { capEvery } from "../ir/output_cap.ts";
import { withoutForeignReasoning } from "./foreign_reasoning.ts";
import { restyleThinking } from "./restyle_thinking.ts";
import { withoutMedia } from "./text_only.ts";

export const passthrough: PassthroughWire = {
  // No top-level field picks another model or runs tools elsewhere on the account that pays.
  steeringFields: [],
  prepare(out, target) {
    out.model = target.modelName;
    // A session that switched here from another model replays that model's proofs.
    const input = withoutForeignReasoning(out.input);
    if (input !== out.input) out.input = input;
    if (!target.stream && out.stream === true) {
      out.stream = false;
      // Only a stream takes stream options.
      delete out.stream_options;
    }
    capEvery(out, ["max_output_tokens"], target.maxTokens);
  },
  withoutMedia(body) {
    const { list, replaced } = withoutMedia(body.input);
    return { body: replaced === 0 ? body : { ...body, input: list }, replaced };
  },
  restyleThinking,
  // A stream names the model inside each lifecycle event's `response`.
  modelPaths: { answer: ["model"], event: ["response", "model"] },
};
