/**
 * A Messages body passed through to an Anthropic upstream: the upstream's model name, the output
 * cap, a thinking budget that still fits under it, and no signature another upstream made.
 */
import type { PassthroughWire } from "../ir/endpoint.ts";
import { capped } from "../ir/output_cap.ts";
import { signatureFromString } from "../ir/signature.ts";
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
    const messages = withoutForeignThinking(out.messages);
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

type Block = { type?: string; signature?: unknown; text?: unknown };

/**
 * An Anthropic upstream never receives a signature it did not make: thinking blocks the proxy
 * signed for another upstream (the session switched models) are dropped, and so is the
 * whitespace-only text such turns carry, which Anthropic rejects. Untouched turns stay as sent.
 */
function withoutForeignThinking(messages: unknown): unknown {
  if (!Array.isArray(messages)) return messages;
  let changed = false;
  const out = messages.map((m) => {
    if (!m || typeof m !== "object" || !Array.isArray(m.content)) return m;
    const foreign = (b: Block) =>
      b?.type === "thinking" && typeof b.signature === "string" &&
      signatureFromString(b.signature).origin !== "anthropic";
    if (!m.content.some(foreign)) return m;
    changed = true;
    const blank = (b: Block) => b?.type === "text" && String(b.text ?? "").trim() === "";
    return { ...m, content: m.content.filter((b: Block) => !foreign(b) && !blank(b)) };
  });
  return changed ? out : messages;
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
