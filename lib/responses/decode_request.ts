/**
 * A Responses caller's `POST /v1/responses` body as an internal Request. Stateless: a converted
 * pair stores nothing, so whatever needs a stored response (`previous_response_id`,
 * `conversation`, `background`, a stored `prompt`) is a 400 that says so, and `store: true` is
 * answered as `store: false` with a warning. Validates what it reads (a 400 naming the field)
 * and ignores fields it does not know.
 */
import { invalidRequest, ProxyError } from "../errors.ts";
import type { CallerOptions } from "../ir/codec.ts";
import type { Converted, Request, ResponseFormat, ThinkingConfig } from "../ir/types.ts";
import {
  expectObject,
  fieldError,
  isObject,
  type JsonObject,
  optionalArray,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
} from "../json/fields.ts";
import { decodeInput } from "./decode_input.ts";
import { decodeToolChoice, decodeTools, decodeWebSearch } from "./decode_tools.ts";

/** Decodes and validates a Responses request body (also an `input_tokens` body). */
export function decodeRequest(body: unknown, options: CallerOptions = {}): Converted<Request> {
  if (!isObject(body)) throw invalidRequest("Request body must be a JSON object");
  // a Responses upstream holds the state such a body names
  if (!options.passThrough) refuseStoredState(body);
  const warnings: string[] = [];
  const model = optionalString(body, "model", "") ?? options.model;
  if (!model) throw fieldError("", "model", "is required");
  const instructions = optionalString(body, "instructions", "");
  const input = decodeInput(body.input, warnings, options.passThrough);
  const tools = optionalArray(body, "tools", "") ?? [];
  const request: Request = {
    model,
    stream: optionalBoolean(body, "stream", "") ?? false,
    system: instructions ? [{ type: "text", text: instructions }, ...input.system] : input.system,
    messages: input.messages,
    tools: decodeTools([{ tools, path: "tools" }, ...input.toolLists], warnings),
  };
  const webSearch = decodeWebSearch([{ tools, path: "tools" }, ...input.toolLists], warnings);
  if (webSearch) request.webSearch = webSearch;
  const set = <K extends keyof Request>(key: K, value: Request[K] | undefined) => {
    if (value !== undefined) request[key] = value;
  };
  set("toolChoice", decodeToolChoice(body.tool_choice, warnings));
  set("parallelToolCalls", optionalBoolean(body, "parallel_tool_calls", ""));
  set("maxTokens", optionalNumber(body, "max_output_tokens", ""));
  set("temperature", optionalNumber(body, "temperature", ""));
  set("topP", optionalNumber(body, "top_p", ""));
  set("thinking", decodeReasoning(optionalObject(body, "reasoning", ""), warnings));
  set("responseFormat", decodeTextFormat(optionalObject(body, "text", "")));
  set("user", optionalString(body, "user", "") ?? optionalString(body, "safety_identifier", ""));
  if (body.store === true && !options.passThrough) {
    warnings.push(`"store": true was answered as false: nothing is stored`);
  }
  if (body.truncation === "auto") warnings.push(`"truncation": "auto" is not supported`);
  if (body.max_tool_calls !== undefined && body.max_tool_calls !== null) {
    warnings.push(`"max_tool_calls" is not supported and was ignored`);
  }
  // the tools declared inside `input` are echoed too: the answer restores their calls from them
  request.callerSettings = echoedSettings(
    body,
    input.toolLists.length ? [tools, ...input.toolLists.map((l) => l.tools)].flat() : tools,
  );
  return { value: request, warnings };
}

/** The message a caller gets for `previous_response_id` on a converted pair. */
export const NO_STORED_RESPONSES = "This proxy keeps no stored responses for this model: " +
  `send the whole conversation as "input" with "store": false instead of "previous_response_id"`;

function refuseStoredState(body: JsonObject): void {
  const previous = body.previous_response_id;
  if (previous !== undefined && previous !== null && previous !== "") {
    const error = new ProxyError("invalid_request", NO_STORED_RESPONSES);
    error.code = "previous_response_not_found";
    throw error;
  }
  if (body.conversation !== undefined && body.conversation !== null) {
    throw invalidRequest(
      `"conversation" needs stored state, and this proxy keeps none for this model: send the ` +
        `whole conversation as "input"`,
    );
  }
  if (body.background === true) {
    throw invalidRequest(
      `"background": true needs stored responses, which this proxy keeps none of`,
    );
  }
  if (body.prompt !== undefined && body.prompt !== null) {
    throw invalidRequest(
      `"prompt" (a stored prompt template) is not supported: send "instructions"`,
    );
  }
}

/**
 * `reasoning.effort` as a thinking setting: `none` disables thinking, the other levels are kept
 * as they are (`xhigh` and `max` reach the upstreams that take them, the others cap them), and
 * `ultra`, above anything another dialect can ask for, reads as `max`. `summary` has no
 * counterpart.
 */
function decodeReasoning(
  reasoning: JsonObject | undefined,
  warnings: string[],
): ThinkingConfig | undefined {
  const effort = reasoning && optionalString(reasoning, "effort", "reasoning");
  switch (effort) {
    case undefined:
      return undefined;
    case "none":
      return { mode: "disabled" };
    case "minimal":
    case "low":
    case "medium":
    case "high":
    case "xhigh":
    case "max":
      return { mode: "enabled", effort };
    case "ultra":
      warnings.push(
        `"reasoning.effort" "ultra" was read as "max", the highest level upstreams take`,
      );
      return { mode: "enabled", effort: "max" };
  }
  throw fieldError(
    "reasoning",
    "effort",
    `must be one of none, minimal, low, medium, high, xhigh, max, ultra: got ${
      JSON.stringify(effort)
    }`,
  );
}

/** `text.format`, flat as this dialect writes it; `text.verbosity` has no counterpart. */
function decodeTextFormat(text: JsonObject | undefined): ResponseFormat | undefined {
  const format = text && optionalObject(text, "format", "text");
  if (!format) return undefined;
  const path = "text.format";
  switch (format.type) {
    case "text":
      return undefined;
    case "json_object":
      return { type: "json_object" };
    case "json_schema": {
      const schema = expectObject(format.schema ?? {}, `${path}.schema`);
      const name = optionalString(format, "name", path);
      const strict = optionalBoolean(format, "strict", path);
      return {
        type: "json_schema",
        schema,
        ...(name !== undefined ? { name } : {}),
        ...(strict !== undefined ? { strict } : {}),
      };
    }
  }
  throw fieldError(
    path,
    "type",
    `must be "text", "json_object" or "json_schema": got ${JSON.stringify(format.type)}`,
  );
}

/** The settings a Responses answer repeats, as the caller wrote them (defaults where absent). */
function echoedSettings(body: JsonObject, tools: unknown[]): Record<string, unknown> {
  const reasoning = isObject(body.reasoning) ? body.reasoning : {};
  return {
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    store: false,
    temperature: body.temperature ?? null,
    text: body.text ?? { format: { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools,
    top_p: body.top_p ?? null,
    truncation: body.truncation ?? "disabled",
    user: body.user ?? null,
    metadata: body.metadata ?? {},
    ...(body.prompt_cache_key !== undefined ? { prompt_cache_key: body.prompt_cache_key } : {}),
  };
}
