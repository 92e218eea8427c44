/**
 * A Messages body passed through to an Anthropic upstream: the upstream's model name, the output
 * cap, a thinking budget that still fits under it, and nothing another upstream made that
 * Anthropic refuses (a signature, a search without Anthropic's encrypted pages).
 */
import type { PassthroughWire } from "../ir/endpoint.ts";
import { capped } from "../ir/output_cap.ts";
import { signatureFromString } from "../ir/signature.ts";
import { webSearchText } from "../ir/web_search.ts";
import { searchCallOf, searchResultOf } from "./web_search.ts";
import { restyleThinking } from "./restyle_thinking.ts";
import { withoutMedia } from "./text_only.ts";

export const passthrough: PassthroughWire = {
  // MCP servers and code-execution containers run on the account that pays.
  steeringFields: ["mcp_servers", "container"],
  prepare(out, target) {
    out.model = target.modelName;
    if (!target.stream && out.stream === true) out.stream = false;
    const max = capped(out.max_tokens, target.maxTokens);
    out.max_tokens = max;
    const messages = withoutForeignBlocks(out.messages);
    if (messages !== out.messages) {
      out.messages = messages;
      // Anthropic refuses thinking when the last tool turn no longer starts with thinking.
      if (lastToolTurnUnsigned(messages)) delete out.thinking;
    }
    const thinking = out.thinking as { type?: string; budget_tokens?: number } | undefined;
    if (thinking?.type === "enabled" && typeof thinking.budget_tokens === "number") {
      if (thinking.budget_tokens >= max) {
        if (max > 1024) out.thinking = { ...thinking, budget_tokens: max - 1 };
        else delete out.thinking;
      }
    }
  },
  withoutMedia(body) {
    const { list, replaced } = withoutMedia(body.messages);
    return { body: replaced === 0 ? body : { ...body, messages: list }, replaced };
  },
  restyleThinking,
  modelPaths: { answer: ["model"], event: ["message", "model"] },
};

type Block = {
  type?: string;
  signature?: unknown;
  text?: unknown;
  id?: unknown;
  tool_use_id?: unknown;
  content?: unknown;
};

/**
 * An Anthropic upstream never receives what it did not make. Thinking blocks the proxy signed
 * for another upstream (the session switched models, or a router sent a turn elsewhere) are
 * dropped, and so is the whitespace-only text such turns carry, which Anthropic rejects. A
 * search another upstream ran (its pages have no encrypted content for Anthropic to read back)
 * goes as the text other upstreams get. Untouched turns stay as sent.
 */
function withoutForeignBlocks(messages: unknown): unknown {
  if (!Array.isArray(messages)) return messages;
  let changed = false;
  const out = messages.map((m) => {
    if (!m || typeof m !== "object" || !Array.isArray(m.content)) return m;
    const content: Block[] = m.content;
    if (!content.some((b) => foreignThinking(b) || foreignSearch(b))) return m;
    changed = true;
    const searches = new Set(content.filter(foreignSearch).map((b) => b.tool_use_id));
    const blank = (b: Block) => b?.type === "text" && String(b.text ?? "").trim() === "";
    return {
      ...m,
      content: content.flatMap((b) => {
        if (foreignThinking(b) || blank(b)) return [];
        const search = b?.type === "server_tool_use" && searches.has(b.id)
          ? searchCallOf(b as Record<string, unknown>)
          : foreignSearch(b)
          ? searchResultOf(b as Record<string, unknown>)
          : undefined;
        return [search ? { type: "text", text: webSearchText(search) } : b];
      }),
    };
  });
  return changed ? out : messages;
}

function foreignThinking(b: Block): boolean {
  return b?.type === "thinking" && typeof b.signature === "string" &&
    signatureFromString(b.signature).origin !== "anthropic";
}

/**
 * A search result no Anthropic search made: a page without encrypted content (another
 * upstream's, as the proxy writes it for Anthropic callers), or none at all.
 */
function foreignSearch(b: Block): boolean {
  if (b?.type !== "web_search_tool_result" || !Array.isArray(b.content)) return false;
  return b.content.length === 0 ||
    b.content.some((page) => !page || typeof page !== "object" || !page.encrypted_content);
}

/** True when the last assistant turn calls tools but does not start with thinking. */
function lastToolTurnUnsigned(messages: unknown): boolean {
  if (!Array.isArray(messages)) return false;
  const last = messages.findLast((m) => m?.role === "assistant");
  if (!last || !Array.isArray(last.content)) return false;
  if (!last.content.some((b: Block) => b?.type === "tool_use")) return false;
  const first = last.content[0]?.type;
  return first !== "thinking" && first !== "redacted_thinking";
}
