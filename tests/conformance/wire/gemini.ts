/**
 * The Gemini generateContent wire kit: the model and streaming in the URL, `alt=sse` streams of
 * whole candidates (or one JSON array), thought parts and `thoughtSignature`s on parts.
 */
import assert from "node:assert/strict";
import type { Received } from "../../_harness.ts";
import {
  type AnswerBlock,
  type CallerKit,
  type Content,
  type Conversation,
  cutCall,
  type Failure,
  type HttpResult,
  type Mode,
  pieces,
  plainSchema,
  type Reply,
  type SearchBlock,
  type Sent,
  type SentPart,
  type Stop,
  type UpstreamKit,
  type Usage,
  type WireKit,
} from "./kit.ts";

/** The status name of each HTTP status. */
export const STATUS: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  405: "INVALID_ARGUMENT",
  413: "INVALID_ARGUMENT",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  502: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
  529: "UNAVAILABLE",
};

/** What Gemini 3 accepts in place of a signature it never gave (its documented placeholder). */
export const PLACEHOLDER_SIGNATURE = "skip_thought_signature_validator";

const FINISH: Record<Stop, string> = {
  end: "STOP",
  tool: "STOP",
  length: "MAX_TOKENS",
  refusal: "SAFETY",
};
const REFUSALS = ["SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION"];

// ---- caller ----

/** JSON Schema types written the OpenAPI way Gemini documents (upper case). */
function openApiSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openApiSchema);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) =>
      key === "type" && typeof value === "string"
        ? [key, value.toUpperCase()]
        : key === "properties"
        ? [key, Object.fromEntries(Object.entries(value).map(([n, v]) => [n, openApiSchema(v)]))]
        : [key, openApiSchema(value)]
    ),
  );
}

function part(c: Content): unknown {
  switch (c.type) {
    case "text":
      return { text: c.text };
    case "image":
      return "url" in c.source
        ? { fileData: { mimeType: "image/jpeg", fileUri: c.source.url } }
        : { inlineData: { mimeType: c.source.mediaType, data: c.source.data } };
    case "document":
      return { inlineData: { mimeType: "application/pdf", data: c.data } };
  }
}

/**
 * A model turn as a Gemini client sends it back: the first call of the turn carries a signature,
 * the placeholder Gemini documents for history it did not write when none came with it (Gemini CLI
 * does the same).
 */
function signed(turn: { role: string; parts: any[] }): unknown {
  const parts = structuredClone(turn.parts);
  const first = parts.find((p) => p.functionCall);
  if (first && !first.thoughtSignature) first.thoughtSignature = PLACEHOLDER_SIGNATURE;
  return { ...turn, parts };
}

function contents(c: Conversation): unknown[] {
  return c.turns.map((turn) => {
    if (turn.role === "system") throw new Error("a Gemini request has no system turn");
    if ("replay" in turn) return signed(turn.replay as { role: string; parts: any[] });
    if (turn.role === "assistant") {
      return signed({
        role: "model",
        parts: turn.parts.map((p) =>
          p.type === "tool_call"
            ? { functionCall: { id: p.id, name: p.name, args: p.args } }
            : { text: p.text }
        ),
      });
    }
    return {
      role: "user",
      parts: turn.parts.map((p) => {
        if (p.type !== "tool_result") return part(p);
        const text = p.content.flatMap((c) => c.type === "text" ? [c.text] : []).join("\n");
        const media = p.content.filter((c) => c.type !== "text");
        return {
          functionResponse: {
            id: p.callId,
            name: p.name,
            response: p.isError ? { error: text } : { output: text },
            ...(media.length ? { parts: media.map(part) } : {}),
          },
        };
      }),
    };
  });
}

function readUsage(u: any): Partial<Usage> {
  return {
    input: u.promptTokenCount,
    output: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0),
    cacheRead: u.cachedContentTokenCount,
    reasoning: u.thoughtsTokenCount,
  };
}

