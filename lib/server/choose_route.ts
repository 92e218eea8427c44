/**
 * Which model serves a request sent to a router: its rules tried in order, the first whose
 * conditions all hold. A condition on the request's content decodes it (once, with the caller's
 * codec, so a model of another dialect reuses it); a rule on the name or the caller alone
 * decodes nothing, and the token estimate is made only when its cheap bound does not answer.
 */
import { globMatches } from "../config/glob.ts";
import type { ModelEntry } from "../config/models.ts";
import type { RouteConditions, RouterEntry, ServerToolKind } from "../config/router.ts";
import { CODECS } from "../dialects.ts";
import type { ImagePricing } from "../ir/endpoint.ts";
import { holdsMedia } from "../ir/text_only.ts";
import { type Dialect, type Request, unreachable } from "../ir/types.ts";
import { isWebSearchServerTool } from "../ir/web_search.ts";
import { estimateRequestTokens } from "../tokens/estimate.ts";
import { inputTokensAtMost } from "../tokens/input_bound.ts";
import type { Exchange } from "./exchange.ts";

/** What the conditions are asked of. */
export interface RouteQuestion {
  caller: Dialect;
  /** The model name the caller sent (a `[1m]` suffix included). */
  model: string;
  /** The request decoded with the caller's codec; called only when a condition needs it. */
  request: () => Request;
  /** How images count in the token estimate: as the caller's provider counts them. */
  images: ImagePricing;
}

/** The rule (numbered from 1) that picks the model for a request, and that model. */
export function chooseRoute(
  router: RouterEntry,
  question: RouteQuestion,
): { rule: number; model: ModelEntry } {
  const facts = new Facts(question);
  const rules = router.route;
  for (let i = 0; i < rules.length - 1; i++) {
    if (holds(rules[i].when!, facts)) return { rule: i + 1, model: rules[i].to };
  }
  // The last rule has no `when` (models.yaml is refused without one).
  return { rule: rules.length, model: rules[rules.length - 1].to };
}

/**
 * Routes a request sent to a router: the model its rules pick, recorded as the entry that serves
 * it (with the router and rule, for the log line).
 */
export function routeRequest(
  ex: Exchange,
  router: RouterEntry,
  model: string,
  request: () => Request,
): ModelEntry {
  const images = CODECS[ex.caller].imageTokens;
  const choice = chooseRoute(router, { caller: ex.caller, model, request, images });
  ex.record.route = `${router.modelId}#${choice.rule}`;
  ex.record.modelId = choice.model.modelId;
  return choice.model;
}

/** Cheap conditions first: the caller and the name cost nothing, the estimate the most. */
function holds(when: RouteConditions, facts: Facts): boolean {
  const q = facts.question;
  if (when.caller !== undefined && when.caller !== q.caller) return false;
  if (when.model && !globMatches(when.model.pieces, q.model)) return false;
  if (when.thinking !== undefined && when.thinking !== facts.thinking()) return false;
  if (when.serverTool !== undefined && !declares(facts.request(), when.serverTool)) return false;
  if (when.images !== undefined && when.images !== facts.images()) return false;
  if (when.inputTokensOver !== undefined && !facts.tokensOver(when.inputTokensOver)) return false;
  return true;
}

/** What the conditions read of one request, each found once and only when asked. */
class Facts {
  readonly question: RouteQuestion;
  #request?: Request;
  #images?: boolean;
  #bound?: number;
  #estimate?: number;

  constructor(question: RouteQuestion) {
    this.question = question;
  }

  request(): Request {
    return this.#request ??= this.question.request();
  }

  /**
   * Whether the request asks the model to think: thinking enabled (a budget), or an effort
   * (alone or with adaptive thinking). Not the presence of `thinking`: Claude Code declares
   * adaptive thinking on every request, so adaptive without an effort is not asking. Never a
   * `disabled` one, whatever effort comes with it.
   */
  thinking(): boolean {
    const thinking = this.request().thinking;
    if (thinking === undefined || thinking.mode === "disabled") return false;
    return thinking.mode === "enabled" || thinking.effort !== undefined;
  }

  /** Any image or document, in a message or inside a tool result. */
  images(): boolean {
    return this.#images ??= this.request().messages.some((m) => m.content.some(holdsMedia));
  }

  /** Whether the estimated input tokens exceed `limit`: the bound first, which often answers. */
  tokensOver(limit: number): boolean {
    const request = this.request();
    this.#bound ??= inputTokensAtMost(request, this.question.images);
    if (this.#bound <= limit) return false;
    this.#estimate ??= estimateRequestTokens(request, this.question.images);
    return this.#estimate > limit;
  }
}

/**
 * Whether the request declares a server tool of this kind: the web search in whatever dialect
 * it was asked (never a client tool that happens to be called WebSearch), Anthropic's web fetch.
 */
function declares(request: Request, kind: ServerToolKind): boolean {
  switch (kind) {
    case "web_search":
      return request.webSearch !== undefined ||
        (request.serverTools ?? []).some(isWebSearchServerTool);
    case "web_fetch":
      return (request.serverTools ?? []).some(isWebFetchServerTool);
    default:
      return unreachable(kind);
  }
}

function isWebFetchServerTool(tool: unknown): boolean {
  if (typeof tool !== "object" || tool === null) return false;
  const type = (tool as { type?: unknown }).type;
  return typeof type === "string" && type.startsWith("web_fetch_");
}
