/**
 * The internal conversation as a Responses upstream's `instructions` and `input` items. Nothing
 * the proxy made goes up as an item id (a stored-state upstream would look it up and fail):
 * calls and their outputs pair by `call_id`, fitted to 64 characters alike. Only reasoning this
 * dialect signed (`encrypted_content`) is replayed; other thinking is dropped with a warning,
 * since an upstream cannot verify it.
 */
import { fitIdentifier, splitSignedCallId } from "../ir/ids.ts";
import type {
  DocumentPart,
  ImagePart,
  Message,
  Part,
  Request,
  TextPart,
  ToolResultPart,
} from "../ir/types.ts";
import { unreachable } from "../ir/types.ts";
import { webSearchText } from "../ir/web_search.ts";
import { urlOfSource } from "../openai/_media.ts";
import type { InputContentOut, InputItemOut } from "./types.ts";

/** OpenAI rejects call ids longer than this. */
export const MAX_CALL_ID = 64;

/** The id an upstream sees for a call id: without a Gemini signature riding in it, fitted. */
export function upstreamCallId(id: string): string {
  return fitIdentifier(splitSignedCallId(id).baseId, MAX_CALL_ID);
}

/** Encodes the conversation; `toolName` gives a tool's upstream (fitted) name. */
export function encodeInput(
  request: Request,
  toolName: (name: string) => string,
  warnings: string[],
): { instructions?: string; input: InputItemOut[] } {
  const instructions = request.system.map((p) => p.text).filter((t) => t !== "").join("\n\n");
  const input: InputItemOut[] = [];
  const dropped = { thinking: 0, redacted: 0 };
  let unanswered: string[] = [];
  for (const message of request.messages) {
    const items = encodeMessage(message, toolName, dropped, warnings);
    const answered = new Set(
      items.flatMap((i) => i.type === "function_call_output" ? [i.call_id] : []),
    );
    const missing = unanswered.filter((id) => !answered.has(id));
    // Loops, not push(...): spreading 100,000 items overflows the stack.
    for (const id of missing) input.push(missingOutput(id));
    for (const item of items) input.push(item);
    if (missing.length > 0) {
      warnings.push(`Added a placeholder result for ${missing.length} unanswered tool call(s)`);
    }
    unanswered = items.flatMap((i) => i.type === "function_call" ? [i.call_id] : []);
  }
  if (dropped.thinking > 0) {
    warnings.push(
      `Dropped ${dropped.thinking} thinking block(s) that a Responses upstream did not sign`,
    );
  }
  if (dropped.redacted > 0) {
    warnings.push(
      `Dropped ${dropped.redacted} redacted thinking block(s): only Anthropic reads them`,
    );
  }
  return { ...(instructions ? { instructions } : {}), input };
}

function encodeMessage(
  message: Message,
  toolName: (name: string) => string,
  dropped: { thinking: number; redacted: number },
  warnings: string[],
): InputItemOut[] {
  switch (message.role) {
    case "system": {
      const content = message.content.flatMap((p) =>
        p.type === "text" && p.text ? [{ type: "input_text" as const, text: p.text }] : []
      );
      if (content.length < message.content.length) {
        warnings.push("Dropped non-text parts from a system message");
      }
      return content.length ? [{ type: "message", role: "developer", content }] : [];
    }
    case "user":
      return encodeUser(message.content, warnings);
    case "assistant":
      return encodeAssistant(message.content, toolName, dropped);
    default:
      return unreachable(message.role);
  }
}

/** Call outputs first, then one user message with the rest. */
function encodeUser(content: Part[], warnings: string[]): InputItemOut[] {
  const outputs: InputItemOut[] = [];
  const rest: InputContentOut[] = [];
  for (const part of content) {
    if (part.type === "tool_result") outputs.push(outputItem(part));
    else if (part.type === "text" || part.type === "image" || part.type === "document") {
      rest.push(contentOf(part));
    } else warnings.push(`Dropped a ${part.type} part from a user message`);
  }
  return rest.length ? [...outputs, { type: "message", role: "user", content: rest }] : outputs;
}

function encodeAssistant(
  content: Part[],
  toolName: (name: string) => string,
  dropped: { thinking: number; redacted: number },
): InputItemOut[] {
  const out: InputItemOut[] = [];
  let texts: Array<{ type: "output_text"; text: string }> = [];
  const flush = () => {
    if (texts.length) out.push({ type: "message", role: "assistant", content: texts });
    texts = [];
  };
  for (const part of content) {
    if (part.type === "text") {
      if (part.text.trim()) texts.push({ type: "output_text", text: part.text });
      continue;
    }
    if (part.type === "web_search_call" || part.type === "web_search_result") {
      // a search goes back as text: an item needs the upstream's stored state to be read
      texts.push({ type: "output_text", text: webSearchText(part) });
      continue;
    }
    flush();
    if (part.type === "thinking") {
      if (part.signature?.origin === "responses" && part.signature.value) {
        out.push({
          type: "reasoning",
          summary: part.text ? [{ type: "summary_text", text: part.text }] : [],
          encrypted_content: part.signature.value,
        });
      } else dropped.thinking++;
    } else if (part.type === "redacted_thinking") dropped.redacted++;
    else if (part.type === "tool_call") {
      out.push({
        type: "function_call",
        call_id: upstreamCallId(part.id),
        name: toolName(part.name),
        arguments: JSON.stringify(part.input),
      });
    }
  }
  flush();
  return out;
}

/** A result as `function_call_output`: a string, or parts when it holds images or files. */
function outputItem(part: ToolResultPart): InputItemOut {
  const call_id = upstreamCallId(part.toolCallId);
  const prefix = part.isError ? "Error: " : "";
  if (part.content.every((p) => p.type === "text")) {
    const text = part.content.map((p) => (p as TextPart).text).join("\n");
    return { type: "function_call_output", call_id, output: prefix + (text || "(no output)") };
  }
  const output = part.content.map(contentOf);
  if (prefix) output.unshift({ type: "input_text", text: prefix.trim() });
  return { type: "function_call_output", call_id, output };
}

function missingOutput(call_id: string): InputItemOut {
  return {
    type: "function_call_output",
    call_id,
    output: "(no result: the call was not answered)",
  };
}

function contentOf(part: TextPart | ImagePart | DocumentPart): InputContentOut {
  switch (part.type) {
    case "text":
      return { type: "input_text", text: part.text };
    case "image":
      return { type: "input_image", image_url: urlOfSource(part.source), detail: "auto" };
    case "document":
      if (part.source.kind === "url") return { type: "input_file", file_url: part.source.url };
      return {
        type: "input_file",
        filename: part.filename ??
          (part.source.mediaType === "application/pdf" ? "document.pdf" : "document"),
        file_data: urlOfSource(part.source),
      };
    default:
      return unreachable(part);
  }
}