/** The parts of every chunk folded into blocks: runs of text or thought join, calls stand alone. */
function fold(parts: any[]): { blocks: AnswerBlock[]; replay: unknown } {
  const blocks: AnswerBlock[] = [];
  const replay: any[] = [];
  for (const p of parts) {
    const last = blocks.at(-1);
    if (p.functionCall) {
      blocks.push({
        type: "tool_call",
        id: p.functionCall.id,
        name: p.functionCall.name,
        args: p.functionCall.args ?? {},
        signature: p.thoughtSignature,
      });
      replay.push(structuredClone(p));
    } else if (typeof p.text === "string") {
      const type = p.thought ? "thinking" : "text";
      if (last?.type === type) {
        last.text += p.text;
        const kept = replay.at(-1);
        kept.text += p.text;
        if (p.thoughtSignature && last.type === "thinking") {
          last.signature ??= p.thoughtSignature;
          kept.thoughtSignature ??= p.thoughtSignature;
        }
      } else {
        blocks.push(
          type === "thinking"
            ? { type, text: p.text, signature: p.thoughtSignature }
            : { type, text: p.text },
        );
        replay.push(structuredClone(p));
      }
    }
  }
  return { blocks, replay: { role: "model", parts: replay } };
}

/** A grounding's searches: one per query, the pages with the last (Gemini does not say which). */
function searchesOf(metadata: any): SearchBlock[] {
  const queries: string[] = metadata.webSearchQueries ?? [];
  const pages = (metadata.groundingChunks ?? []).map((c: any) => ({
    url: c.web.uri,
    title: c.web.title,
  }));
  return queries.map((query, i) => ({
    type: "web_search",
    query,
    sources: i === queries.length - 1 ? pages : [],
  }));
}

/**
 * Exactly one `data: <one-line JSON>` line per event, events apart by blank lines (LF from the
 * proxy, or the upstream's own line ends in pass-through); returns the chunks.
 */
function sseChunks(text: string): any[] {
  assert.match(text, /\n\r?\n$/, "the stream must end with a blank line: " + JSON.stringify(text));
  const events: string[][] = [[]];
  for (const line of text.split(/\r?\n/)) {
    if (line !== "") events.at(-1)!.push(line);
    else if (events.at(-1)!.length) events.push([]);
  }
  events.pop();
  return events.map((lines) => {
    assert.equal(lines.length, 1, `one data line per event: ${JSON.stringify(lines)}`);
    assert.match(lines[0], /^data: \S/, `not a data line: ${JSON.stringify(lines[0])}`);
    return JSON.parse(lines[0].slice(6));
  });
}

function readChunks(result: HttpResult, mode: Mode): any[] {
  const type = result.headers.get("content-type") ?? "";
  if (mode === "whole") {
    assert.match(type, /application\/json/);
    return [JSON.parse(result.text)];
  }
  if (mode === "stream as a JSON array") {
    assert.match(type, /application\/json/);
    const items = JSON.parse(result.text);
    assert.ok(Array.isArray(items), "the stream is one JSON array");
    return items;
  }
  assert.match(type, /text\/event-stream/);
  return sseChunks(result.text);
}

/** Checks an error body against the Gemini envelope for a status; returns its message. */
export function errorMessage(body: any, status: number): string {
  assert.equal(body?.error?.code, status, `gemini: ${JSON.stringify(body)}`);
  assert.equal(body.error.status, STATUS[status], JSON.stringify(body));
  assert.equal(typeof body.error.message, "string");
  return body.error.message;
}

