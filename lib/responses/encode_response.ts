/**
 * An internal Response as the `response` object a Responses caller receives: output items in the
 * order the upstream produced them (a search as a `web_search_call` with the pages it found,
 * the text they support annotated with `url_citation`s),
 * `status` `completed` or `incomplete` with its reason, usage with `total_tokens`, and the
 * request's settings echoed.
 */
import type { StreamEncoderOptions } from "../ir/codec.ts";
import type { Request, Response, WebSearchResultPart } from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import {
  callFacts,
  callItem,
  callPrefix,
  itemIdOf,
  messageItem,
  proofOf,
  reasoningItem,
  responseIdOf,
  webSearchItem,
} from "./output_items.ts";
import { encryptedContentOfRedacted } from "./reasoning_proof.ts";
import { responseFields } from "./response_object.ts";
import { incompleteReasonOf } from "./status.ts";
import { toolRoutes } from "./tool_routes.ts";
import type { OutputItemOut, UrlCitationOut } from "./types.ts";
import { annotationOf } from "./web_search.ts";

/** Encodes a whole answer; consecutive text parts make one message item. */
export function encodeResponse(
  response: Response,
  options: StreamEncoderOptions,
  request?: Request,
): Record<string, unknown> {
  const id = responseIdOf(response.id, options);
  const routes = toolRoutes(request?.callerSettings?.tools);
  const output: OutputItemOut[] = [];
  const results = searchResults(response.content);
  let text: string | undefined;
  let annotations: UrlCitationOut[] = [];
  const flushText = () => {
    if (text?.trim()) {
      const itemId = itemIdOf("msg", id, output.length);
      output.push(messageItem(itemId, text, "completed", annotations));
    }
    text = undefined;
    annotations = [];
  };
  for (const part of response.content) {
    if (part.type === "text") {
      const offset = text?.length ?? 0;
      for (const citation of part.citations ?? []) {
        annotations.push(annotationOf(citation, offset));
      }
      text = (text ?? "") + part.text;
      continue;
    }
    flushText();
    const index = output.length;
    switch (part.type) {
      case "thinking": {
        // unsigned thinking carries the proxy's mark, as in a stream (the Assembler's)
        const proof = proofOf(part.signature ?? { origin: "proxy", value: "" });
        output.push(reasoningItem(itemIdOf("rs", id, index), part.text, proof));
        break;
      }
      case "redacted_thinking":
        output.push(
          reasoningItem(itemIdOf("rs", id, index), "", encryptedContentOfRedacted(part.data)),
        );
        break;
      case "tool_call": {
        const call = callFacts(
          routes,
          part.id,
          part.name,
          JSON.stringify(part.input),
          part.signature,
        );
        output.push(callItem(itemIdOf(callPrefix(call.route), id, index), call, "completed"));
        break;
      }
      case "web_search_call":
        output.push(webSearchItem(itemIdOf("ws", id, index), part.query, results.get(part.id)));
        break;
      case "web_search_result":
        break; // its pages are on the search's item
      default:
        unreachable(part);
    }
  }
  flushText();
  const incompleteReason = incompleteReasonOf(response.stopReason);
  return {
    ...responseFields(
      {
        id,
        createdAt: Math.floor(options.now() / 1000),
        model: response.model,
        status: incompleteReason ? "incomplete" : "completed",
        ...(incompleteReason ? { incompleteReason } : {}),
      },
      output,
      response.usage,
    ),
    ...request?.callerSettings,
  };
}

/** Each search's result, by the id of the search, its pages joined when it has several. */
function searchResults(content: Response["content"]): Map<string, WebSearchResultPart> {
  const results = new Map<string, WebSearchResultPart>();
  for (const part of content) {
    if (part.type !== "web_search_result") continue;
    const known = results.get(part.callId);
    results.set(
      part.callId,
      known ? { ...known, sources: [...known.sources, ...part.sources] } : part,
    );
  }
  return results;
}
