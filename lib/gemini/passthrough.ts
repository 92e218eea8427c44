/**
 * A generateContent body passed through: the output cap in `generationConfig` (the model is in
 * the URL). The answer's `modelVersion` is left as the upstream says.
 */
import type { PassthroughWire } from "../ir/endpoint.ts";
import { capEvery } from "../ir/output_cap.ts";
import { isObject } from "../json/fields.ts";
import { withoutProxySignatures } from "./proxy_signatures.ts";
import { withoutMedia } from "./text_only.ts";

export const passthrough: PassthroughWire = {
  steeringFields: [],
  // Whether it streams is the URL's method (`upstream.url`), not the body's.
  prepare(out, target) {
    // A session that switched here from another model may replay the proxy's signatures.
    const contents = withoutProxySignatures(out.contents);
    if (contents.replaced > 0) out.contents = contents.list;
    // Gemini reads each field in camelCase or snake_case.
    const spellings = ["generationConfig", "generation_config"].filter((k) => isObject(out[k]));
    for (const key of spellings.length ? spellings : ["generationConfig"]) {
      const config = { ...(out[key] as Record<string, unknown> | undefined) };
      capEvery(config, ["maxOutputTokens", "max_output_tokens"], target.maxTokens);
      out[key] = config;
    }
  },
  withoutMedia(body) {
    const { list, replaced } = withoutMedia(body.contents);
    return { body: replaced === 0 ? body : { ...body, contents: list }, replaced };
  },
};