const caller: CallerKit = {
  namesModel: false,
  modes: ["whole", "stream", "stream as a JSON array"],
  request(c, { model, mode, key }) {
    const body: Record<string, unknown> = { contents: contents(c) };
    if (c.system !== undefined) {
      const parts = typeof c.system === "string" ? [c.system] : c.system;
      body.systemInstruction = { role: "user", parts: parts.map((text) => ({ text })) };
    }
    if (c.tools) {
      body.tools = [{
        functionDeclarations: c.tools.map((t) => ({
          name: t.name,
          ...(t.description ? { description: t.description } : {}),
          ...(t.schema ? { parameters: openApiSchema(t.schema) } : {}),
        })),
      }];
    }
    if (c.webSearch) body.tools = [...(body.tools as unknown[] ?? []), { googleSearch: {} }];
    if (c.toolChoice) {
      const choice = c.toolChoice;
      body.toolConfig = {
        functionCallingConfig: typeof choice === "object"
          ? { mode: "ANY", allowedFunctionNames: [choice.name] }
          : { mode: choice.toUpperCase() },
      };
    }
    const config: Record<string, unknown> = {};
    if (c.maxTokens !== undefined) config.maxOutputTokens = c.maxTokens;
    if (c.temperature !== undefined) config.temperature = c.temperature;
    if (c.topP !== undefined) config.topP = c.topP;
    if (c.stop) config.stopSequences = c.stop;
    if (c.effort) {
      config.thinkingConfig = { includeThoughts: true, thinkingLevel: c.effort.toUpperCase() };
    }
    if (Object.keys(config).length) body.generationConfig = config;
    return caller.call(body, { model, mode, key });
  },
  call(body, { model, mode, key }) {
    const method = mode === "whole"
      ? "generateContent"
      : mode === "stream"
      ? "streamGenerateContent?alt=sse"
      : "streamGenerateContent";
    return { path: `/gemini/v1beta/models/${model}:${method}`, headers: caller.auth(key), body };
  },
  auth: (key) => ({ "x-goog-api-key": key }),
  read(result, mode) {
    if (result.status !== 200) {
      const body = JSON.parse(result.text);
      const message = errorMessage(body, result.status);
      return {
        ...result,
        blocks: [],
        finished: false,
        error: { message, kind: body.error.status },
      };
    }
    const chunks = readChunks(result, mode);
    const errors = chunks.filter((c) => c.error);
    if (errors.length) assert.equal(chunks.at(-1), errors[0], "nothing may follow an error");
    const candidates = chunks.flatMap((c) => c.candidates?.[0] ? [c.candidates[0]] : []);
    const { blocks, replay } = fold(candidates.flatMap((c) => c.content?.parts ?? []));
    // Grounding has no place among the parts: its searches read as coming first.
    const grounding = candidates.filter((c) => c.groundingMetadata).map((c) => c.groundingMetadata);
    blocks.unshift(...grounding.flatMap(searchesOf));
    const finish = candidates.findLast((c) => c.finishReason)?.finishReason;
    const usage = chunks.findLast((c) => c.usageMetadata)?.usageMetadata;
    const stop: Stop | undefined = finish === undefined
      ? undefined
      : finish === "MAX_TOKENS"
      ? "length"
      : REFUSALS.includes(finish)
      ? "refusal"
      : blocks.some((b) => b.type === "tool_call")
      ? "tool"
      : "end";
    return {
      ...result,
      model: chunks.findLast((c) => c.modelVersion)?.modelVersion,
      blocks,
      stop,
      usage: usage && readUsage(usage),
      error: errors[0] && { message: errors[0].error.message, kind: errors[0].error.status },
      finished: finish !== undefined && errors.length === 0,
      replay,
    };
  },
  errorMessage,
  errorKind: (status) => STATUS[status] ?? "INTERNAL",
  signatures: "own",
  // Gemini CLI drops thought parts but sends a call's thoughtSignature back verbatim.
  carriedThinking: (text) =>
    "proxy:t1:" +
    new TextEncoder().encode(text).toBase64({ alphabet: "base64url", omitPadding: true }),
  usage: ["input", "output", "cacheRead", "reasoning"],
  lacks: {
    "mid-conversation system message": "Gemini requests have no system turn",
    "parallel tool calls switch": "Gemini requests have no switch for parallel calls",
    "document names": "Gemini's inline data carries no file name",
  },
};

// ---- upstream ----

const THOUGHT_SIGNATURE = "VGhvdWdodFNpZ25hdHVyZS9wbHVzK2FuZD0vc2xhc2g9PQ==";
const CALL_SIGNATURE = "Q2FsbFNpZ25hdHVyZS9wbHVzK2FuZD0vc2xhc2g9PQ==";

function sentPart(p: any): SentPart | undefined {
  if (typeof p.text === "string") {
    return p.thought
      ? { type: "thinking", text: p.text, signature: p.thoughtSignature }
      : { type: "text", text: p.text };
  }
  const media = p.inlineData ?? p.fileData;
  if (media) {
    if (media.mimeType === "application/pdf") {
      return { type: "document", data: media.data, filename: "" };
    }
    return {
      type: "image",
      source: p.fileData ? { url: media.fileUri } : { mediaType: media.mimeType, data: media.data },
    };
  }
  if (p.functionCall) {
    return {
      type: "tool_call",
      id: p.functionCall.id,
      name: p.functionCall.name,
      args: p.functionCall.args ?? {},
      signature: p.thoughtSignature,
    };
  }
  if (p.functionResponse) {
    const r = p.functionResponse;
    const value = "error" in (r.response ?? {}) ? r.response.error : r.response?.output;
    return {
      type: "tool_result",
      id: r.id,
      name: r.name,
      text: typeof value === "string" ? value : JSON.stringify(value),
      media: (r.parts ?? []).map(sentPart) as Content[],
      isError: "error" in (r.response ?? {}),
    };
  }
}

function effortOf(config: any): Sent["effort"] {
  if (!config) return undefined;
  if (config.thinkingLevel) return config.thinkingLevel.toLowerCase();
  const budget = config.thinkingBudget;
  if (budget === undefined) return config.includeThoughts ? "adaptive" : undefined;
  if (budget === 0) return undefined;
  return budget === -1 ? "adaptive" : budget <= 1024 ? "low" : budget <= 8192 ? "medium" : "high";
}

function read(request: Received): Sent {
  const b = request.json;
  const choice = b.toolConfig?.functionCallingConfig;
  const config = b.generationConfig ?? {};
  return {
    model: /\/models\/([^:]+):/.exec(request.path)?.[1],
    stream: request.path.endsWith(":streamGenerateContent"),
    system: (b.systemInstruction?.parts ?? []).map((p: any) => p.text).filter(Boolean).join("\n\n"),
    turns: b.contents.map((c: any) => ({
      role: c.role === "model" ? "assistant" : "user",
      parts: c.parts.map(sentPart).filter((p: unknown) => p !== undefined),
    })),
    tools: (b.tools ?? []).flatMap((t: any) => t.functionDeclarations ?? []).map((d: any) => ({
      name: d.name,
      ...(d.description ? { description: d.description } : {}),
      schema: plainSchema(d.parameters ?? d.parametersJsonSchema, d.parameters !== undefined),
    })),
    toolChoice: choice === undefined
      ? undefined
      : choice.allowedFunctionNames?.length === 1
      ? { name: choice.allowedFunctionNames[0] }
      : choice.mode.toLowerCase(),
    maxTokens: config.maxOutputTokens,
    temperature: config.temperature,
    topP: config.topP,
    stop: config.stopSequences,
    effort: effortOf(config.thinkingConfig),
    webSearch: (b.tools ?? []).some((t: any) => t.googleSearch !== undefined),
    body: b,
  };
}

function usage(u: Usage): Record<string, number> {
  return {
    promptTokenCount: u.input,
    ...(u.cacheRead !== undefined ? { cachedContentTokenCount: u.cacheRead } : {}),
    candidatesTokenCount: u.output - (u.reasoning ?? 0),
    ...(u.reasoning !== undefined ? { thoughtsTokenCount: u.reasoning } : {}),
    totalTokenCount: u.input + u.output,
  };
}

/** The grounding of a reply's searches (the pages all told once, after the queries). */
function groundingOf(reply: Reply): Record<string, unknown> | undefined {
  const searches = reply.blocks.filter((b): b is SearchBlock => b.type === "web_search");
  if (searches.length === 0) return undefined;
  return {
    webSearchQueries: searches.map((b) => b.query),
    groundingChunks: searches.flatMap((b) => b.sources)
      .map((page) => ({ web: { uri: page.url, title: page.title } })),
    searchEntryPoint: { renderedContent: "<div>Google Search</div>" },
  };
}

function replyParts(block: Reply["blocks"][number], split: boolean): any[] {
  switch (block.type) {
    case "web_search":
      return []; // told in the grounding metadata
    case "thinking": {
      // The signature comes with the last part of the thought, as Gemini streams it.
      const texts = split ? pieces(block.text, 4) : [block.text];
      return texts.map((text, i) => ({
        text,
        thought: true,
        ...(i === texts.length - 1 ? { thoughtSignature: THOUGHT_SIGNATURE } : {}),
      }));
    }
    case "text":
      return (split ? pieces(block.text, 4) : [block.text]).map((text) => ({ text }));
    case "tool_call":
      return [{
        functionCall: { name: block.name, args: block.args },
        ...(block.signed ? { thoughtSignature: CALL_SIGNATURE } : {}),
      }];
  }
}

/** The chunks of a streamed answer, as JSON text; a cut call's is cut in the middle. */
function streamChunks(reply: Reply): Array<{ json: string; cut?: true }> {
  const cutAt = reply.cut === "inside-arguments" ? cutCall(reply) : -1;
  const prompt = { promptTokenCount: reply.usage.input, totalTokenCount: reply.usage.input };
  const out: Array<{ json: string; cut?: true }> = [];
  const grounding = groundingOf(reply);
  for (const [i, block] of reply.blocks.entries()) {
    // The grounding comes where the first search is: with no parts, before the text.
    if (block === reply.blocks.find((b) => b.type === "web_search")) {
      const chunk = candidate([]);
      (chunk.candidates as any[])[0].groundingMetadata = grounding;
      out.push({ json: JSON.stringify(chunk) });
    }
    for (const part of replyParts(block, true)) {
      const json = JSON.stringify({ ...candidate([part]), usageMetadata: prompt });
      // Gemini sends a call whole: a stream cut inside one ends in the middle of it.
      if (i === cutAt) {
        return [...out, { json: json.slice(0, Math.floor(json.length / 2)), cut: true }];
      }
      out.push({ json });
    }
  }
  if (reply.midError !== undefined) {
    out.push({
      json: JSON.stringify({
        error: { code: 503, message: reply.midError, status: "UNAVAILABLE" },
      }),
    });
  } else if (!reply.cut) {
    out.push({
      json: JSON.stringify({
        ...candidate([], reply.finish ?? FINISH[reply.stop]),
        usageMetadata: usage(reply.usage),
      }),
    });
  }
  return out;
}

function candidate(parts: unknown[], finish?: string): Record<string, unknown> {
  return {
    candidates: [{
      content: { role: "model", parts },
      ...(finish ? { finishReason: finish } : {}),
      index: 0,
    }],
    modelVersion: "gemini-3-pro-preview",
    responseId: "resp_up_1",
  };
}

/** Gemini 3 refuses a model turn whose first call carries no signature. */
function refuses(request: Received): Failure | undefined {
  if (!request.path.includes("gemini-3")) return undefined;
  for (const content of request.json?.contents ?? []) {
    const first = content.role === "model"
      ? (content.parts ?? []).find((p: any) => p.functionCall)
      : undefined;
    if (first && !first.thoughtSignature) {
      return {
        status: 400,
        message:
          "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly.",
      };
    }
  }
}

const upstream: UpstreamKit = {
  model: "gemini-3-pro-preview",
  apiBase: (mock) => `${mock}/v1beta`,
  wantsStream: (request) => request.path.endsWith(":streamGenerateContent"),
  read,
  refuses,
  checkEnvelope(request, { stream, model, key, passThrough }) {
    const method = stream ? "streamGenerateContent" : "generateContent";
    assert.equal(request.path, `/v1beta/models/${model}:${method}`);
    const array = passThrough === "stream as a JSON array";
    assert.equal(request.search, stream && !array ? "?alt=sse" : "");
    assert.equal(request.headers.get("x-goog-api-key"), key);
    assert.equal(request.json.model, undefined);
    assert.equal(request.json.stream, undefined);
    if (!passThrough) {
      const roles = request.json.contents.map((c: any) => c.role);
      assert.ok(
        roles.every((r: string, i: number) => r === (i % 2 ? "model" : "user")),
        `${roles}`,
      );
    }
  },
  json(reply) {
    const answer = candidate(
      reply.blocks.flatMap((b) => replyParts(b, false)),
      reply.finish ?? FINISH[reply.stop],
    );
    const grounding = groundingOf(reply);
    if (grounding) (answer.candidates as any[])[0].groundingMetadata = grounding;
    return { ...answer, usageMetadata: usage(reply.usage) };
  },
  stream(reply, request) {
    const chunks = streamChunks(reply);
    // Without alt=sse (a pass-through of that form) Gemini answers one JSON array.
    if (request && request.search !== "?alt=sse") {
      const items = chunks.map((c) => c.json).join(",\r\n");
      const body = `[${items}${reply.cut ? "" : "]"}`;
      return { body, type: "application/json" };
    }
    const body = chunks.map((c) => c.cut ? `data: ${c.json}` : `data: ${c.json}\r\n\r\n`).join("");
    return { body, type: "text/event-stream" };
  },
  failure(f) {
    return {
      status: f.status,
      headers: f.headers ?? {},
      body: {
        error: { code: f.status, message: f.message, status: STATUS[f.status] ?? "INTERNAL" },
      },
    };
  },
  signature: { thinking: THOUGHT_SIGNATURE, call: CALL_SIGNATURE },
  callIds: false,
  unsignedCall: PLACEHOLDER_SIGNATURE,
  // the searches are counted by the queries of the grounding
  usage: ["input", "output", "cacheRead", "reasoning", "searches"],
  finishes: [
    { raw: "STOP", stop: "end" },
    { raw: "STOP", stop: "tool" },
    { raw: "MAX_TOKENS", stop: "length" },
    { raw: "SAFETY", stop: "refusal" },
    { raw: "PROHIBITED_CONTENT", stop: "refusal" },
    { raw: "RECITATION", stop: "refusal" },
  ],
  limits: { toolName: 64, callId: 64 },
  lacks: {
    "mid-conversation system message": "Gemini requests have no system turn",
    "parallel tool calls switch": "Gemini requests have no switch for parallel calls",
    "document names": "Gemini's inline data carries no file name",
  },
};

export const gemini: WireKit = { dialect: "gemini", caller, upstream };
